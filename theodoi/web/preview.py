"""How the registry will read a draft plan's printed names, without writing anything.

Publishing (`services.publish_plan`) resolves each printed name on the plan's date in the
context of its issuer, expands groups on that date and follows each member to the agency
answering today. The review page shows the same reading before anything is published.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from theodoi.tracking import services
from theodoi.tracking.models import Plan


@dataclass
class NameReading:
    """What one printed name becomes: the entity meant, and who answers for it today."""

    printed: str
    meant: str = ""
    is_group: bool = False
    agencies: list[str] = field(default_factory=list)
    flag: str = ""  # "", "unknown" (registry does not know it), "no_agency" (nobody to assign)

    @property
    def renamed(self) -> bool:
        """Whether the agency answering today is not the one printed (merger, rename)."""
        return not self.is_group and bool(self.agencies) and self.agencies != [self.meant]


def registry() -> services.Registry:
    """The agency registry the pages use (tests may replace it)."""
    return services.default_registry()


def read_names(plan: Plan, names: Iterable[str], reg: Any, on: date) -> dict[str, NameReading]:
    """Each printed name of `names` as publishing `plan` on `on` would read it."""
    plan_date = plan.reference_date()
    issuer = reg.resolve(plan.issuer, on=plan_date) if plan.issuer else None
    context = None if issuer is None or issuer.is_group else str(issuer.entity.id)
    out: dict[str, NameReading] = {}
    for printed in names:
        if printed in out:
            continue
        resolution = reg.resolve(printed, on=plan_date, context=context)
        if resolution is None:
            out[printed] = NameReading(printed, flag="unknown")
            continue
        agencies: list[str] = []
        for member in reg.expand(resolution, on=plan_date):
            for current in reg.expand(member, on=on) or [member]:
                name = str(getattr(current, "name", current))
                if name not in agencies:
                    agencies.append(name)
        out[printed] = NameReading(
            printed,
            meant=str(getattr(resolution.entity, "name", "")),
            is_group=bool(resolution.is_group),
            agencies=agencies,
            flag="" if agencies else "no_agency",
        )
    return out


def agency_names(reg: Any, on: date) -> list[str]:
    """Names of the agencies existing on `on`, to suggest when choosing one."""
    try:
        return list(_agency_names(reg, on))
    except TypeError:  # a registry that cannot be a cache key (a test's stand-in)
        return list(_agency_names.__wrapped__(reg, on))


@lru_cache(maxsize=4)
def _agency_names(reg: Any, on: date) -> tuple[str, ...]:
    """`agency_names`, kept per registry and day: a registry is not changed once loaded (a
    unit added loads a new one), and reading its ~4,000 entities was 9 ms of each plan page
    with unresolved names."""
    entities = getattr(reg, "entities", None)
    if entities is None:
        return ()
    kinds = {"ministry", "ministry_level", "government_agency", "unit", "province", "other_body"}
    return tuple(sorted({e.name for e in entities(on=on) if e.kind in kinds}))


class UnknownAgency(ValueError):
    """A name typed by a coordinator that the registry does not know."""


def agencies_for_text(text: str, reg: Any, on: date) -> list[Any]:
    """Registry entities for names typed one per line (or separated by ";"), groups
    expanded; UnknownAgency names the first one the registry does not know."""
    out: list[Any] = []
    for part in text.replace(";", "\n").splitlines():
        name = part.strip()
        if not name:
            continue
        resolution = reg.resolve(name, on=on)
        if resolution is None:
            raise UnknownAgency(name)
        for entity in reg.expand(resolution, on=on) or [resolution.entity]:
            if entity not in out:
                out.append(entity)
    return out
