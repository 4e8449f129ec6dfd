"""Calendars of deadlines (iCalendar, RFC 5545) for one agency or one plan.

Every dated task is an all-day event on its deadline (a coordinator's date first);
recurring and ongoing tasks are one event with an RRULE, on the last day of each period
as the status engine counts them (the first period holds the plan's date or the task's
start). Tasks still waiting for a date, and tasks without a deadline, have no event.
Calendar programs subscribe to the secret address of a `CalendarFeed` (docs/outputs.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from theodoi import glossary
from theodoi.outputs.labels import PERIOD_LABELS, ROLE_LABELS, status_label, vn_date
from theodoi.outputs.models import CalendarFeed
from theodoi.outputs.registry import renderer
from theodoi.tracking import queries
from theodoi.tracking import status as engine
from theodoi.tracking.models import Agency, Plan, Task

PRODID = "-//theodoi//Theo dõi nhiệm vụ chuyển đổi số//VI"
# How often subscribed calendar programs should fetch the feed again.
REFRESH = timedelta(hours=6)

# The RRULE for "the last day of every period", by period length.
RULES: dict[str, dict[str, Any]] = {
    "week": {"freq": "weekly", "byday": "SU"},
    "month": {"freq": "monthly", "bymonthday": -1},
    "quarter": {"freq": "monthly", "interval": 3, "bymonthday": -1},
    "half": {"freq": "monthly", "interval": 6, "bymonthday": -1},
    "year": {"freq": "yearly", "bymonth": 12, "bymonthday": 31},
}


@dataclass(frozen=True)
class Deadline:
    """One event: a task's deadline, once or recurring."""

    uid: str
    summary: str
    description: str
    on: date
    every: str | None = None
    until: date | None = None


@dataclass
class TaskCalendar:
    """The deadlines of an agency's or a plan's tasks."""

    name: str
    description: str
    slug: str
    events: list[Deadline] = field(default_factory=list)

    @property
    def filename_stem(self) -> str:
        return f"lich-{self.slug}"


def task_deadline(task: Task, *, role: str | None = None, status: str | None = None
                  ) -> Deadline | None:
    """The calendar event of a task's deadline, or None when it has no date yet."""
    rule = task.deadline_rule()
    every = rule.period
    plan = task.plan
    summary = f"Hạn: {task.code} {task.name}".strip()
    if len(summary) > 150:
        summary = summary[:147].rstrip() + "..."
    lines = [
        f"Kế hoạch: {plan.title}" + (f" (Quyết định số {plan.number})" if plan.number else ""),
        f"Nhiệm vụ {task.code}: {task.name}",
    ]
    if task.result:
        lines.append(f"{glossary.RESULT}: {task.result}")
    if task.deadline:
        shown = glossary.deadline_label(task.deadline, task.due_kind, task.effective_due())
        lines.append(f"{glossary.DEADLINE}: {shown}")
    if task.lead:
        lines.append(f"{glossary.LEAD_AGENCY}: {'; '.join(task.lead)}")
    if task.partners:
        lines.append(f"{glossary.PARTNER_AGENCY}: {'; '.join(task.partners)}")
    if role:
        lines.append(f"{glossary.ROLE} của cơ quan: {ROLE_LABELS.get(role, role)}")
    if status:
        lines.append(f"Tình trạng ngày {vn_date(timezone.localdate())}: {status_label(status)}")
    uid = f"task-{task.pk}@theodoi"
    if every is not None:
        start = rule.start or plan.reference_date()
        first = engine.period_bounds(start, every)[1]
        lines.insert(2, f"Báo cáo định kỳ mỗi {PERIOD_LABELS[every]}, hạn ngày cuối kỳ.")
        return Deadline(uid, f"{summary} (định kỳ)", "\n".join(lines), first, every,
                        rule.on)
    due = rule.due_on
    if due is None or task.due_kind not in engine.DATED_KINDS | engine.WAITING_KINDS:
        return None
    return Deadline(uid, summary, "\n".join(lines), due)


def agency_calendar(agency: Agency) -> TaskCalendar:
    """Deadlines of the tasks `agency` leads or supports in published plans."""
    from theodoi.outputs.digest import owed_tasks

    calendar = TaskCalendar(
        name=f"Hạn nhiệm vụ - {agency.name}",
        description=f"Thời hạn các nhiệm vụ chuyển đổi số giao cho {agency.name}",
        slug=agency.registry_id,
    )
    queries.fresh()
    for task in owed_tasks(agency):
        mine = [a for a in task.active_assignments() if a.agency_id == agency.pk]
        if not mine:
            continue
        assignment = mine[0]
        event = task_deadline(task, role=assignment.role, status=assignment.status)
        if event is not None:
            calendar.events.append(event)
    return calendar


def plan_calendar(plan: Plan) -> TaskCalendar:
    """Deadlines of every current task of `plan`."""
    calendar = TaskCalendar(
        name=f"Hạn nhiệm vụ - {plan.number or plan.title[:60]}",
        description=f"Thời hạn các nhiệm vụ của {plan.title}",
        slug=f"ke-hoach-{plan.pk}",
    )
    queries.fresh()
    for task in Task.objects.filter(plan=plan).counted().select_related("plan").order_by(
            "order"):
        event = task_deadline(task, status=task.status)
        if event is not None:
            calendar.events.append(event)
    return calendar


@renderer("calendar", "ics", "text/calendar; charset=utf-8", "Lịch thời hạn (iCalendar)")
def calendar_ics(calendar: TaskCalendar) -> bytes:
    from icalendar import Calendar, Event

    out = Calendar()
    out.add("prodid", PRODID)
    out.add("version", "2.0")
    out.add("calscale", "GREGORIAN")
    out.add("method", "PUBLISH")
    out.add("x-wr-calname", calendar.name)
    out.add("x-wr-caldesc", calendar.description)
    out.add("x-wr-timezone", settings.TIME_ZONE)
    out.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    out.add("x-published-ttl", REFRESH)
    stamp = timezone.now().replace(microsecond=0)
    for item in calendar.events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("summary", item.summary)
        event.add("description", item.description)
        event.add("dtstart", item.on)
        event.add("dtend", item.on + timedelta(days=1))
        event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
        if item.every is not None:
            rule = dict(RULES[item.every])
            if item.until is not None:
                rule["until"] = item.until
            event.add("rrule", rule)
        out.add_component(event)
    return out.to_ical()


def feed_for(*, agency: Agency | None = None, plan: Plan | None = None,
             rotate: bool = False) -> CalendarFeed:
    """The secret calendar address of an agency or a plan, made on first use; `rotate`
    gives it a new token (old subscriptions stop working)."""
    from theodoi.outputs.models import new_token

    if (agency is None) == (plan is None):
        raise ValueError("give an agency or a plan")
    feed, created = CalendarFeed.objects.get_or_create(agency=agency, plan=plan)
    if rotate and not created:
        feed.token = new_token()
        feed.save(update_fields=["token"])
    return feed
