"""The clock and the rows that the tracking, API and output tests share: a moment in
Vietnam's time zone (deadlines and periods are judged on the local date), the clock
stopped there, and one agency's part of a task.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import time_machine

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def local_time(y: int, m: int, d: int, hour: int = 10) -> datetime:
    """`hour`:00 on that day in Vietnam."""
    return datetime(y, m, d, hour, tzinfo=HCM)


def travel(y: int, m: int, d: int, hour: int = 10) -> time_machine.travel:
    """The clock stopped at `local_time(y, m, d, hour)` (no ticking: dates stay put)."""
    return time_machine.travel(local_time(y, m, d, hour), tick=False)


def travel_on(day: str) -> time_machine.travel:
    """`travel` to 10:00 on `day` (YYYY-MM-DD)."""
    return travel(*map(int, day.split("-")))


def part_of(plan: Any, code: str, registry_id: str) -> Any:
    """The assignment of the agency `registry_id` on the task `code` of `plan`."""
    from theodoi.tracking.models import Assignment

    return Assignment.objects.get(task__plan=plan, task__code=code,
                                  agency__registry_id=registry_id)
