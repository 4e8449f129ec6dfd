"""Documents made from live tracking data: urging letters, periodic reports, Excel sheets,
calendars and e-mail reminders, each format a renderer in one registry (`registry.py`)."""
