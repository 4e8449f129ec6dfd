"""Agencies, groups and their lineage: who a printed name is, and who answers for it now.

    from theodoi.registry import load_registry
    reg = load_registry()
    reg.resolve("Bộ TT&TT", on=date(2026, 1, 1))   # Resolution | None
    reg.expand("group-ubnd-tinh", on=date(2026, 1, 1))   # the 34 provinces
"""

from __future__ import annotations

from theodoi.registry.model import Entity, GroupRule, LineageEvent, Resolution
from theodoi.registry.registry import Registry, load_registry, registry_from, today
from theodoi.registry.text import fold

__all__ = [
    "Entity",
    "GroupRule",
    "LineageEvent",
    "Registry",
    "Resolution",
    "fold",
    "load_registry",
    "registry_from",
    "today",
]
