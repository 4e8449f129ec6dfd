"""The agency registry as the tracking application uses it, and its mirror as Agency rows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Protocol

from django.db import transaction

from theodoi.tracking.models import Agency
from theodoi.tracking.services import statuses


class Registry(Protocol):
    """What publishing needs from `theodoi.registry.Registry`."""

    def resolve(self, name: str, on: date | None = ..., context: str | None = ...) -> Any: ...

    def expand(self, group_or_entity: Any, on: date | None = ...) -> list[Any]: ...


_WITH_ADDED: dict[tuple, Any] = {}


def default_registry() -> Registry:
    """The agency registry shipped with theodoi, with the units coordinators added (loaded
    again only when one is added)."""
    from theodoi.registry import load_registry
    from theodoi.tracking.models import AddedUnit

    key = tuple(AddedUnit.objects.order_by("pk").values_list("pk", flat=True))
    if not key:
        return load_registry()
    if key not in _WITH_ADDED:
        _WITH_ADDED.clear()
        units = AddedUnit.objects.select_related("added_by").order_by("created_at", "pk")
        _WITH_ADDED[key] = load_registry(extra=[u.record() for u in units])
    return _WITH_ADDED[key]


def add_unit(
    *, user: Any, name: str, parent: str, kind: str = "unit", aliases: Sequence[str] = (),
    source: str = "", reason: str,
) -> Any:
    """A unit a coordinator adds under `parent` (a registry id), checked by the registry
    (ValidationError with its Vietnamese message otherwise); returns its Agency row."""
    from django.core.exceptions import ValidationError

    from theodoi.registry import load_registry
    from theodoi.registry.text import fold
    from theodoi.tracking import access
    from theodoi.tracking.models import AddedUnit

    access.ensure_coordinator(user)
    if not reason.strip():
        raise ValidationError("Cần ghi lý do thêm đơn vị.")
    slug = "-".join(fold(name).replace("đ", "d").split())[:120] + f"-{parent}"[:60]
    slug = "".join(ch if ch.isalnum() or ch == "-" else "-" for ch in slug).strip("-")
    record = {"id": slug, "name": name.strip(), "kind": kind, "parent": parent,
              "aliases": [a for a in aliases if a.strip()], "source": source.strip(),
              "added_by": user.get_username(), "reason": reason.strip()}
    others = [u.record() for u in AddedUnit.objects.select_related("added_by")]
    try:
        trial = load_registry(extra=[*others, record])
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    with transaction.atomic():
        AddedUnit.objects.create(
            registry_id=slug, name=record["name"], kind=kind, parent_registry_id=parent,
            aliases=record["aliases"], source=record["source"], reason=record["reason"],
            added_by=user,
        )
        return agency_for(trial.get(slug), trial)


class AgencyMirror:
    """Agency rows for registry entities, created (or renamed) on demand, with their parents."""

    def __init__(self, registry: Registry | None = None):
        self.registry = registry
        self.cache: dict[str, Agency] = {}

    def __call__(self, entity: Any) -> Agency:
        registry_id = str(entity.id)
        if registry_id in self.cache:
            return self.cache[registry_id]
        name = str(getattr(entity, "name", registry_id))
        kind = str(getattr(entity, "kind", "") or "")
        parent = self._parent(entity)
        agency, created = Agency.objects.get_or_create(
            registry_id=registry_id, defaults={"name": name, "kind": kind, "parent": parent}
        )
        if not created and (agency.name, agency.kind, agency.parent_id) != (
            name, kind, parent.pk if parent else None
        ):
            moved = (agency.kind, agency.parent_id) != (kind, parent.pk if parent else None)
            agency.name, agency.kind, agency.parent = name, kind, parent
            with transaction.atomic():
                agency.save(update_fields=["name", "kind", "parent"])
                if moved:
                    # Its parts (and its units') may now count in another ministry or
                    # province: the roots' counts follow the tree, in the same transaction.
                    statuses.recount_roots()
        self.cache[registry_id] = agency
        return agency

    def _parent(self, entity: Any) -> Agency | None:
        parent_id = getattr(entity, "parent", None)
        lookup = getattr(self.registry, "get", None)
        if not parent_id or lookup is None or parent_id == getattr(entity, "id", None):
            return None
        try:
            return self(lookup(parent_id))
        except KeyError:
            return None


def agency_for(entity: Any, registry: Registry | None = None) -> Agency:
    """The Agency row mirroring a registry entity, created (or renamed) on demand."""
    return AgencyMirror(registry)(entity)


# -- plan-json to rows ------------------------------------------------------------------
