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


def part_of(plan: Any, code: str, registry_id: str, role: str | None = None) -> Any:
    """The assignment of the agency `registry_id` on the task `code` of `plan` (of `role`,
    when it has two parts there)."""
    from theodoi.tracking.models import Assignment

    by_role = {} if role is None else {"role": role}
    return Assignment.objects.get(task__plan=plan, task__code=code,
                                  agency__registry_id=registry_id, **by_role)


def write_at_once(first: Any, second: Any, day: tuple[int, int, int]) -> list[BaseException]:
    """Run `first()` and `second()` in two threads on `day`, each in a transaction of its
    own connection, the first held open half a second after it wrote, so that the second
    writes meanwhile (PostgreSQL: SQLite serialises writers); the errors either raised."""
    import threading

    from django.db import connection, transaction

    first_wrote = threading.Event()
    errors: list[BaseException] = []

    def run(write: Any, hold: bool) -> None:
        try:
            with travel(*day), transaction.atomic():
                write()
                if hold:  # keep the first transaction open while the second writes
                    first_wrote.set()
                    threading.Event().wait(0.5)
        except BaseException as exc:  # returned to the test, which asserts there are none
            errors.append(exc)
            first_wrote.set()
        finally:
            connection.close()

    one = threading.Thread(target=run, args=(first, True))
    one.start()
    first_wrote.wait(10)
    two = threading.Thread(target=run, args=(second, False))
    two.start()
    one.join(20)
    two.join(20)
    return errors
