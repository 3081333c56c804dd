"""Adapters the core and the edges use: texts, dates, calendar, files, Slack users, scheduling."""
