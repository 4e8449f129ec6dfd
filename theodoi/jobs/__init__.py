"""Jobs: long work (reading uploaded decisions, reminders, cleanups) on a Celery queue.

`theodoi.jobs.celery.app` is the Celery application (`celery -A theodoi.jobs worker`);
`tasks.py` holds the task definitions, each calling a plain function of the project;
`embedded.py` runs a worker thread inside the serving process when the broker is
`memory://` (the one-command default); `models.Job` is what a page shows of a job.
"""

from __future__ import annotations
