"""The registry's records: entities (agencies and groups), lineage events, resolutions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# Agencies of the central government, in the order they are listed.
CENTRAL_KINDS = ("ministry", "ministry_level", "government_agency")
KINDS = (
    *CENTRAL_KINDS, "unit", "province", "province_unit", "commune", "other_body",
    "enterprise_group", "group",
)
KIND_LABELS = {
    "ministry": "bộ",
    "ministry_level": "cơ quan ngang bộ",
    "government_agency": "cơ quan thuộc Chính phủ",
    "unit": "đơn vị thuộc bộ, cơ quan",
    "province": "tỉnh, thành phố trực thuộc trung ương",
    "province_unit": "cơ quan chuyên môn thuộc UBND tỉnh",
    "commune": "xã, phường, đặc khu",
    "other_body": "cơ quan, tổ chức khác",
    "enterprise_group": "doanh nghiệp (ghi nhận, không giao nhiệm vụ)",
    "group": "nhóm cơ quan",
}

# How a group finds its members on a date.
GROUP_RULES = (
    "kinds",           # every agency of the given kinds that exists on the date
    "union",           # the members of the included groups
    "members",         # a fixed list, followed to its successors
    "selected",        # chosen by a coordinator (empty until set)
    "province_units",  # one unit of a template (e.g. Sở TT&TT) inside each province
    "issuer_units",    # the units of the issuing ministry (context)
    "via_agencies",    # each agency of a pool answers through one of its units
    "outside_state",   # enterprises, associations, experts: recorded, not assigned
    "unspecified",     # "các cơ quan, đơn vị có liên quan": resolves, never expands
    "list",            # a printed list of agencies ("Bộ Công an; Văn phòng Chính phủ")
    "communes",        # the communes of the context province (of every province without one)
    "departments",     # the departments (Sở ...) of the context province (of every province)
)
RULE_LABELS = {
    "kinds": "theo loại cơ quan, tính trên ngày xét",
    "union": "hợp của các nhóm",
    "members": "danh sách cố định",
    "selected": "điều phối viên chọn thành viên",
    "province_units": "một cơ quan chuyên môn tại mỗi tỉnh",
    "issuer_units": "các đơn vị của bộ ban hành",
    "via_agencies": "mỗi cơ quan trả lời qua đơn vị của mình",
    "outside_state": "ngoài bộ máy nhà nước: ghi nhận, không giao",
    "unspecified": "không xác định: ghi nhận, không giao",
    "list": "danh sách in trong kế hoạch",
    "communes": "các xã, phường, đặc khu của tỉnh ban hành (cả nước nếu kế hoạch trung ương)",
    "departments": "các sở, ban, ngành của tỉnh ban hành (mọi tỉnh nếu kế hoạch trung ương)",
}

# Lineage: the first two change who answers; the others are recorded for the reader.
LINEAGE_KINDS = ("merged_into", "renamed", "moved_under", "functions_to")
FOLLOWED_KINDS = ("merged_into", "renamed")
LINEAGE_LABELS = {
    "merged_into": "sáp nhập, hợp nhất vào",
    "renamed": "đổi tên, tổ chức lại thành",
    "moved_under": "chuyển về trực thuộc",
    "functions_to": "chuyển một phần chức năng sang",
}


@dataclass(frozen=True)
class GroupRule:
    """How a group's members are found on a date (see GROUP_RULES)."""

    rule: str
    kinds: tuple[str, ...] = ()
    includes: tuple[str, ...] = ()
    members: tuple[str, ...] = ()
    pool: str | None = None
    template: str | None = None
    unit_label: str | None = None
    # Names that mean this group only in a province's own plan ("các địa phương": its
    # communes there, the provinces in a national plan).
    local_aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Entity:
    """An agency, a unit, a province, an enterprise or a group, with its time of existence."""

    id: str
    name: str
    kind: str
    level: str | None = None
    parent: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    aliases: tuple[str, ...] = ()
    generic: bool = False
    code: str | None = None
    note: str = ""
    sources: tuple[str, ...] = ()
    group: GroupRule | None = None
    # Set on units a coordinator added at run time: who, why, and the text they cited.
    added_by: str = ""
    reason: str = ""
    source_text: str = ""

    @property
    def is_group(self) -> bool:
        """Whether this entity stands for several agencies (or none)."""
        return self.kind == "group"

    def exists_on(self, on: date) -> bool:
        """Whether the entity existed on `on`."""
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or on <= self.valid_to
        )


@dataclass(frozen=True)
class LineageEvent:
    """One change: `from_id` merged into, renamed to, moved under... `to_id` on `date`."""

    kind: str
    date: date
    from_id: str
    to_id: str
    legal_basis: str
    note: str = ""
    source: str = ""


@dataclass
class Resolution:
    """What a printed name stands for, and who answers for it on `on`."""

    printed: str
    entity: Entity
    matched_alias: str
    on: date
    successors_on: list[Entity] = field(default_factory=list)
    lineage: list[LineageEvent] = field(default_factory=list)
    context: str | None = None
    parts: list[Resolution] = field(default_factory=list)
    how: str = "alias"

    @property
    def is_group(self) -> bool:
        """Whether the name stands for a group (or a printed list) rather than one agency."""
        return self.entity.is_group
