"""Groups evaluated on a date: counts before and after each change, and coordinator groups."""

from __future__ import annotations

from datetime import date

import pytest

from theodoi.registry import load_registry
from theodoi.registry.loader import load_data
from theodoi.registry.registry import Registry

IN_2024 = date(2024, 6, 1)
TODAY = date(2026, 1, 1)


@pytest.fixture(scope="module")
def reg():
    return load_registry()


@pytest.fixture
def fresh():
    """A registry of its own, for tests that set a coordinator's choices."""
    return Registry(load_data())


def ids(entities):
    return [e.id for e in entities]


@pytest.mark.parametrize(
    ("on", "count"),
    [(IN_2024, 63), (date(2025, 6, 30), 63), (date(2025, 7, 1), 34), (TODAY, 34)],
)
def test_provincial_committees_are_63_until_june_2025_and_34_after(reg, on, count):
    assert len(reg.expand("group-ubnd-tinh", on=on)) == count
    assert len(reg.expand(reg.resolve("Các địa phương", on=on).entity, on=on)) == count


def test_huế_counts_once_across_its_change_of_status(reg):
    members = ids(reg.expand("group-ubnd-tinh", on=date(2025, 1, 1)))
    assert "tp-hue" in members and "tinh-thua-thien-hue" not in members


@pytest.mark.parametrize(
    ("on", "ministries", "level", "agencies"),
    [(IN_2024, 18, 4, 8), (date(2025, 3, 1), 14, 3, 5), (TODAY, 14, 3, 5)],
)
def test_ministries_and_government_agencies_on_a_date(reg, on, ministries, level, agencies):
    members = reg.expand("group-bo-nganh", on=on)
    kinds = [reg.kind_on(e, on) for e in members]
    assert (kinds.count("ministry"), kinds.count("ministry_level"),
            kinds.count("government_agency")) == (ministries, level, agencies)


def test_ministries_sectors_and_localities_is_the_union(reg):
    assert len(reg.expand("group-bo-nganh-dia-phuong", on=IN_2024)) == 30 + 63
    assert len(reg.expand("group-bo-nganh-dia-phuong", on=TODAY)) == 22 + 34


def test_provincial_information_departments_become_science_departments(reg):
    in_2024 = reg.expand("group-so-tttt", on=IN_2024)
    assert len(in_2024) == 63
    assert all(e.id.startswith("so-tttt-") for e in in_2024)
    march = reg.expand("group-so-tttt", on=date(2025, 3, 1))
    assert len(march) == 63
    assert all(e.id.startswith("so-khcn-") for e in march)
    assert len(reg.expand("group-so-tttt", on=TODAY)) == 34


def test_the_central_highlands_follow_their_provinces(reg):
    assert ids(reg.expand("group-tinh-tay-nguyen", on=IN_2024)) == [
        "tinh-kon-tum", "tinh-gia-lai", "tinh-dak-lak", "tinh-dak-nong", "tinh-lam-dong"]
    assert ids(reg.expand("group-tinh-tay-nguyen", on=TODAY)) == [
        "tinh-quang-ngai-2025", "tinh-gia-lai-2025", "tinh-dak-lak-2025",
        "tinh-lam-dong-2025"]


@pytest.mark.parametrize(
    "group",
    ["group-dn-cong-nghe-so", "group-tap-doan-dnnn-dn-cns", "group-hoi-hiep-hoi",
     "group-co-quan-don-vi-lien-quan", "group-mang-luoi-cds"],
)
def test_groups_outside_the_state_or_unspecified_resolve_but_expand_to_nobody(reg, group):
    assert reg.expand(group, on=TODAY) == []


def test_an_enterprise_is_recorded_but_not_assigned(reg):
    found = reg.resolve("Tổng Công ty Bưu Điện Việt Nam", on=TODAY)
    assert found.entity.kind == "enterprise_group"
    assert reg.expand(found.entity, on=TODAY) == []


def test_a_coordinator_sets_the_localities_with_industrial_zones(fresh):
    assert fresh.expand("group-dia-phuong-co-kcn", on=IN_2024) == []
    fresh.set_members("group-dia-phuong-co-kcn", ["tinh-bac-giang", "tinh-bac-ninh",
                                                  "tinh-hai-duong"])
    assert ids(fresh.expand("group-dia-phuong-co-kcn", on=IN_2024)) == [
        "tinh-bac-giang", "tinh-bac-ninh", "tinh-hai-duong"]
    assert ids(fresh.expand("group-dia-phuong-co-kcn", on=TODAY)) == [
        "tinh-bac-ninh-2025", "tp-hai-phong-2025"]


def test_a_coordinator_cannot_put_a_ministry_among_localities(fresh):
    with pytest.raises(ValueError, match="cannot be a member"):
        fresh.set_members("group-dia-phuong-co-kcn", ["bo-ca"])
    with pytest.raises(ValueError, match="not a group whose members"):
        fresh.set_members("group-ubnd-tinh", ["tinh-bac-ninh"])


def test_units_of_the_ministry_default_to_the_digital_transformation_ministry(reg):
    in_2024 = reg.expand("group-don-vi-thuoc-bo", on=IN_2024)
    assert "cuc-cds" in ids(in_2024)
    assert {reg.parent_on(e, IN_2024) for e in in_2024} == {"bo-tttt"}
    today = reg.expand("group-don-vi-thuoc-bo", on=TODAY)
    assert {"cuc-cds", "vu-ktxhs", "cuc-shtt"} <= set(ids(today))
    assert "cuc-bao-chi" not in ids(today)  # now a unit of the Ministry of Culture


def test_units_of_another_issuer_come_from_the_context(reg):
    found = reg.resolve("Các cơ quan, đơn vị thuộc Bộ Công an", on=TODAY)
    assert (found.entity.id, found.context) == ("group-don-vi-thuoc-bo", "bo-ca")
    assert ids(found.successors_on) == ["cuc-a05", "ttdlqg"]


def test_agencies_answering_through_their_units_expand_to_the_agencies(reg):
    assert len(reg.expand("group-don-vi-cntt-bo-nganh", on=IN_2024)) == 30


def test_a_printed_list_expands_to_its_agencies_today(reg):
    found = reg.resolve("Bộ Thông tin và Truyền thông; Bộ Kế hoạch và Đầu tư", on=TODAY)
    assert found.is_group
    assert ids(found.successors_on) == ["bo-khcn", "bo-tc"]
    assert ids(reg.expand(found.entity.id, on=IN_2024)) == ["bo-tttt", "bo-khdt"]


def test_a_single_agency_expands_to_its_successor(reg):
    assert ids(reg.expand("bo-gtvt", on=TODAY)) == ["bo-xd"]
