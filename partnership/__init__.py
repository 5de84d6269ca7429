"""Partnership data: police.uk street crimes, health and transport aggregates, imported by staff.

Pure domain code plus Tortoise models; no web, routing or content imports (import-linter). The backend
composes these rows into the routing risk surface.
"""
