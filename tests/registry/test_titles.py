"""How an agency is named at a heading's start and who a letter to it is addressed to."""

from __future__ import annotations

from datetime import date

import pytest

from theodoi.registry import load_registry
from theodoi.registry.titles import addressee, heading_name


def test_a_heading_starts_a_province_with_a_capital() -> None:
    assert heading_name("thành phố Cần Thơ") == "Thành phố Cần Thơ"
    assert heading_name("Bộ Công an") == "Bộ Công an"
    assert heading_name("") == ""


@pytest.mark.parametrize(("name", "kind", "title"), [
    ("thành phố Cần Thơ", "province", "Ủy ban nhân dân thành phố Cần Thơ"),
    ("tỉnh Lào Cai", "province", "Ủy ban nhân dân tỉnh Lào Cai"),
    ("Ủy ban nhân dân tỉnh B", "province", "Ủy ban nhân dân tỉnh B"),
    ("Bộ Công an", "ministry", "Bộ Công an"),
    ("Sở Khoa học và Công nghệ thành phố Cần Thơ", "province_unit",
     "Sở Khoa học và Công nghệ thành phố Cần Thơ"),
    ("Cục Chuyển đổi số quốc gia", "unit", "Cục Chuyển đổi số quốc gia"),
])
def test_a_letter_is_addressed_to_the_body_that_acts(name: str, kind: str, title: str) -> None:
    assert addressee(name, kind) == title


def test_a_commune_is_addressed_with_its_province() -> None:
    assert addressee("phường Hoàn Kiếm", "commune", "thành phố Hà Nội") == (
        "Ủy ban nhân dân phường Hoàn Kiếm, thành phố Hà Nội")


def test_the_registry_gives_the_addressee_of_its_entities() -> None:
    registry = load_registry()
    on = date(2026, 1, 1)
    assert registry.addressee("tp-can-tho-2025", on) == "Ủy ban nhân dân thành phố Cần Thơ"
    assert registry.addressee("bo-ca", on) == "Bộ Công an"
    department = next(e for e in registry.entities("province_unit", on)
                      if e.parent == "tp-can-tho-2025" and e.name.startswith("Sở Nội vụ"))
    assert registry.addressee(department, on) == "Sở Nội vụ thành phố Cần Thơ"
