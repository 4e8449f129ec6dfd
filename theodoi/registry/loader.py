"""Reading the registry's data files into entities, lineage events and settings."""

from __future__ import annotations

import csv
import json
import threading
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import resources
from importlib.abc import Traversable
from typing import Any

from theodoi.registry.model import (
    CENTRAL_KINDS,
    FOLLOWED_KINDS,
    GROUP_RULES,
    KINDS,
    LINEAGE_KINDS,
    Entity,
    GroupRule,
    LineageEvent,
)

DAY = timedelta(days=1)


@dataclass(frozen=True)
class Template:
    """A unit that every province has (Sở TT&TT, Sở KH&CN), with its own lifetime."""

    key: str
    name: str
    aliases: tuple[str, ...] = ()
    valid_from: date | None = None
    valid_to: date | None = None
    merged_into: str | None = None
    merge_note: str = ""
    note: str = ""
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Period:
    """Which ministry is in charge of digital transformation between two dates."""

    id: str
    start: date | None
    end: date | None
    source: str


@dataclass
class RegistryData:
    """Everything the data files hold, ready for `Registry`."""

    entities: dict[str, Entity] = field(default_factory=dict)
    events: list[LineageEvent] = field(default_factory=list)
    templates: dict[str, Template] = field(default_factory=dict)
    # Which template each province unit was made from ("so-khcn-tinh-ha-giang" -> "so-khcn").
    unit_templates: dict[str, str] = field(default_factory=dict)
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    dt_ministry: list[Period] = field(default_factory=list)
    # The provinces' departments, made from the templates the first time they are needed.
    _units: tuple[list[Entity], list[LineageEvent]] | None = field(default=None, repr=False)
    _units_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def local_units(self) -> tuple[list[Entity], list[LineageEvent]]:
        """Each template's unit in each province and the lineage of both, made and checked
        once (about 1,500 units: making them with every load doubled its time)."""
        with self._units_lock:
            if self._units is None:
                provinces = [e for e in self.entities.values() if e.kind == "province"]
                units, events = province_units(self.templates, provinces, self.events,
                                               self.sources)
                taken = [u.id for u in units if u.id in self.entities]
                if taken:
                    raise ValueError(f"duplicate registry id {taken[0]!r}")
                check_data(RegistryData(
                    entities={**self.entities, **{u.id: u for u in units}},
                    events=[*self.events, *events], templates=self.templates,
                    sources=self.sources, dt_ministry=self.dt_ministry,
                ))
                self.unit_templates = {u.id: u.id.removesuffix("-" + (u.parent or ""))
                                       for u in units}
                self._units = (units, events)
            return self._units


def data_dir() -> Traversable:
    """The packaged data folder."""
    return resources.files("theodoi.registry") / "data"


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _read_json(folder: Traversable, name: str) -> Any:
    return json.loads((folder / name).read_text(encoding="utf-8"))


def _read_csv(folder: Traversable, name: str) -> list[dict[str, str]]:
    with (folder / name).open("r", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def citation(sources: dict[str, dict[str, Any]], source: str) -> str:
    """The human citation of a source key ("nq-176-2025" -> "Nghị quyết số 176/...")."""
    return str(sources[source]["citation"]) if source in sources else source


def _entity(row: dict[str, Any], kind: str, level: str | None) -> Entity:
    return Entity(
        id=row["id"],
        name=row["name"],
        kind=kind,
        level=level,
        parent=row.get("parent") or None,
        valid_from=_date(row.get("valid_from")),
        valid_to=_date(row.get("valid_to")),
        aliases=tuple(row.get("aliases") or ()),
        generic=bool(row.get("generic", False)),
        code=row.get("code") or None,
        note=row.get("note", ""),
        sources=tuple(row.get("sources") or ()),
    )


def central_to_entities(rows: list[dict[str, Any]]) -> list[Entity]:
    """Ministries, agencies, other bodies and enterprises from central.json."""
    out = []
    for row in rows:
        kind = row["kind"]
        level = "outside" if kind == "enterprise_group" else "central"
        out.append(_entity(row, kind, level))
    return out


def units_to_entities(rows: list[dict[str, Any]]) -> list[Entity]:
    """Units of ministries from units.json."""
    return [_entity(row, "unit", "central") for row in rows]


def provinces_to_entities(rows: list[dict[str, str]]) -> list[Entity]:
    """The provinces and centrally-run cities from provinces.csv."""
    out = []
    for row in rows:
        data = dict(row)
        data["aliases"] = [a for a in row["aliases"].split("|") if a]
        data["sources"] = [s for s in row["sources"].split(";") if s]
        out.append(_entity(data, "province", "province"))
    return out


def groups_to_entities(rows: list[dict[str, Any]]) -> list[Entity]:
    """The named groups from groups.json."""
    out = []
    for row in rows:
        rule = GroupRule(
            rule=row["rule"],
            kinds=tuple(row.get("kinds") or ()),
            includes=tuple(row.get("includes") or ()),
            members=tuple(row.get("members") or ()),
            pool=row.get("pool"),
            template=row.get("template"),
            unit_label=row.get("unit_label"),
            local_aliases=tuple(row.get("local_aliases") or ()),
        )
        entity = _entity(row, "group", None)
        out.append(Entity(**{**entity.__dict__, "group": rule}))
    return out


def rows_to_events(
    rows: list[dict[str, str]], sources: dict[str, dict[str, Any]]
) -> list[LineageEvent]:
    """Lineage events from lineage.csv, with their legal basis spelled out."""
    return [
        LineageEvent(
            kind=row["kind"],
            date=date.fromisoformat(row["date"]),
            from_id=row["from_id"],
            to_id=row["to_id"],
            legal_basis=citation(sources, row["source"]),
            note=row.get("note", ""),
            source=row["source"],
        )
        for row in rows
    ]


def rows_to_templates(rows: list[dict[str, Any]]) -> dict[str, Template]:
    """Province unit templates from province_units.json."""
    return {
        row["key"]: Template(
            key=row["key"],
            name=row["name"],
            aliases=tuple(row.get("aliases") or ()),
            valid_from=_date(row.get("valid_from")),
            valid_to=_date(row.get("valid_to")),
            merged_into=row.get("merged_into"),
            merge_note=row.get("merge_note", ""),
            note=row.get("note", ""),
            sources=tuple(row.get("sources") or ()),
        )
        for row in rows
    }


def unit_id(template: str, province_id: str) -> str:
    """The id of a template's unit inside a province ("so-tttt-tinh-ha-giang")."""
    return f"{template}-{province_id}"


def _later(a: date | None, b: date | None) -> date | None:
    return a if b is None else b if a is None else max(a, b)


def _earlier(a: date | None, b: date | None) -> date | None:
    return a if b is None else b if a is None else min(a, b)


def province_units(
    templates: dict[str, Template],
    provinces: list[Entity],
    events: list[LineageEvent],
    sources: dict[str, dict[str, Any]],
) -> tuple[list[Entity], list[LineageEvent]]:
    """Each template's unit inside each province, and the lineage that follows from both."""
    units: dict[str, Entity] = {}
    for template in templates.values():
        for province in provinces:
            start = _later(template.valid_from, province.valid_from)
            end = _earlier(template.valid_to, province.valid_to)
            if start and end and start > end:
                continue
            uid = unit_id(template.key, province.id)
            units[uid] = Entity(
                id=uid,
                name=f"{template.name} {province.name}",
                kind="province_unit",
                level="province",
                parent=province.id,
                valid_from=start,
                valid_to=end,
                note=template.note,
                sources=template.sources,
            )
    by_province = {p.id: p for p in provinces}
    out_events: list[LineageEvent] = []
    # A province that merges or is renamed takes its units along.
    for event in events:
        if event.kind not in FOLLOWED_KINDS or event.from_id not in by_province:
            continue
        for template in templates.values():
            src, dst = unit_id(template.key, event.from_id), unit_id(template.key, event.to_id)
            if src in units and dst in units:
                out_events.append(
                    LineageEvent(event.kind, event.date, src, dst, event.legal_basis,
                                 event.note, event.source)
                )
    # A template that ends merges each of its units into the other template's unit.
    for template in templates.values():
        if not (template.merged_into and template.valid_to):
            continue
        when = template.valid_to + DAY
        for province in provinces:
            src = unit_id(template.key, province.id)
            if src not in units or units[src].valid_to != template.valid_to:
                continue
            dst = unit_id(template.merged_into, province.id)
            if dst in units and units[dst].exists_on(when):
                source = template.sources[0] if template.sources else ""
                out_events.append(
                    LineageEvent("merged_into", when, src, dst, citation(sources, source),
                                 template.merge_note, source)
                )
    return list(units.values()), out_events


def load_data(folder: Traversable | None = None) -> RegistryData:
    """Read every data file of `folder` (the packaged data by default); the provinces'
    departments are made later, by `RegistryData.local_units`."""
    folder = folder or data_dir()
    data = RegistryData(sources=_read_json(folder, "sources.json"))
    provinces = provinces_to_entities(_read_csv(folder, "provinces.csv"))
    entities = [
        *central_to_entities(_read_json(folder, "central.json")),
        *units_to_entities(_read_json(folder, "units.json")),
        *provinces,
        *groups_to_entities(_read_json(folder, "groups.json")),
    ]
    data.events = rows_to_events(_read_csv(folder, "lineage.csv"), data.sources)
    data.templates = rows_to_templates(_read_json(folder, "province_units.json"))
    for entity in entities:
        if entity.id in data.entities:
            raise ValueError(f"duplicate registry id {entity.id!r}")
        data.entities[entity.id] = entity
    settings = _read_json(folder, "settings.json")
    data.dt_ministry = [
        Period(p["id"], _date(p.get("from")), _date(p.get("to")), p.get("source", ""))
        for p in settings["digital_transformation_ministry"]
    ]
    check_data(data)
    return data


def check_data(data: RegistryData) -> None:
    """Refuse data whose ids, kinds, rules or dates do not fit together."""
    entities = data.entities
    problems: list[str] = []
    for entity in entities.values():
        if entity.kind not in KINDS:
            problems.append(f"{entity.id}: unknown kind {entity.kind!r}")
        if entity.parent and entity.parent not in entities:
            problems.append(f"{entity.id}: unknown parent {entity.parent!r}")
        for source in entity.sources:
            if source not in data.sources:
                problems.append(f"{entity.id}: unknown source {source!r}")
        rule = entity.group
        if entity.is_group and (rule is None or rule.rule not in GROUP_RULES):
            problems.append(f"{entity.id}: a group needs a known rule")
        if rule:
            for ref in (*rule.includes, *rule.members, *(x for x in [rule.pool] if x)):
                if ref not in entities:
                    problems.append(f"{entity.id}: unknown member or group {ref!r}")
            if rule.template and rule.template not in data.templates:
                problems.append(f"{entity.id}: unknown template {rule.template!r}")
            for kind in rule.kinds:
                if kind not in KINDS:
                    problems.append(f"{entity.id}: unknown kind {kind!r}")
    for event in data.events:
        if event.kind not in LINEAGE_KINDS:
            problems.append(f"{event.from_id}: unknown lineage kind {event.kind!r}")
        if event.from_id not in entities or event.to_id not in entities:
            problems.append(f"{event.from_id} -> {event.to_id}: unknown id")
            continue
        if event.source and event.source not in data.sources:
            problems.append(f"{event.from_id}: unknown source {event.source!r}")
        if event.kind in FOLLOWED_KINDS:
            old, new = entities[event.from_id], entities[event.to_id]
            if old.valid_to != event.date - DAY:
                problems.append(f"{old.id}: must end the day before {event.date}")
            if not new.exists_on(event.date):
                problems.append(f"{new.id}: must exist on {event.date}")
    # An agency that ends must say who answers after it (or the registry would lose tasks).
    followed = {e.from_id for e in data.events if e.kind in FOLLOWED_KINDS}
    for entity in entities.values():
        if entity.valid_to and entity.id not in followed:
            problems.append(f"{entity.id}: ends on {entity.valid_to} with no successor")
    for period in data.dt_ministry:
        if period.id not in entities or entities[period.id].kind not in CENTRAL_KINDS:
            problems.append(f"settings: {period.id!r} is not a ministry")
    if problems:
        raise ValueError("registry data: " + "; ".join(problems))


# The communes and wards exist from the day the two-level local government began.
COMMUNES_FROM = date(2025, 7, 1)
COMMUNE_SOURCES = ("nq-ubtvqh-xa-2025", "vietnam-provinces-communes")


def commune_entities(provinces: list[Entity]) -> list[Entity]:
    """The 3,321 communes, wards and special zones of the vietnam-provinces package, each
    under its province (matched by code among the provinces existing on 1/7/2025)."""
    from vietnam_provinces import Ward  # imported here: only when communes are first needed

    by_code = {int(p.code): p for p in provinces if p.code and p.exists_on(COMMUNES_FROM)}
    out: list[Entity] = []
    seen: set[str] = set()
    for ward in Ward.iter_all():
        province = by_code.get(int(ward.province_code))
        if province is None:
            raise ValueError(f"commune {ward.code}: unknown province code {ward.province_code}")
        name = ward.name[:1].lower() + ward.name[1:]  # "phường Hoàn Kiếm", like "tỉnh Lào Cai"
        eid = f"{ward.codename.replace('_', '-')}-{province.id}"
        if eid in seen:  # two communes of one name in a province: the code tells them apart
            eid = f"{eid}-{int(ward.code):05d}"
        seen.add(eid)
        out.append(Entity(
            id=eid, name=name, kind="commune", level="commune", parent=province.id,
            valid_from=COMMUNES_FROM, code=f"{int(ward.code):05d}", sources=COMMUNE_SOURCES,
        ))
    return out
