"""How an agency is named where a document starts with it or writes to it.

The registry keeps names as they read inside a sentence: a province is "thành phố Cần Thơ",
"tỉnh Lào Cai", a commune "phường Hoàn Kiếm" (lower case, as decisions print them after
"Ủy ban nhân dân"). A heading or a table cell starts with a capital letter; a letter is
addressed to the body that acts for a province or a commune, its Ủy ban nhân dân: the
executive body of the People's Council and the state administrative body of the locality
(Hiến pháp 2013, Điều 114, khoản 1; Luật Tổ chức chính quyền địa phương). Ministries,
their units and the departments (Sở ... tỉnh/thành phố ..., named so by the registry) are
addressed by their own name.
"""

from __future__ import annotations

# Kinds (registry.model.KINDS) whose acting body is their People's Committee.
COMMITTEE_KINDS = ("province", "commune")
COMMITTEE = "Ủy ban nhân dân"


def heading_name(name: str) -> str:
    """The name as a heading or a cell starts with it: "thành phố Cần Thơ" -> "Thành phố Cần
    Thơ" (only the first letter changes: "Bộ Công an" stays)."""
    name = name.strip()
    return name[:1].upper() + name[1:]


def addressee(name: str, kind: str, province: str = "") -> str:
    """Who a letter to the agency is addressed to ("Kính gửi: ..."): "Ủy ban nhân dân thành
    phố Cần Thơ" for a province, "Ủy ban nhân dân phường Hoàn Kiếm" for a commune (", thành
    phố Hà Nội" after it when `province` is given: commune names repeat across provinces),
    the name itself for a ministry ("Bộ Công an"), a unit or a department ("Sở Khoa học và
    Công nghệ thành phố Cần Thơ")."""
    name = name.strip()
    if kind not in COMMITTEE_KINDS or name.lower().startswith(COMMITTEE.lower()):
        return heading_name(name)
    title = f"{COMMITTEE} {name[:1].lower()}{name[1:]}"
    if kind == "commune" and province:
        title += f", {province[:1].lower()}{province[1:]}"
    return title
