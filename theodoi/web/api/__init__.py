"""The HTTP API under /api/: plans, tasks, assignments, statuses and targets to read, progress
reports to write, with token or session authentication and the tracking access rules."""
