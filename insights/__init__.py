"""Where pupils walk after school: pupil flows, where schools meet, staggered finish times and patrol plans.

Pure computation over the router's arrays and the area packs: no web, database or push imports. The backend
reads finish times and imported counts from the database and passes them in as plain values.
"""
