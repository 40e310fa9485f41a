"""Escalations up a ladder of district contacts, school-day calendars and statutory deadlines."""
