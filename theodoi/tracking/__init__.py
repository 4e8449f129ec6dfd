"""Tracking: plans, tasks, assignments, progress reports and their statuses (a Django app)."""
