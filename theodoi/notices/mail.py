"""Notices by e-mail, through the reminders' machinery: the same addresses (an agency's
contacts and its reporters' own addresses, `outputs.reminders.contacts_of`; a user's own
address), the same SMTP settings, run by `theodoi notices send`, `theodoi remind` and the
Celery beat schedule.

Each notice is claimed (`emailed_at` set where it was empty, in one UPDATE) before it is
sent, so two runs at once never mail it twice; a failed send releases the claim and the
next run tries again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import timezone

from theodoi.notices.models import Notice
from theodoi.outputs.labels import Issuer
from theodoi.outputs.reminders import contacts_of

BATCH = 500
# E-mails are Vietnamese whatever the UI language (as the reminders are).
KIND_LABELS = {
    Notice.Kind.RETURNED: "Báo cáo bị trả lại",
    Notice.Kind.ASSIGNED: "Nhiệm vụ mới được giao",
    Notice.Kind.DEADLINE: "Thời hạn thay đổi",
}


@dataclass
class Outcome:
    """What one run did: notices mailed (with their addresses), without address, failed."""

    sent: list[tuple[Notice, list[str]]] = field(default_factory=list)
    no_address: list[Notice] = field(default_factory=list)
    failed: list[tuple[Notice, str]] = field(default_factory=list)


def addresses_of(notice: Notice) -> list[str]:
    """Where `notice` goes: its agency's contacts and reporters, or its user's address
    (an inactive user, or one without an address, gets nothing)."""
    if notice.recipient_agency_id is not None:
        return contacts_of(notice.recipient_agency)
    user = notice.recipient_user
    if user is None or not user.is_active or not user.email.strip():
        return []
    return [user.email.strip().lower()]


def _claim(notice: Notice) -> bool:
    now = timezone.now()
    claimed = Notice.objects.filter(pk=notice.pk, emailed_at__isnull=True).update(emailed_at=now)
    notice.emailed_at = now
    return bool(claimed)


def _release(notice: Notice) -> None:
    Notice.objects.filter(pk=notice.pk).update(emailed_at=None)


def _message(notice: Notice, to: list[str], connection: object) -> EmailMultiAlternatives:
    context = {
        "notice": notice,
        "kind": KIND_LABELS.get(notice.kind, notice.kind),
        "url": f"{getattr(settings, 'SITE_URL', '').rstrip('/')}{notice.link}",
        "issuer": Issuer().name,
    }
    subject = " ".join(render_to_string("notices/email/notice_subject.txt", context).split())
    mail = EmailMultiAlternatives(
        subject, render_to_string("notices/email/notice_body.txt", context),
        settings.DEFAULT_FROM_EMAIL, to, connection=connection)
    mail.attach_alternative(render_to_string("notices/email/notice_body.html", context),
                            "text/html")
    return mail


def send_notices(*, report: Callable[[str], None] | None = None) -> Outcome:
    """Mail every notice not mailed yet to its recipients, oldest first."""
    say = report or (lambda line: None)
    outcome = Outcome()
    connection = None
    failed: set[int] = set()
    while True:
        batch = list(Notice.objects.filter(emailed_at__isnull=True).exclude(pk__in=failed)
                     .select_related("recipient_agency", "recipient_user")
                     .order_by("created_at", "id")[:BATCH])
        if not batch:
            break
        for notice in batch:
            if not _claim(notice):
                continue  # another run took it
            to = addresses_of(notice)
            if not to:
                outcome.no_address.append(notice)
                continue
            connection = connection or get_connection()
            try:
                # One message per address: an agency's contacts do not see each other.
                for address in to:
                    _message(notice, [address], connection).send()
            except Exception as exc:  # any SMTP or network error: release, go on
                _release(notice)
                failed.add(notice.pk)
                outcome.failed.append((notice, str(exc)))
                say(f"lỗi gửi thông báo {notice.pk}: {exc}")
                continue
            Notice.objects.filter(pk=notice.pk).update(emailed_to=to)
            outcome.sent.append((notice, to))
            say(f"đã gửi thông báo {notice.pk} tới {', '.join(to)}")
    if connection is not None:
        connection.close()
    return outcome
