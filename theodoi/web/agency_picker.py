"""An agency chosen by typing its name: the field of the filter forms that would otherwise
ship every agency of the country as a `<select>` (3,956 options, 272 KB on the search page
at the national scale), and the few matches its suggestions show.

The field takes what the URL carries: an agency's id (the links the pages and `/ask/` make,
`?agency=12`) or a name typed with or without diacritics ("bo cong an"), read by the
registry's lookup key (`theodoi.registry.text.key`), then by the registry's own reading of
printed names ("UBND tỉnh Nghệ An", "Bộ KH&CN"), then word by word. A name that fits
several agencies (3,321 communes share 3,617 names) is an error that lists them; each is
shown with its parent ("xã Tân Phú (tỉnh Đồng Nai)"), a label that reads back to it alone.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Count, Max, QuerySet
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from theodoi.registry.text import key
from theodoi.tracking.models import Agency

SUGGESTIONS = 20  # what the suggestions endpoint returns at most
SHOWN_IN_ERROR = 5  # the agencies an ambiguous name's error names
# The index is rebuilt when an agency is added or removed (checked on each use, one small
# query); a renamed agency is seen within this many seconds.
INDEX_SECONDS = 300


@dataclass(frozen=True)
class Entry:
    pk: int
    name: str
    label: str  # the name, with the parent's name when another agency has the same name
    name_key: str
    label_key: str


_INDEX: dict[str, Any] = {"signature": None, "built": 0.0, "entries": ()}


def _signature() -> tuple[int, int | None]:
    row = Agency.objects.aggregate(n=Count("id"), last=Max("id"))
    return row["n"], row["last"]


def index() -> tuple[Entry, ...]:
    """Every agency with its label and lookup keys, built once per process (folding 4k
    names costs more than the page around them) and again when the agencies change."""
    signature = _signature()
    now = time.monotonic()
    if _INDEX["signature"] != signature or now - _INDEX["built"] > INDEX_SECONDS:
        rows = list(Agency.objects.values_list("pk", "name", "parent__name").order_by("name", "pk"))
        seen: dict[str, int] = {}
        for _pk, name, _parent in rows:
            seen[name] = seen.get(name, 0) + 1
        entries = []
        for pk, name, parent in rows:
            shown = label_of(name, parent, shared=seen[name] > 1)
            entries.append(Entry(pk, name, shown, key(name), key(shown)))
        _INDEX.update(signature=signature, built=now, entries=tuple(entries))
    return _INDEX["entries"]


def label_of(name: str, parent: str | None, shared: bool) -> str:
    """How the field shows an agency: its name, and its parent's when the name is shared."""
    return f"{name} ({parent})" if shared and parent else name


def label(agency: Agency) -> str:
    """The text the field shows for `agency`, one that reads back to it alone."""
    shared = Agency.objects.filter(name=agency.name).exclude(pk=agency.pk).exists()
    parent = agency.parent.name if shared and agency.parent_id else None
    return label_of(agency.name, parent, shared)


def matches(text: str, limit: int = SUGGESTIONS, within: QuerySet | None = None) -> list[Entry]:
    """The agencies whose name holds every word of `text` (diacritics ignored), the best
    first: the exact name, then names starting with it, then the shortest; `within` narrows
    them to a queryset's agencies."""
    words = key(text).split()
    if not words:
        return []
    wanted = " ".join(words)
    found = [e for e in index() if all(w in e.label_key for w in words)]
    if within is not None and found:
        allowed = set(within.filter(pk__in=[e.pk for e in found]).values_list("pk", flat=True))
        found = [e for e in found if e.pk in allowed]
    found.sort(key=lambda e: (e.name_key != wanted and e.label_key != wanted,
                              not e.name_key.startswith(wanted), len(e.label), e.label_key))
    return found[:limit]


class Ambiguous(Exception):
    def __init__(self, entries: list[Entry]):
        super().__init__(entries)
        self.entries = entries


def resolve(text: str, within: QuerySet | None = None) -> Agency | None:
    """The agency `text` names (an id, a name with or without diacritics, or a printed form
    the registry reads), None when none; Ambiguous when several fit."""
    text = text.strip()
    agencies = within if within is not None else Agency.objects.all()
    if text.isdigit():
        return agencies.filter(pk=int(text)).first()
    wanted = key(text)
    if not wanted:
        return None
    exact = [e for e in index() if wanted in (e.name_key, e.label_key)]
    by_label = [e for e in exact if e.label_key == wanted]
    exact = by_label or exact
    if not exact:
        exact = _registry_reading(text)
    if not exact:
        exact = matches(text, limit=SHOWN_IN_ERROR + 1, within=within)
    if within is not None and exact:
        allowed = set(within.filter(pk__in=[e.pk for e in exact]).values_list("pk", flat=True))
        exact = [e for e in exact if e.pk in allowed]
    if len(exact) > 1:
        raise Ambiguous(exact)
    return agencies.filter(pk=exact[0].pk).first() if exact else None


def _registry_reading(text: str) -> list[Entry]:
    """The agencies the registry reads a printed name as ("UBND tỉnh Nghệ An"), not a group."""
    from theodoi.web import preview  # the pages' registry (with the coordinators' units)

    found = preview.registry().resolve(text)
    if found is None or found.is_group:
        return []
    ids = [e.id for e in (found.successors_on or [found.entity])]
    pks = set(Agency.objects.filter(registry_id__in=ids).values_list("pk", flat=True))
    return [e for e in index() if e.pk in pks]


class AgencyInput(forms.TextInput):
    """A text box with the suggestions list `static/web/forms.js` fills as one types."""

    def __init__(self, attrs: dict[str, Any] | None = None):
        super().__init__({"autocomplete": "off", "spellcheck": "false",
                          "placeholder": _("Gõ tên cơ quan"), **(attrs or {})})

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        attrs = {**(attrs or {}), "list": f"{name}-suggestions",
                 "data-suggest": str(reverse_lazy("web:agency-names"))}
        return super().get_context(name, value, attrs)

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None,
               renderer: Any = None) -> str:
        from django.utils.html import format_html

        box = super().render(name, value, attrs, renderer)
        return format_html('{}<datalist id="{}-suggestions"></datalist>', box, name)

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, Agency):
            return label(value)
        return super().format_value(value)


class AgencyField(forms.Field):
    """An agency by id or name (see the module); `within` narrows the agencies accepted."""

    widget = AgencyInput
    default_error_messages = {  # noqa: RUF012 - Django's own pattern
        "unknown": _("Không tìm thấy cơ quan “%(name)s”: hãy gõ tên khác hoặc chọn trong "
                     "danh sách gợi ý."),
        "ambiguous": _("Có nhiều cơ quan ứng với “%(name)s”: %(names)s. Hãy gõ tên đầy đủ "
                       "hoặc chọn trong danh sách gợi ý."),
    }

    def __init__(self, *args: Any, within: QuerySet | None = None, **kwargs: Any):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.within = within

    def to_python(self, value: Any) -> Agency | None:
        if isinstance(value, Agency) or value in self.empty_values:
            return value or None
        text = str(value).strip()[:300]
        try:
            agency = resolve(text, within=self.within)
        except Ambiguous as many:
            shown = "; ".join(e.label for e in many.entries[:SHOWN_IN_ERROR])
            if len(many.entries) > SHOWN_IN_ERROR:
                shown += " …"
            raise forms.ValidationError(self.error_messages["ambiguous"], code="ambiguous",
                                        params={"name": text, "names": shown}) from None
        if agency is None:
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown",
                                        params={"name": text})
        return agency

    def prepare_value(self, value: Any) -> Any:
        # A bound form shows what was typed; an id from a link is shown as its agency's label.
        if isinstance(value, str) and value.strip().isdigit():
            agency = Agency.objects.select_related("parent").filter(pk=int(value)).first()
            return label(agency) if agency else value
        return value
