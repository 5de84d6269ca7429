"""Surveys of young people: definitions from content/surveys, anonymous answers, suppressed reports."""
