"""The repositories of what happens around an occurrence (`storage/meeting_records.py`):
topics and agendas, attendance, minutes links and action items."""
