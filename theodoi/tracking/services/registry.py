"""The agency registry as the tracking application uses it, and its mirror as Agency rows."""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

from theodoi.tracking.models import Agency


class Registry(Protocol):
    """What publishing needs from `theodoi.registry.Registry`."""

    def resolve(self, name: str, on: date | None = ..., context: str | None = ...) -> Any: ...

    def expand(self, group_or_entity: Any, on: date | None = ...) -> list[Any]: ...


def default_registry() -> Registry:
    """The agency registry shipped with theodoi."""
    from theodoi.registry import load_registry

    return load_registry()


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
            agency.name, agency.kind, agency.parent = name, kind, parent
            agency.save(update_fields=["name", "kind", "parent"])
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
