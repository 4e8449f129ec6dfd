"""E-mail reminders: each agency's contacts get a digest of its overdue and due-soon tasks.

`send_reminders(as_of)` is what `theodoi remind` runs from cron or a systemd timer. It is
idempotent per period (setting REMINDER_EVERY: week by default): a `ReminderLog` row is
claimed for (agency, address, period) before the message goes out, so a second run in the
same period, or two runs at once, send nothing twice. A failed send releases its claim and
is tried again on the next run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from theodoi.outputs.digest import AgencyDigest, agency_addressee, agency_digest
from theodoi.outputs.labels import PERIOD_LABELS, Issuer, vn_date
from theodoi.outputs.models import AgencyContact, ReminderLog
from theodoi.tracking import status as engine
from theodoi.tracking.models import Agency, Plan, Role, due_soon_days

EVERY_CHOICES = ("day", *engine.PERIODS)


def reminder_period(as_of: date, every: str | None = None) -> str:
    """The key of the period a reminder sent on `as_of` belongs to ("2024-W25", "2024-06")."""
    every = every or getattr(settings, "REMINDER_EVERY", "week")
    if every == "day":
        return as_of.isoformat()
    if every not in engine.PERIODS:
        raise ValueError(f"REMINDER_EVERY must be one of {', '.join(EVERY_CHOICES)}")
    return engine.period_key(as_of, every)


def contacts_of(agency: Agency) -> list[str]:
    """Where an agency's reminders go: its active contacts and its active reporters' e-mail
    addresses, each once, in lower case."""
    addresses = list(
        AgencyContact.objects.filter(agency=agency, is_active=True).values_list("email", flat=True)
    )
    addresses += list(
        get_user_model().objects.filter(
            profile__agency=agency, profile__role=Role.REPORTER, is_active=True
        ).exclude(email="").values_list("email", flat=True)
    )
    # Lower-cased: mail systems ignore case, and the sent-log must see one address once.
    return sorted({address.strip().lower() for address in addresses if address.strip()})


def agencies_to_remind() -> list[Agency]:
    """Agencies with someone to write to and a task in a published plan."""
    reachable = set(AgencyContact.objects.filter(is_active=True).values_list("agency", flat=True))
    reachable |= set(
        get_user_model().objects.filter(profile__role=Role.REPORTER, is_active=True)
        .exclude(email="").values_list("profile__agency", flat=True)
    )
    return list(
        Agency.objects.filter(
            pk__in=reachable,
            assignments__is_active=True,
            assignments__task__plan__status=Plan.Status.PUBLISHED,
        ).distinct().order_by("name")
    )


@dataclass
class Message:
    """One reminder to one address."""

    agency: Agency
    email: str
    period: str
    digest: AgencyDigest
    subject: str
    text: str
    html: str


def compose(digest: AgencyDigest, email: str, period: str) -> Message:
    """The reminder for `digest` to `email`: subject, text and HTML from the templates."""
    every = getattr(settings, "REMINDER_EVERY", "week")
    context = {
        "agency": agency_addressee(digest.agency),
        "as_of": vn_date(digest.as_of),
        "n_overdue": len(digest.overdue),
        "n_due_soon": len(digest.due_soon),
        "overdue": digest.overdue,
        "due_soon": digest.due_soon,
        "groups": [("Nhiệm vụ quá hạn", digest.overdue),
                   ("Nhiệm vụ sắp đến hạn", digest.due_soon)],
        "days": due_soon_days(),
        "every_label": "ngày" if every == "day" else PERIOD_LABELS.get(every, ""),
        "site_url": getattr(settings, "SITE_URL", ""),
        "issuer": Issuer().name,
    }
    subject = " ".join(render_to_string("outputs/email/reminder_subject.txt", context).split())
    return Message(
        agency=digest.agency,
        email=email,
        period=period,
        digest=digest,
        subject=subject,
        text=render_to_string("outputs/email/reminder_body.txt", context),
        html=render_to_string("outputs/email/reminder_body.html", context),
    )


@dataclass
class Outcome:
    """What one run did."""

    sent: list[Message] = field(default_factory=list)
    already_sent: list[tuple[Agency, str]] = field(default_factory=list)
    failed: list[tuple[Message, str]] = field(default_factory=list)
    nothing_owed: list[Agency] = field(default_factory=list)
    would_send: list[Message] = field(default_factory=list)


def _claim(message: Message) -> ReminderLog | None:
    """The log row reserving this reminder, or None when it was sent (or is being sent)."""
    try:
        with transaction.atomic():
            return ReminderLog.objects.create(
                agency=message.agency, email=message.email, period=message.period,
                as_of=message.digest.as_of, overdue=len(message.digest.overdue),
                due_soon=len(message.digest.due_soon), subject=message.subject[:300],
            )
    except IntegrityError:
        return None


def send_reminders(
    as_of: date,
    *,
    dry_run: bool = False,
    agencies: list[Agency] | None = None,
    report: Callable[[str], None] | None = None,
) -> Outcome:
    """Send every agency's digest of `as_of` to each of its contacts, once per period."""
    say = report or (lambda line: None)
    period = reminder_period(as_of)
    outcome = Outcome()
    connection = None
    for agency in agencies if agencies is not None else agencies_to_remind():
        addresses = contacts_of(agency)
        if not addresses:
            continue
        digest = agency_digest(agency, as_of)
        if digest.is_empty:
            outcome.nothing_owed.append(agency)
            continue
        logged = set(
            ReminderLog.objects.filter(agency=agency, period=period)
            .values_list("email", flat=True)
        )
        for email in addresses:
            if email in logged:
                outcome.already_sent.append((agency, email))
                continue
            message = compose(digest, email, period)
            if dry_run:
                outcome.would_send.append(message)
                say(f"sẽ gửi {email}: {message.subject}")
                continue
            claim = _claim(message)
            if claim is None:
                outcome.already_sent.append((agency, email))
                continue
            connection = connection or get_connection()
            mail = EmailMultiAlternatives(message.subject, message.text,
                                          settings.DEFAULT_FROM_EMAIL, [email],
                                          connection=connection)
            mail.attach_alternative(message.html, "text/html")
            try:
                mail.send()
            except Exception as exc:  # any SMTP or network error: release the claim, go on
                claim.delete()
                outcome.failed.append((message, str(exc)))
                say(f"lỗi gửi {email}: {exc}")
                continue
            claim.sent_at = timezone.now()
            claim.save(update_fields=["sent_at"])
            outcome.sent.append(message)
            say(f"đã gửi {email}: {message.subject}")
    if connection is not None:
        connection.close()
    return outcome
