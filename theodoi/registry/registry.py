"""The agency registry: who is who, and who answers for whom on a given date."""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta, timezone
from functools import cache
from importlib.abc import Traversable
from typing import Any

from theodoi.registry.loader import (
    RegistryData,
    Template,
    citation,
    commune_entities,
    load_data,
    unit_id,
)
from theodoi.registry.model import (
    CENTRAL_KINDS,
    FOLLOWED_KINDS,
    KINDS,
    LINEAGE_KINDS,
    Entity,
    GroupRule,
    LineageEvent,
    Resolution,
)
from theodoi.registry.resolve import resolve_text
from theodoi.registry.text import compact, key
from theodoi.registry.titles import addressee

# Viet Nam keeps UTC+7 all year round.
VIETNAM = timezone(timedelta(hours=7), "ICT")
LIST_PREFIX = "list:"
# Kinds a coordinator may add at run time (groups need a rule, so they stay in the data).
ADDABLE_KINDS = tuple(k for k in KINDS if k != "group")
# Kinds that live inside one province: their short names are read inside that province.
LOCAL_KINDS = ("province_unit", "commune")
# Group rules whose members are read inside the plan's issuer.
CONTEXT_RULES = ("issuer_units", "communes", "departments")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def today() -> date:
    """Today's date in Viet Nam."""
    return datetime.now(VIETNAM).date()


def _unique(entities: Iterable[Entity]) -> list[Entity]:
    """`entities` without repeats, first occurrence kept."""
    seen: set[str] = set()
    out = []
    for entity in entities:
        if entity.id not in seen:
            seen.add(entity.id)
            out.append(entity)
    return out


def list_entity(members: Sequence[Entity], printed: str = "") -> Entity:
    """A group standing for a printed list of agencies ("Bộ Công an; Văn phòng Chính phủ")."""
    ids = tuple(m.id for m in members)
    return Entity(
        id=LIST_PREFIX + "+".join(ids),
        name=printed or "; ".join(m.name for m in members),
        kind="group",
        group=GroupRule(rule="list", members=ids),
    )


class Registry:
    """Agencies, groups and lineage, with lookups by printed name and by date."""

    def __init__(self, data: RegistryData):
        self.data = data
        # A copy: communes and run-time additions must not leak into other registries.
        self._entities = dict(data.entities)
        self._order = {eid: i for i, eid in enumerate(data.entities)}
        self._out: dict[str, list[LineageEvent]] = defaultdict(list)
        for event in sorted(data.events, key=lambda e: e.date):
            self._out[event.from_id].append(event)
        self._selected: dict[str, tuple[str, ...]] = {}
        self._by_key: dict[str, list[str]] = defaultdict(list)
        self._by_compact: dict[str, list[str]] = defaultdict(list)
        self._province_cores: dict[str, list[str]] = defaultdict(list)
        self._template_keys: list[tuple[str, str]] = []
        self._template_of: dict[str, str] = {}
        self._units_loaded = False
        self._units_lock = threading.Lock()
        self._units_by_province: dict[str, list[str]] = defaultdict(list)
        self._local: dict[tuple[str, str], list[str]] = defaultdict(list)
        self._communes_loaded = False
        self._communes_lock = threading.Lock()
        self._communes_by_province: dict[str, list[str]] = defaultdict(list)
        self._commune_keys: dict[str, list[str]] = defaultdict(list)
        self._provincial_keys: dict[str, list[str]] = defaultdict(list)
        self._index()

    # -- indices -------------------------------------------------------------------------

    def _add(self, table: dict[str, list[str]], name_key: str, eid: str) -> None:
        if name_key and eid not in table[name_key]:
            table[name_key].append(eid)

    def _index(self) -> None:
        for entity in self._entities.values():
            if entity.kind == "province_unit":
                self._units_by_province[entity.parent or ""].append(entity.id)
                continue  # found through "<Sở ...> <province>" instead
            names = (entity.name, *entity.aliases)
            if entity.kind == "province":
                short = entity.name.split(" ", 1)[1] if entity.name.startswith("tỉnh ") \
                    else entity.name.removeprefix("thành phố ")
                for name in (short, *entity.aliases):
                    self._add(self._province_cores, key(name), entity.id)
                    self._add(self._province_cores, compact(name), entity.id)
                continue
            for name in names:
                self._add(self._by_key, key(name), entity.id)
                self._add(self._by_compact, compact(name), entity.id)
            for name in entity.group.local_aliases if entity.group else ():
                self._add(self._provincial_keys, key(name), entity.id)
        for template in self.data.templates.values():
            for name in (template.name, *template.aliases):
                self._template_keys.append((key(name), template.key))
        self._template_keys.sort(key=lambda pair: -len(pair[0]))

    def candidates(self, name: str) -> list[Entity]:
        """Entities (not provinces) whose name or alias has the key of `name`."""
        ids = self._by_key.get(key(name)) or self._by_compact.get(compact(name)) or []
        return [self._entities[i] for i in ids]

    def provincial_candidates(self, name: str) -> list[Entity]:
        """Groups that `name` means when a province's own plan prints it."""
        return [self._entities[i] for i in self._provincial_keys.get(key(name), ())]

    def province_candidates(self, core: str) -> list[Entity]:
        """Provinces whose short name or alias has the key `core` (already a key)."""
        ids = self._province_cores.get(core) or self._province_cores.get(core.replace(" ", ""))
        return [self._entities[i] for i in ids or []]

    def template_keys(self) -> list[tuple[str, str]]:
        """(name key, template key) of every province unit template, longest first."""
        return self._template_keys

    def template(self, template_key: str) -> Template:
        """A province unit template ("so-tttt")."""
        return self.data.templates[template_key]

    # -- entities ------------------------------------------------------------------------

    def get(self, entity_id: str) -> Entity:
        """The entity with this id (KeyError when unknown)."""
        if entity_id in self._entities:
            return self._entities[entity_id]
        if entity_id.startswith(LIST_PREFIX):
            ids = entity_id.removeprefix(LIST_PREFIX).split("+")
            return list_entity([self.get(i) for i in ids])
        if not self._units_loaded:
            self._ensure_units()
            return self.get(entity_id)
        if not self._communes_loaded:
            self._ensure_communes()
            return self.get(entity_id)
        raise KeyError(entity_id)

    def entities(self, kind: str | None = None, on: date | None = None) -> list[Entity]:
        """Every entity (of `kind`, existing on `on` and of that kind then, when given)."""
        if kind in (None, "province_unit"):
            self._ensure_units()
        if kind in (None, "commune"):
            self._ensure_communes()
        out = []
        for entity in self._entities.values():
            if on is not None and not entity.exists_on(on):
                continue
            current = self.kind_on(entity, on) if on is not None else entity.kind
            if kind is None or current == kind:
                out.append(entity)
        return out

    def source(self, key_: str) -> dict[str, object]:
        """A source's citation, addresses and how far it was checked."""
        return self.data.sources[key_]

    def events_from(self, entity_id: str) -> list[LineageEvent]:
        """Every lineage event starting at `entity_id`, oldest first."""
        return list(self._out.get(entity_id, ()))

    def _moves(self, entity: Entity, on: date) -> list[LineageEvent]:
        return [e for e in self._out.get(entity.id, ()) if e.kind == "moved_under"
                and e.date <= on]

    def parent_on(self, entity: Entity | str, on: date) -> str | None:
        """The id of the agency the entity belonged to on `on`."""
        entity = self._entity(entity)
        moves = self._moves(entity, on)
        return moves[-1].to_id if moves else entity.parent

    def kind_on(self, entity: Entity | str, on: date | None) -> str:
        """The entity's kind on `on`: an agency moved under a ministry becomes its unit."""
        entity = self._entity(entity)
        if on is not None and entity.kind in (*CENTRAL_KINDS, "other_body") \
                and self._moves(entity, on):
            return "unit"
        return entity.kind

    def addressee(self, entity: Entity | str, on: date | None = None) -> str:
        """Who a letter to the entity is addressed to (`titles.addressee`): "Ủy ban nhân dân
        thành phố Cần Thơ", "Bộ Công an"; a commune with its province."""
        entity = self._entity(entity)
        province = ""
        if entity.kind == "commune" and entity.parent:
            province = self.get(entity.parent).name
        return addressee(entity.name, self.kind_on(entity, on), province)

    def dt_ministry(self, on: date) -> Entity:
        """The ministry in charge of digital transformation on `on`."""
        for period in self.data.dt_ministry:
            if (period.start is None or period.start <= on) and (
                period.end is None or on <= period.end
            ):
                return self._entities[period.id]
        return self._entities[self.data.dt_ministry[-1].id]

    def _entity(self, entity: Entity | str) -> Entity:
        return entity if isinstance(entity, Entity) else self.get(entity)

    # -- lineage -------------------------------------------------------------------------

    def successors(self, entity_id: str, on: date | None = None) -> list[Entity]:
        """Who answers on `on` for `entity_id`, after its mergers and renames up to then."""
        on = on or today()
        entity = self.get(entity_id)
        if entity.valid_from and on < entity.valid_from:
            return []
        return _unique(self._walk(entity, on, []))

    def _walk(self, entity: Entity, on: date, path: list[str]) -> list[Entity]:
        if entity.id in path:  # a cycle in the data: stop rather than loop
            return [entity]
        steps = [e for e in self._out.get(entity.id, ()) if e.kind in FOLLOWED_KINDS
                 and e.date <= on]
        if not steps:
            return [entity]
        out: list[Entity] = []
        for step in steps:
            out.extend(self._walk(self._entities[step.to_id], on, [*path, entity.id]))
        return out

    def lineage(self, entity_id: str, on: date | None = None) -> list[LineageEvent]:
        """The changes between `entity_id` and whoever answers for it on `on`, oldest first."""
        on = on or today()
        events: list[LineageEvent] = []
        todo, seen = [entity_id], set()
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            for event in self._out.get(current, ()):
                if event.date <= on:
                    events.append(event)
                    if event.kind in FOLLOWED_KINDS:
                        todo.append(event.to_id)
        return sorted(events, key=lambda e: (e.date, self._order.get(e.from_id, 0),
                                             LINEAGE_KINDS.index(e.kind)))

    def related(self, a: str, b: str, on: date | None = None) -> bool:
        """Whether one of the two ids leads to the other through mergers and renames."""
        horizon = on or date.max
        return a == b or self.get(b) in self._walk(self.get(a), horizon, []) \
            or self.get(a) in self._walk(self.get(b), horizon, [])

    def earliest(self, entities: Sequence[Entity]) -> Entity | None:
        """The one entity that leads to all the others (a single chain), else None."""
        for entity in entities:
            reach = {e.id for e in self._chain(entity)}
            if all(other.id in reach for other in entities):
                return entity
        return None

    def _chain(self, entity: Entity) -> list[Entity]:
        """`entity` and everything it merges or is renamed into, at any date."""
        out, todo = [], [entity.id]
        while todo:
            current = todo.pop()
            if any(e.id == current for e in out):
                continue
            out.append(self._entities[current])
            todo.extend(e.to_id for e in self._out.get(current, ()) if e.kind in FOLLOWED_KINDS)
        return out

    # -- resolving printed names -----------------------------------------------------------

    def resolve(
        self, name: str, on: date | None = None, context: str | None = None
    ) -> Resolution | None:
        """What a printed name stands for and who answers for it on `on` (None if unknown).

        `context` is the id of the plan's issuer; names such as "Vụ Hợp tác quốc tế" or
        "Các cơ quan, đơn vị thuộc Bộ" are read inside it (by default the ministry in charge
        of digital transformation on `on`).
        """
        on = on or today()
        found = resolve_text(self, name, on, context)
        if found is None:
            return None
        return self.describe(found, on)

    def describe(self, found: Resolution, on: date) -> Resolution:
        """`found` with its successors and lineage on `on` filled in."""
        entity = found.entity
        if entity.is_group:
            found.successors_on = self.expand(entity, on, found.context)
            # A set has no order of its own: the key must tell every two events apart.
            found.lineage = sorted(
                {ev for part in found.parts for ev in part.lineage},
                key=lambda e: (e.date, e.from_id, LINEAGE_KINDS.index(e.kind), e.to_id),
            )
        else:
            found.successors_on = self.successors(entity.id, on)
            found.lineage = self.lineage(entity.id, on)
        return found

    # -- groups --------------------------------------------------------------------------

    def expand(
        self,
        group_or_entity: Entity | Resolution | str,
        on: date | None = None,
        context: str | None = None,
    ) -> list[Entity]:
        """The agencies a group (or one agency) stands for on `on`, after lineage.

        Enterprises and groups outside the state are recorded, not assigned: they expand
        to nothing, and so do unspecified groups and coordinator groups not yet set.
        """
        if isinstance(group_or_entity, Resolution):
            on = on or group_or_entity.on
            context = context or group_or_entity.context
            group_or_entity = group_or_entity.entity
        on = on or today()
        entity = self._entity(group_or_entity)
        if entity.kind == "enterprise_group":
            return []
        if not entity.is_group or entity.group is None:
            return self.successors(entity.id, on)
        return _unique(self._expand_rule(entity, entity.group, on, context, ()))

    def _followed(self, ids: Iterable[str], on: date) -> list[Entity]:
        return [s for i in ids for s in self.successors(i, on)]

    def _expand_rule(
        self, group: Entity, rule: GroupRule, on: date, context: str | None,
        path: tuple[str, ...],
    ) -> list[Entity]:
        if group.id in path:
            return []
        path = (*path, group.id)
        match rule.rule:
            case "kinds":
                if "province_unit" in rule.kinds:
                    self._ensure_units()
                if "commune" in rule.kinds:
                    self._ensure_communes()
                return [e for e in self._entities.values() if e.exists_on(on)
                        and self.kind_on(e, on) in rule.kinds]
            case "communes":
                self._ensure_communes()
                return self._local_members(self._communes_by_province, context, on)
            case "departments":
                self._ensure_units()
                return self._local_members(self._units_by_province, context, on)
            case "union" | "via_agencies":
                out: list[Entity] = []
                for included in (*rule.includes, *(x for x in [rule.pool] if x)):
                    inner = self._entities[included]
                    if inner.group:
                        out.extend(self._expand_rule(inner, inner.group, on, context, path))
                return out
            case "members" | "list":
                out = []
                for member_id in rule.members:
                    member = self.get(member_id)
                    if member.group:
                        out.extend(self._expand_rule(member, member.group, on, context, path))
                    else:
                        out.extend(self.expand(member, on))
                return out
            case "selected":
                return self._followed(self._selected.get(group.id, ()), on)
            case "province_units":
                return self._template_units(self.data.templates[rule.template or ""], on)
            case "issuer_units":
                return self.units_of(context or self.dt_ministry(on).id, on)
        return []  # outside_state, unspecified

    def _template_units(self, template: Template, on: date) -> list[Entity]:
        """The template's unit in every province on `on`, or, once the template is gone,
        on its last day followed to whoever answers on `on`."""
        when = on if template.valid_to is None or on <= template.valid_to else template.valid_to
        self._ensure_units()
        units = [e for e in self._entities.values() if e.kind == "province_unit"
                 and self._template_of.get(e.id) == template.key and e.exists_on(when)]
        return units if when == on else self._followed((u.id for u in units), on)

    def reads_context(self, entity: Entity, _path: tuple[str, ...] = ()) -> bool:
        """Whether a group's members depend on the plan's issuer (its units, communes or
        departments), itself or through a group it includes."""
        rule = entity.group
        if rule is None or entity.id in _path:  # a cycle in the data reads nothing more
            return False
        if rule.rule in CONTEXT_RULES:
            return True
        inner = (*rule.includes, *rule.members, *(x for x in [rule.pool] if x))
        return any(self.reads_context(self._entities[i], (*_path, entity.id))
                   for i in inner if i in self._entities)

    def home_province(self, context: str | None) -> str | None:
        """The province a plan issued by `context` belongs to: the province itself, or the
        province of a department or commune; None for a central issuer."""
        if not context:
            return None
        entity = self._entity(context)
        while entity.kind in LOCAL_KINDS and entity.parent:
            entity = self._entity(entity.parent)
        return entity.id if entity.kind == "province" else None

    def provinces_of(self, context: str | None, on: date) -> list[str] | None:
        """The provinces answering on `on` for the home province of `context` (its
        successors after a merger); None for a central issuer."""
        home = self.home_province(context)
        return None if home is None else [p.id for p in self.successors(home, on)]

    def _local_members(self, table: dict[str, list[str]], context: str | None,
                       on: date) -> list[Entity]:
        """The members of `table` (province id -> ids) existing on `on`, in the context's
        provinces, or in every province when the issuer is central."""
        provinces = self.provinces_of(context, on)
        keys = list(table) if provinces is None else provinces
        return [self._entities[i] for p in keys for i in table.get(p, ())
                if self._entities[i].exists_on(on)]

    # -- provincial departments and communes (made or loaded on first use) -------------------

    def _ensure_units(self) -> None:
        """Take in the provinces' departments and their lineage, once per registry."""
        if self._units_loaded:
            return
        with self._units_lock:
            if self._units_loaded:
                return
            units, events = self.data.local_units()
            # Filled in a copy and swapped in at once: another thread may be walking the
            # entities meanwhile ("dictionary changed size during iteration").
            entities = dict(self._entities)
            for unit in units:
                if unit.id in entities:  # a coordinator added it already: theirs
                    continue
                entities[unit.id] = unit
                self._order[unit.id] = len(self._order)
                self._units_by_province[unit.parent or ""].append(unit.id)
            self._entities = entities
            self._template_of.update(self.data.unit_templates)
            # Unit events start at units, which no other event does: each list stays in order.
            for event in sorted(events, key=lambda e: e.date):
                self._out[event.from_id].append(event)
            self._units_loaded = True

    @property
    def departments_loaded(self) -> bool:
        """Whether this registry has taken in the provinces' departments yet."""
        return self._units_loaded

    @property
    def communes_loaded(self) -> bool:
        """Whether this registry has read the communes yet (they load on first use)."""
        return self._communes_loaded

    def _ensure_communes(self) -> None:
        """Load the communes of the vietnam-provinces package, once per registry."""
        if self._communes_loaded:
            return
        # Web servers run threads: a second caller waits, and nobody sees half the communes.
        with self._communes_lock:
            if self._communes_loaded:
                return
            provinces = [e for e in self._entities.values() if e.kind == "province"]
            entities = dict(self._entities)  # swapped in at once, as the units are
            for commune in commune_entities(provinces):
                if commune.id in entities:  # a coordinator added it already: theirs
                    continue
                entities[commune.id] = commune
                self._index_commune(commune)
            self._entities = entities
            self._communes_loaded = True

    def _index_commune(self, commune: Entity) -> None:
        self._communes_by_province[commune.parent or ""].append(commune.id)
        for name in (commune.name, *commune.aliases):
            self._add(self._commune_keys, key(name), commune.id)

    def communes_of(self, province_id: str, on: date | None = None) -> list[Entity]:
        """The communes, wards and special zones of a province (after lineage) on `on`."""
        on = on or today()
        self._ensure_communes()
        return self._local_members(self._communes_by_province, province_id, on)

    def commune_candidates(self, name_key: str) -> list[Entity]:
        """Communes whose name ("xã Tân Phú", already a key) matches, in every province."""
        self._ensure_communes()
        return [self._entities[i] for i in self._commune_keys.get(name_key, ())]

    def local_candidates(self, province_id: str, name_key: str) -> list[Entity]:
        """Units added inside a province whose name or alias has the key `name_key`."""
        return [self._entities[i] for i in self._local.get((province_id, name_key), ())]

    def units_of(self, agency_id: str, on: date) -> list[Entity]:
        """The recorded units of an agency (followed to its successor) on `on`."""
        owners = {a.id for a in self.successors(agency_id, on)} or {agency_id}
        # kind_on: an agency moved under the ministry (Bảo hiểm Xã hội) is one of its units.
        return [e for e in self._entities.values() if e.exists_on(on)
                and self.kind_on(e, on) == "unit" and self.parent_on(e, on) in owners]

    def province_unit(self, template_key: str, province_id: str) -> Entity | None:
        """The unit of a template inside a province, if it existed."""
        self._ensure_units()
        return self._entities.get(unit_id(template_key, province_id))

    def citations(self, entity: Entity | str) -> list[str]:
        """The legal basis of an entity as citation texts (its sources, then the text a
        coordinator cited when adding it)."""
        entity = self._entity(entity)
        out = [citation(self.data.sources, s) for s in entity.sources if s != "coordinator"]
        return [*out, entity.source_text] if entity.source_text else out

    # -- units added at run time ---------------------------------------------------------------

    def add_entity(
        self,
        id: str,
        name: str,
        kind: str,
        parent: str | None = None,
        aliases: Iterable[str] = (),
        source: str = "",
        *,
        added_by: str,
        reason: str,
        valid_from: date | str | None = None,
        valid_to: date | str | None = None,
        generic: bool = False,
        code: str | None = None,
    ) -> Entity:
        """Add a unit missing from the data (a Vụ of a ministry, a Sở of a province, a
        commune) and return it; `source` is a source key or the text of the legal basis.

        Raises ValueError (one Vietnamese line) when the id is taken or not a slug, the kind
        unknown, the parent missing, or who added it and why is not said.
        """
        if not _SLUG.fullmatch(id or ""):
            raise ValueError(f"Mã cơ quan không hợp lệ (chữ thường không dấu, số, '-'): {id!r}")
        # Not `_has`: that would load the communes; one added under a package commune's id
        # keeps it (the package's is skipped when the communes load).
        self._ensure_units()
        if id in self._entities or id.startswith(LIST_PREFIX):
            raise ValueError(f"Mã cơ quan đã có trong danh mục: {id}")
        if kind not in ADDABLE_KINDS:
            raise ValueError(f"Loại cơ quan không thêm được: {kind!r}")
        if not name.strip():
            raise ValueError("Thiếu tên cơ quan")
        if kind in ("unit", *LOCAL_KINDS) and not parent:
            raise ValueError(f"Cơ quan loại {kind} phải có cơ quan cấp trên")
        if parent and not self._has(parent):
            raise ValueError(f"Không có cơ quan cấp trên {parent!r} trong danh mục")
        if not added_by.strip() or not reason.strip():
            raise ValueError("Phải ghi người bổ sung và lý do bổ sung")
        known = source in self.data.sources
        entity = Entity(
            id=id, name=name.strip(), kind=kind, level=_level(kind), parent=parent,
            valid_from=_as_date(valid_from), valid_to=_as_date(valid_to),
            aliases=tuple(a.strip() for a in aliases if a.strip()), generic=generic,
            code=code, sources=(source,) if known else ("coordinator",),
            added_by=added_by.strip(), reason=reason.strip(),
            source_text="" if known else source.strip(),
        )
        self._entities = {**self._entities, id: entity}  # swapped, as the units are
        self._index_added(entity)
        return entity

    def _has(self, entity_id: str) -> bool:
        try:
            self.get(entity_id)
        except KeyError:
            return False
        return True

    def _index_added(self, entity: Entity) -> None:
        """Index an added entity: its full name everywhere; inside a province, also its
        aliases ("Sở Ngoại vụ" read in that province's plans only)."""
        if entity.kind == "province_unit":
            self._units_by_province[entity.parent or ""].append(entity.id)
        elif entity.kind == "commune":
            self._index_commune(entity)
        if entity.kind in LOCAL_KINDS:
            self._add(self._by_key, key(entity.name), entity.id)
            for name in (entity.name, *entity.aliases):
                local = self._local[(entity.parent or "", key(name))]
                if entity.id not in local:
                    local.append(entity.id)
            return
        for name in (entity.name, *entity.aliases):
            self._add(self._by_key, key(name), entity.id)
            self._add(self._by_compact, compact(name), entity.id)

    # -- coordinator-set groups ----------------------------------------------------------------

    def set_members(self, group_id: str, member_ids: Iterable[str]) -> None:
        """Set the members of a coordinator group ("Các địa phương có khu công nghiệp...")."""
        group = self.get(group_id)
        if group.group is None or group.group.rule != "selected":
            raise ValueError(f"{group_id} is not a group whose members a coordinator sets")
        members = tuple(dict.fromkeys(member_ids))
        allowed = self._pool_kinds(group.group.pool)
        for member_id in members:
            member = self.get(member_id)
            if member.is_group or (allowed and member.kind not in allowed):
                raise ValueError(f"{member_id} cannot be a member of {group_id}")
        self._selected[group_id] = members

    def members_of(self, group_id: str) -> tuple[str, ...]:
        """The members a coordinator set for a group (empty until set)."""
        return self._selected.get(group_id, ())

    def _pool_kinds(self, pool: str | None) -> set[str]:
        """The kinds of agency that a group of the pool may hold (empty: any)."""
        if not pool:
            return set()
        rule = self._entities[pool].group
        if rule is None:
            return set()
        kinds = set(rule.kinds)
        for included in (*rule.includes, *(x for x in [rule.pool] if x)):
            kinds |= self._pool_kinds(included)
        return kinds | ({"unit"} if kinds & set(CENTRAL_KINDS) else set())


def _as_date(value: date | str | None) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else value or None


def _level(kind: str) -> str:
    return {"province": "province", "province_unit": "province", "commune": "commune",
            "enterprise_group": "outside"}.get(kind, "central")


def record_of(entity: Entity) -> dict[str, Any]:
    """An added entity as the keyword arguments of `Registry.add_entity` (to store it and
    feed it back through `load_registry(extra=...)`)."""
    source = entity.source_text or next(iter(entity.sources), "")
    return {
        "id": entity.id, "name": entity.name, "kind": entity.kind, "parent": entity.parent,
        "aliases": list(entity.aliases), "source": "" if source == "coordinator" else source,
        "added_by": entity.added_by, "reason": entity.reason,
        "valid_from": entity.valid_from.isoformat() if entity.valid_from else None,
        "valid_to": entity.valid_to.isoformat() if entity.valid_to else None,
        "generic": entity.generic, "code": entity.code,
    }


@cache
def _packaged_data() -> RegistryData:
    return load_data()


@cache
def _shared_registry() -> Registry:
    return Registry(_packaged_data())


def load_registry(extra: Iterable[Mapping[str, Any] | Entity] | None = None) -> Registry:
    """The registry built from the packaged data, loaded once per process; with `extra`
    (units added by coordinators, as `record_of` gives them), a new registry holding them.

    Extras are added in order, so a unit may sit under one added before it.
    """
    if extra is None:
        return _shared_registry()
    reg = Registry(_packaged_data())
    for item in extra:
        record = record_of(item) if isinstance(item, Entity) else dict(item)
        reg.add_entity(**record)
    return reg


def registry_from(folder: Traversable) -> Registry:
    """A registry built from another data folder (for tests and trials)."""
    return Registry(load_data(folder))
