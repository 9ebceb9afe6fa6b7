"""Timetable pages, one module per sub-domain: week views, the administrator's plan, lesson
changes, and the calendar (events, policy, lucky number)."""
