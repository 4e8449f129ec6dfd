"""A task's "Nguồn" block: where the reader found it, and the crop of its page (cached)."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache

from theodoi.extract.crops import NoRegion, region_png
from theodoi.extract.model import Source
from theodoi.tracking.models import Task

log = logging.getLogger(__name__)

CACHE_SECONDS = 7 * 24 * 3600  # a stored file never changes: its crops only leave the cache
CACHE_VERSION = 1  # raised when the crops are drawn differently


@dataclass
class SourceView:
    """What the page shows of a task's source: file, place, a crop when there is one, text."""

    file_name: str
    file_id: int | None
    page: int | None
    table: int | None
    row: int | None
    rows: int
    has_crop: bool
    text: str | None


def source_view(task: Task) -> SourceView | None:
    """The task's source as shown, or None for a task imported without one."""
    source = Source.from_json(task.source) if task.source else None
    if source is None:
        return None
    stored = task.source_file
    return SourceView(
        file_name=stored.name if stored else (source.file or ""),
        file_id=stored.pk if stored else None,
        page=source.page,
        table=source.table + 1 if source.table is not None else None,
        row=source.row + 1 if source.row is not None else None,
        rows=source.rows,
        has_crop=stored is not None and bool(source.regions()),
        text=source.text,
    )


def crop_png(task: Task) -> bytes | None:
    """The PNG of the page region the task was read from, None when it has none."""
    source = Source.from_json(task.source) if task.source else None
    if source is None or task.source_file_id is None or not source.regions():
        return None
    regions = source.regions()
    # The stored name with the id: a key never outlives its file into another one's.
    stored = task.source_file.file.name  # type: ignore[union-attr]
    digest = hashlib.sha1(json.dumps([stored, regions, source.turn]).encode(),
                          usedforsecurity=False).hexdigest()
    key = f"task-source:{CACHE_VERSION}:{task.source_file_id}:{digest}"
    png = cache.get(key)
    if png is None:
        png = _render(task, regions, source.turn)
        if png is None:
            return None
        cache.set(key, png, CACHE_SECONDS)
    return png


def _render(task: Task, regions: list[Any], turn: int) -> bytes | None:
    stored = task.source_file
    try:
        with stored.file.open("rb") as handle:  # type: ignore[union-attr]
            data = handle.read()
    except (FileNotFoundError, ValueError):
        return None
    try:
        return region_png(data, regions, turn)
    except NoRegion as exc:
        log.warning("no crop for task %s: %s", task.pk, exc)
        return None
