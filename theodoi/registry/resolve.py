"""Printed names to registry entities: a chain of small readers, each tried in turn.

Every reader either recognises the whole name or gives up; none guesses. A name that none
of them recognises stays unresolved, for a coordinator to settle.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING

from theodoi.registry.loader import COMMUNES_FROM
from theodoi.registry.model import CENTRAL_KINDS, Entity, Resolution
from theodoi.registry.text import compact, fold, key

if TYPE_CHECKING:
    from theodoi.registry.registry import Registry

Reader = Callable[["Registry", str, date, "str | None"], "Resolution | None"]

_UBND = ("uy ban nhan dan ", "ubnd ")
_COMMUNE_WORDS = ("xa ", "phuong ", "dac khu ")
_PROVINCE_WORDS = ("tinh ", "thanh pho ", "tp ")
_OF_WORDS = ("cua ", "tai ", "thuoc ")
_RELATED = re.compile(r"\s+(?:co\s+)?lien\s+quan$")
_UNITS_OF = re.compile(
    r"^(?:cac\s+|moi\s+)?(?:co\s+quan\s*,?\s*(?:va\s+)?)?(?:don\s+vi\s+|co\s+quan\s+)"
    r"(?:truc\s+)?(?:thuoc|cua)\s+(.+)$"
)
_BRACKETS = re.compile(r"^(.+?)\s*\((.+)\)$")
_OWNED_BY = re.compile(r"^(.+?)\s+(?:truc\s+thuoc|thuoc|cua)\s+(.+)$")
_LIST_SEPARATORS = re.compile(r"(\s*,\s*|\s*;\s*|\s+và\s+|\s+va\s+)")
# Agencies that can own units, or stand as one of a printed list.
_OWNER_KINDS = (*CENTRAL_KINDS, "province", "other_body")


def tidy(text: str) -> str:
    """`text` in NFC, single-spaced, without bullets, quotes or final punctuation."""
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"[ \t\u00a0]+", " ", text).strip()
    text = re.sub(r"^[-+•*–]\s*", "", text)
    return text.strip(" \"'“”.,;:")


def _folded(text: str) -> str | None:
    """`text` folded letter by letter (same length), or None if that is not possible."""
    out = "".join(fold(ch) or " " for ch in text)
    return out if len(out) == len(text) else None


def _resolution(text: str, entity: Entity, alias: str, on: date, how: str,
                context: str | None = None, parts: list[Resolution] | None = None,
                ) -> Resolution:
    return Resolution(printed=text, entity=entity, matched_alias=alias, on=on,
                      context=context, parts=parts or [], how=how)


def _matched_alias(entity: Entity, text: str) -> str:
    """The name or alias of `entity` that `text` matched."""
    local = entity.group.local_aliases if entity.group else ()
    for name in (entity.name, *entity.aliases, *local):
        if key(name) == key(text):
            return name
    for name in (entity.name, *entity.aliases):
        if compact(name) == compact(text):
            return name
    return text


def choose(reg: Registry, found: Sequence[Entity], on: date,
           context: str | None) -> tuple[Entity | None, str | None]:
    """The one entity meant among `found`, and the context used to pick it.

    A name that many ministries use for a unit ("Vụ Hợp tác quốc tế") is read inside
    `context` (by default the ministry in charge of digital transformation): first its own
    units, then units of its predecessors or successors. Names shared along one chain of
    mergers ("tỉnh Lào Cai" before and after 1/7/2025) give the oldest, which lineage then
    follows to the date asked.
    """
    if not found:
        return None, None
    used: str | None = None
    pool = list(found)
    if any(c.generic for c in found):
        used = context or reg.dt_ministry(on).id

        def fits(c: Entity, close: bool) -> bool:
            if not c.generic:
                return True
            if close:
                return used in (c.parent, reg.parent_on(c, on))
            return bool(c.parent) and reg.related(c.parent or "", used or "")

        pool = [c for c in found if fits(c, True)] or [c for c in found if fits(c, False)]
    if not pool:
        return None, used
    if len(pool) == 1:
        return pool[0], used
    return reg.earliest(pool), used


def by_alias(reg: Registry, text: str, on: date, context: str | None) -> Resolution | None:
    """A name or alias of an agency or group, read without case, accents or punctuation;
    in a province's own plan its local names first ("các địa phương": its communes)."""
    local = reg.provincial_candidates(text) if context else []
    if local and reg.provinces_of(context, on) is not None:
        return _resolution(text, local[0], _matched_alias(local[0], text), on, "alias",
                           context)
    entity, used = choose(reg, reg.candidates(text), on, context)
    if entity is None:
        return None
    if entity.group and entity.group.rule == "issuer_units":
        used = context or reg.dt_ministry(on).id
    elif entity.is_group and reg.reads_context(entity):
        used = context
    return _resolution(text, entity, _matched_alias(entity, text), on, "alias", used)


def _strip(words: str, prefixes: Sequence[str]) -> str:
    for prefix in prefixes:
        if words.startswith(prefix):
            return words[len(prefix):]
    return words


def province_from(reg: Registry, words: str, allow_committee: bool) -> Entity | None:
    """The province named by a key such as "ubnd tinh ha giang", "tp hcm" or "ha giang"."""
    if allow_committee:
        words = _strip(words, _UBND)
    for core in (_strip(words, _PROVINCE_WORDS), words):
        entity, _ = choose(reg, reg.province_candidates(core), date.max, None)
        if entity is not None:
            return entity
    return None


def by_province(reg: Registry, text: str, on: date, context: str | None) -> Resolution | None:
    """A province ("UBND tỉnh Hà Giang", "Tp. Hồ Chí Minh") or one of its departments
    ("Sở TT&TT tỉnh Hà Giang")."""
    words = key(text)
    home = reg.home_province(context)
    if home and (local := reg.local_candidates(home, words)):
        return _resolution(text, local[0], text, on, "province_unit", home)
    for template_words, template_key in reg.template_keys():
        if words == template_words and home:
            unit = reg.province_unit(template_key, home)
            return _resolution(text, unit, text, on, "province_unit", home) if unit else None
        if words.startswith(template_words + " "):
            rest = _strip(words[len(template_words) + 1:], _OF_WORDS)
            province = province_from(reg, rest, allow_committee=True)
            unit = reg.province_unit(template_key, province.id) if province else None
            if unit:
                return _resolution(text, unit, text, on, "province_unit")
    province = province_from(reg, words, allow_committee=True)
    return _resolution(text, province, text, on, "province") if province else None


def by_commune(reg: Registry, text: str, on: date, context: str | None) -> Resolution | None:
    """A commune, ward or special zone: "UBND phường Ninh Kiều", "xã Tân Phú, tỉnh Đồng
    Nai". Without a province it is read inside the plan's province, or must be the only
    one of its name in the country."""
    words = _strip(key(text), _UBND)
    if not words.startswith(_COMMUNE_WORDS):
        return None
    tokens = words.split(" ")
    for cut in range(len(tokens), 1, -1):
        found = reg.commune_candidates(" ".join(tokens[:cut]))
        if not found:
            continue
        rest = _strip(" ".join(tokens[cut:]), _OF_WORDS)
        homes: list[str] | None = None
        if rest:
            province = province_from(reg, rest, allow_committee=True)
            if province is None:
                continue  # "xã Tân Phú Đông" is not "xã Tân Phú" of a province "Đông"
            # A province named before 1/7/2025 holds its communes through its successor.
            homes = [province.id, *(reg.provinces_of(province.id, max(on, COMMUNES_FROM))
                                    or [])]
        elif context:
            homes = reg.provinces_of(context, max(on, COMMUNES_FROM))
        pool = found if homes is None else [c for c in found if c.parent in homes]
        if len(pool) == 1:
            return _resolution(text, pool[0], text, on, "commune", pool[0].parent)
        return None
    return None


def single(reg: Registry, text: str, on: date, context: str | None,
           owned: bool = True) -> Resolution | None:
    """`text` as one agency (not a group), if it is one; `owned` also tries "<unit>,
    <owner>" (not when reading the owner itself)."""
    readers: tuple[Reader, ...] = (by_alias, by_province, by_commune, by_owned_unit) \
        if owned else (by_alias, by_province)
    for reader in readers:
        found = reader(reg, text, on, context)
        if found is not None:
            return found if not found.entity.is_group else None
    return None


def by_units_of(reg: Registry, text: str, on: date, context: str | None) -> Resolution | None:
    """ "Các cơ quan, đơn vị thuộc Bộ X": the units group, read inside X."""
    folded = _folded(text)
    match = _UNITS_OF.match(folded) if folded else None
    if not match:
        return None
    owner = single(reg, text[match.start(1):], on, context, owned=False)
    if owner is None or owner.entity.kind not in _OWNER_KINDS:
        return None
    group = reg.get("group-don-vi-thuoc-bo")
    return _resolution(text, group, text, on, "units_of", owner.entity.id)


def _owner_splits(text: str) -> list[tuple[str, str]]:
    """Ways to read `text` as "<unit> <of> <owner>": brackets, "thuộc", last comma or dash."""
    out = []
    folded = _folded(text) or ""
    if match := _BRACKETS.match(text):
        out.append((match.group(1), match.group(2)))
    if match := _OWNED_BY.match(folded):
        out.append((text[:match.end(1)], text[match.start(2):]))
    for separator in (",", " - ", " – "):
        parts = text.split(separator)
        for cut in range(1, len(parts)):
            out.append((separator.join(parts[:cut]), separator.join(parts[cut:])))
    return out


def by_owned_unit(reg: Registry, text: str, on: date, context: str | None
                  ) -> Resolution | None:
    """A unit named with its owner: "Vụ Hợp tác quốc tế, Bộ Tài chính", "Cục Báo chí (Bộ
    VHTTDL)". Only a unit that belongs (or belonged) to that owner is accepted."""
    for unit_text, owner_text in _owner_splits(text):
        owner = single(reg, owner_text, on, context, owned=False)
        if owner is None or owner.entity.kind not in _OWNER_KINDS:
            continue
        owner_id = owner.entity.id
        units = [c for c in reg.candidates(unit_text) if c.kind == "unit" and c.parent
                 and (owner_id in (c.parent, reg.parent_on(c, on))
                      or reg.related(c.parent, owner_id))]
        unit, _ = choose(reg, units, on, owner_id)
        if unit is not None:
            return _resolution(text, unit, _matched_alias(unit, unit_text), on, "owned_unit",
                               owner_id)
    return None


def by_related(reg: Registry, text: str, on: date, context: str | None) -> Resolution | None:
    """ "<group> có liên quan": the group when it is not assigned anyway, or its
    coordinator-chosen part; never the whole of an assignable group."""
    folded = _folded(text)
    match = _RELATED.search(folded) if folded else None
    if not match:
        return None
    groups = [c for c in reg.candidates(text[:match.start()]) if c.is_group and c.group]
    if len(groups) != 1:
        return None
    group = groups[0]
    rule = group.group.rule if group.group else ""
    if rule in ("outside_state", "unspecified", "selected"):
        return _resolution(text, group, text, on, "related")
    for entity in reg.entities(kind="group"):
        if entity.group and entity.group.rule == "selected" and entity.group.pool == group.id:
            return _resolution(text, entity, text, on, "related")
    return None


def segments(reg: Registry, text: str, on: date, context: str | None
             ) -> list[Resolution] | None:
    """`text` cut at commas, semicolons and "và" into single agencies, longest names first
    ("Bộ Văn hóa, Thể thao và Du lịch" stays whole); None unless every piece is one.

    A unit name that many ministries use is refused here: in "Vụ Hợp tác quốc tế, Bộ Tài
    chính" the comma names the unit's owner, it does not start a second agency."""
    tokens = _LIST_SEPARATORS.split(text)
    pieces, separators = tokens[0::2], tokens[1::2]
    out: list[Resolution] = []
    start = 0
    while start < len(pieces):
        for end in range(len(pieces), start, -1):
            candidate = "".join(
                piece + (separators[i] if i < end - 1 else "")
                for i, piece in enumerate(pieces[start:end], start)
            ).strip()
            found = single(reg, candidate, on, context) if candidate else None
            if found is not None and not found.entity.generic:
                out.append(found)
                start = end
                break
        else:
            return None
    return out


def _list(reg: Registry, text: str, parts: list[Resolution], on: date, how: str,
          ) -> Resolution:
    from theodoi.registry.registry import list_entity

    described = [reg.describe(p, on) for p in parts]
    return _resolution(text, list_entity([p.entity for p in parts], text), text, on, how,
                       parts=described)


def by_bracket_list(reg: Registry, text: str, on: date, context: str | None
                    ) -> Resolution | None:
    """ "Các Bộ, ngành (Bộ A, Bộ B, ...)": the agencies listed inside the brackets."""
    match = _BRACKETS.match(text)
    if not match:
        return None
    head = by_alias(reg, match.group(1), on, context)
    if head is None or not head.entity.is_group:
        return None
    parts = segments(reg, match.group(2), on, context)
    return _list(reg, text, parts, on, "bracket_list") if parts else None


def by_semicolon_list(reg: Registry, text: str, on: date, context: str | None
                      ) -> Resolution | None:
    """ "Bộ Công an; Văn phòng Chính phủ": each piece an agency or a group."""
    pieces = [p for p in (tidy(x) for x in re.split(r"[;\n]", text)) if p]
    if len(pieces) < 2:
        return None
    parts = []
    for piece in pieces:
        found = resolve_text(reg, piece, on, context)
        if found is None:
            return None
        parts.append(found)
    return _list(reg, text, parts, on, "list")


def by_comma_list(reg: Registry, text: str, on: date, context: str | None
                  ) -> Resolution | None:
    """ "Bộ Tài chính, Bộ Công an và Văn phòng Chính phủ": two or more single agencies."""
    parts = segments(reg, text, on, context)
    return _list(reg, text, parts, on, "list") if parts and len(parts) > 1 else None


READERS: tuple[Reader, ...] = (
    by_alias, by_province, by_commune, by_units_of, by_owned_unit, by_related,
    by_bracket_list, by_semicolon_list, by_comma_list,
)


def resolve_text(reg: Registry, text: str, on: date, context: str | None
                 ) -> Resolution | None:
    """The first reader's reading of `text`, without successors (see Registry.resolve)."""
    cleaned = tidy(text)
    if not key(cleaned):
        return None
    for reader in READERS:
        found = reader(reg, cleaned, on, context)
        if found is not None:
            found.printed = text
            return found
    return None
