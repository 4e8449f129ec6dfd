"""Reviewing several reports at once (the coordinator's queue): `review_report` for each,
each in its own transaction, with one result per report."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from theodoi.tracking import access
from theodoi.tracking.models import ProgressReport
from theodoi.tracking.services.reports import review_report


@dataclass
class ReviewResult:
    """What happened to one report of a batch: reviewed, or the one line why not."""

    report_id: int
    report: ProgressReport | None
    ok: bool
    error: str = ""


def review_reports(
    report_ids: Iterable[int], user: Any, accept: bool, reason: str = ""
) -> list[ReviewResult]:
    """Accept (or return with `reason`) each report of `report_ids`, in the order given,
    once each. The rules are `review_report`'s; one report already reviewed by a colleague
    (or gone) fails alone and the others go through."""
    access.ensure_coordinator(user)
    results: list[ReviewResult] = []
    seen: set[int] = set()
    for report_id in report_ids:
        if report_id in seen:
            continue
        seen.add(report_id)
        try:
            report = access.access_report_for_review(user, report_id)
            report = review_report(report, user, accept, reason)
        except (ValidationError, PermissionDenied, Http404) as exc:
            messages = getattr(exc, "messages", None) or [str(exc)]
            results.append(ReviewResult(report_id, None, False, "; ".join(messages)))
        else:
            results.append(ReviewResult(report_id, report, True))
    return results
