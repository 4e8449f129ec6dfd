"""Who answers for an agency before and after each change of 2025."""

from __future__ import annotations

from datetime import date

import pytest

from theodoi.registry import load_registry

BEFORE_MINISTRIES = date(2025, 2, 28)
AFTER_MINISTRIES = date(2025, 3, 1)
BEFORE_PROVINCES = date(2025, 6, 30)
AFTER_PROVINCES = date(2025, 7, 1)


@pytest.fixture(scope="module")
def reg():
    return load_registry()


def ids(entities):
    return [e.id for e in entities]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("bo-tttt", "bo-khcn"),
        ("bo-khdt", "bo-tc"),
        ("bo-gtvt", "bo-xd"),
        ("bo-tnmt", "bo-nnmt"),
        ("bo-nnptnt", "bo-nnmt"),
        ("bo-ldtbxh", "bo-nv"),
        ("ubdt", "bo-dttg"),
        ("cmsc", "bo-tc"),
        ("cuc-attt", "cuc-a05"),
        ("cuc-ttcs", "cuc-ttcs-ttdn"),
        ("cuc-ttdn", "cuc-ttcs-ttdn"),
        ("vu-ktsxhs", "vu-ktxhs"),
        ("cuc-cn-cntt-tt", "cuc-cn-cntt"),
        ("bo-tttt-vu-htqt", "bo-khcn-vu-htqt"),
    ],
)
def test_each_ministry_change_of_1_march_2025_takes_effect_that_day(reg, old, new):
    assert ids(reg.successors(old, on=BEFORE_MINISTRIES)) == [old]
    assert ids(reg.successors(old, on=AFTER_MINISTRIES)) == [new]
    assert ids(reg.successors(old, on=date(2026, 1, 1))) == [new]


def test_each_lineage_event_cites_its_legal_basis(reg):
    events = reg.lineage("bo-tttt", on=date(2026, 1, 1))
    merged = [e for e in events if e.kind == "merged_into"]
    assert [(e.to_id, e.date) for e in merged] == [("bo-khcn", AFTER_MINISTRIES)]
    assert "176/2025/QH15" in merged[0].legal_basis
    # Press and security functions went elsewhere: recorded, not followed.
    assert {e.to_id for e in events if e.kind == "functions_to"} == {"bo-vhttdl", "bo-ca"}


def test_an_agency_moved_under_a_ministry_keeps_answering_but_leaves_the_ministries(reg):
    bhxh = reg.get("bhxh-vn")
    assert ids(reg.successors("bhxh-vn", on=date(2026, 1, 1))) == ["bhxh-vn"]
    assert reg.kind_on(bhxh, BEFORE_MINISTRIES) == "government_agency"
    assert reg.kind_on(bhxh, AFTER_MINISTRIES) == "unit"
    assert reg.parent_on(bhxh, AFTER_MINISTRIES) == "bo-tc"
    assert "bhxh-vn" in ids(reg.expand("group-bo-nganh", on=BEFORE_MINISTRIES))
    assert "bhxh-vn" not in ids(reg.expand("group-bo-nganh", on=AFTER_MINISTRIES))


def test_press_departments_move_to_the_ministry_of_culture(reg):
    for unit in ("cuc-bao-chi", "cuc-ptth-ttdt", "cuc-xbiph"):
        assert reg.parent_on(unit, BEFORE_MINISTRIES) == "bo-tttt"
        assert reg.parent_on(unit, AFTER_MINISTRIES) == "bo-vhttdl"
        assert ids(reg.successors(unit, on=AFTER_MINISTRIES)) == [unit]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("tinh-ha-giang", "tinh-tuyen-quang-2025"),
        ("tinh-tuyen-quang", "tinh-tuyen-quang-2025"),
        ("tinh-yen-bai", "tinh-lao-cai-2025"),
        ("tinh-hoa-binh", "tinh-phu-tho-2025"),
        ("tinh-hai-duong", "tp-hai-phong-2025"),
        ("tinh-nam-dinh", "tinh-ninh-binh-2025"),
        ("tinh-kon-tum", "tinh-quang-ngai-2025"),
        ("tinh-binh-thuan", "tinh-lam-dong-2025"),
        ("tinh-ba-ria-vung-tau", "tp-ho-chi-minh-2025"),
        ("tinh-hau-giang", "tp-can-tho-2025"),
        ("tinh-kien-giang", "tinh-an-giang-2025"),
    ],
)
def test_provinces_merge_on_1_july_2025(reg, old, new):
    assert ids(reg.successors(old, on=BEFORE_PROVINCES)) == [old]
    assert ids(reg.successors(old, on=AFTER_PROVINCES)) == [new]


def test_the_eleven_provinces_kept_as_they_were_have_no_successor(reg):
    kept = ["tp-ha-noi", "tp-hue", "tinh-lai-chau", "tinh-dien-bien", "tinh-son-la",
            "tinh-lang-son", "tinh-quang-ninh", "tinh-thanh-hoa", "tinh-nghe-an",
            "tinh-ha-tinh", "tinh-cao-bang"]
    for province in kept:
        assert ids(reg.successors(province, on=date(2026, 1, 1))) == [province]
    assert len(reg.entities(kind="province", on=AFTER_PROVINCES)) == 11 + 23


def test_thua_thien_hue_became_the_city_of_hue_on_1_january_2025(reg):
    assert ids(reg.successors("tinh-thua-thien-hue", on=date(2024, 12, 31))) == [
        "tinh-thua-thien-hue"]
    assert ids(reg.successors("tinh-thua-thien-hue", on=date(2025, 1, 1))) == ["tp-hue"]


def test_the_department_of_a_merged_province_follows_both_changes(reg):
    unit = "so-tttt-tinh-ha-giang"
    assert ids(reg.successors(unit, on=BEFORE_MINISTRIES)) == [unit]
    assert ids(reg.successors(unit, on=AFTER_MINISTRIES)) == ["so-khcn-tinh-ha-giang"]
    assert ids(reg.successors(unit, on=AFTER_PROVINCES)) == ["so-khcn-tinh-tuyen-quang-2025"]
    basis = [e.source for e in reg.lineage(unit, on=AFTER_PROVINCES)]
    assert basis == ["nd-45-2025", "nq-202-2025"]


def test_an_agency_not_yet_created_has_nobody_answering(reg):
    assert reg.successors("bo-nnmt", on=date(2024, 6, 1)) == []


def test_the_ministry_in_charge_of_digital_transformation_changes_in_2025(reg):
    assert reg.dt_ministry(BEFORE_MINISTRIES).id == "bo-tttt"
    assert reg.dt_ministry(AFTER_MINISTRIES).id == "bo-khcn"
