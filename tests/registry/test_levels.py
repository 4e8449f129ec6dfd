"""Every level of government: ministries' own units, provincial departments, communes."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from vietnam_provinces import Province, Ward

from theodoi.registry import load_registry
from theodoi.registry.commands import check_plan
from theodoi.registry.loader import load_data
from theodoi.registry.registry import Registry

IN_2024 = date(2024, 6, 1)
TODAY = date(2026, 1, 1)
CAN_THO = "tp-can-tho-2025"
# Nghị định 45/2025/NĐ-CP: the agencies every province has from 01/3/2025.
UNIFORM_DEPARTMENTS = {
    "Sở Nội vụ", "Sở Tư pháp", "Sở Tài chính", "Sở Công Thương",
    "Sở Nông nghiệp và Môi trường", "Sở Xây dựng", "Sở Khoa học và Công nghệ",
    "Sở Văn hóa, Thể thao và Du lịch", "Sở Giáo dục và Đào tạo", "Sở Y tế", "Thanh tra",
    "Văn phòng Ủy ban nhân dân",
}


@pytest.fixture(scope="module")
def reg():
    return load_registry()


@pytest.fixture
def fresh():
    """A registry of its own: nothing loaded or added by another test."""
    return Registry(load_data())


def ids(entities):
    return [e.id for e in entities]


def package_counts() -> dict[int, int]:
    """Communes per province code, as the vietnam-provinces package has them."""
    return dict(Counter(int(w.province_code) for w in Ward.iter_all()))


# -- units of ministries --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "context", "expected", "parent"),
    [
        ("Kho bạc Nhà nước", None, "kbnn", "bo-tc"),
        ("KBNN", None, "kbnn", "bo-tc"),
        ("Cục Hải quan", None, "cuc-hai-quan", "bo-tc"),
        ("Vụ Pháp chế, Bộ Tài chính", None, "bo-tc-vu-phap-che", "bo-tc"),
        ("Vụ Pháp chế", "bo-tc", "bo-tc-vu-phap-che", "bo-tc"),
        ("Trung tâm dữ liệu quốc gia", None, "ttdlqg", "bo-ca"),
        ("Cục A05", None, "cuc-a05", "bo-ca"),
        ("Vụ Cải cách hành chính", None, "vu-cchc", "bo-nv"),
        ("Vụ Pháp chế", "bo-gddt", "bo-gddt-vu-phap-che", "bo-gddt"),
        ("Vụ Pháp chế, Bộ Nội vụ", None, "bo-nv-vu-phap-che", "bo-nv"),
        ("Cục Việc làm", None, "cuc-viec-lam", "bo-nv"),
        ("Cục Quản lý đấu thầu", None, "cuc-qldt", "bo-tc"),
        ("Cục Quản lý Khám, chữa bệnh", None, "cuc-qlkcb", "bo-yt"),
        ("Vụ Pháp chế (Bộ Y tế)", None, "bo-yt-vu-phap-che", "bo-yt"),
    ],
)
def test_units_of_ministries_resolve_with_their_parent(reg, printed, context, expected, parent):
    found = reg.resolve(printed, on=TODAY, context=context)
    assert found is not None and found.entity.id == expected
    assert reg.parent_on(found.entity, TODAY) == parent
    assert reg.citations(found.entity)


def test_a_2024_tong_cuc_thue_answers_as_cuc_thue_today(reg):
    found = reg.resolve("Tổng cục Thuế", on=TODAY)
    assert found.entity.id == "tong-cuc-thue"
    assert ids(found.successors_on) == ["cuc-thue"]
    assert [(e.kind, e.to_id) for e in found.lineage] == [("renamed", "cuc-thue")]
    assert "381/QĐ-BTC" in found.lineage[0].legal_basis
    assert ids(reg.resolve("Tổng cục Thuế", on=IN_2024).successors_on) == ["tong-cuc-thue"]


def test_the_statistics_office_moves_from_planning_to_finance(reg):
    found = reg.resolve("Tổng cục Thống kê", on=TODAY)
    assert reg.get("tong-cuc-thong-ke").parent == "bo-khdt"
    assert [(e.id, e.parent) for e in found.successors_on] == [("cuc-thong-ke", "bo-tc")]


def test_units_that_moved_in_2025_keep_their_name_and_change_ministry(reg):
    assert reg.parent_on("cuc-viec-lam", IN_2024) == "bo-ldtbxh"
    assert reg.parent_on("cuc-qldt", IN_2024) == "bo-khdt"
    assert ids(reg.resolve("Cục Việc làm", on=TODAY).successors_on) == ["cuc-viec-lam"]


def test_vocational_education_merges_into_one_department_of_education(reg):
    for printed in ("Tổng cục Giáo dục nghề nghiệp", "Vụ Giáo dục thường xuyên"):
        found = reg.resolve(printed, on=TODAY, context="bo-gddt")
        assert ids(found.successors_on) == ["cuc-gdnn-gdtx"], printed
        assert reg.get("cuc-gdnn-gdtx").parent == "bo-gddt"


@pytest.mark.parametrize(
    ("printed", "today"),
    [
        ("Cục Y tế dự phòng", "cuc-phong-benh"),
        ("Cục Phòng, chống HIV/AIDS", "cuc-phong-benh"),
        ("Cục Phòng, chống tệ nạn xã hội", "bo-yt-cuc-btxh"),
        ("Cục Bảo trợ xã hội", "bo-yt-cuc-btxh"),
    ],
)
def test_health_and_social_protection_units_answer_through_the_ministry_of_health(
        reg, printed, today):
    found = reg.resolve(printed, on=TODAY)
    assert ids(found.successors_on) == [today]
    assert reg.get(today).parent == "bo-yt"


def test_the_government_office_hands_procedure_control_on_in_2026(reg):
    in_2025 = reg.resolve("Cục Kiểm soát thủ tục hành chính", on=date(2025, 6, 1))
    assert (in_2025.entity.parent, ids(in_2025.successors_on)) == ("vpcp",
                                                                    ["vpcp-cuc-ksttthc"])
    today = reg.resolve("Cục Kiểm soát thủ tục hành chính", on=TODAY)
    assert ids(today.successors_on) == ["vpcp-cuc-cds"]
    assert ("functions_to", "bo-tp-cuc-ksttthc") in [(e.kind, e.to_id) for e in today.lineage]
    named = reg.resolve("Cục Kiểm soát thủ tục hành chính, Bộ Tư pháp", on=TODAY)
    assert named.entity.id == "bo-tp-cuc-ksttthc"


def test_the_units_of_the_ministry_of_finance_are_todays(reg):
    found = reg.resolve("Các cơ quan, đơn vị thuộc Bộ Tài chính", on=TODAY)
    members = set(ids(found.successors_on))
    assert {"cuc-thue", "cuc-hai-quan", "kbnn", "cuc-thong-ke", "bhxh-vn"} <= members
    assert not members & {"tong-cuc-thue", "tong-cuc-hai-quan", "tong-cuc-thong-ke"}


# -- provincial departments -----------------------------------------------------------------


def test_every_province_has_the_departments_of_decree_45_and_its_police(reg):
    for province in reg.entities(kind="province", on=TODAY):
        units = reg.expand(reg.resolve("Các sở, ban, ngành", on=TODAY,
                                       context=province.id))
        names = {u.name.removesuffix(" " + province.name) for u in units}
        assert names == UNIFORM_DEPARTMENTS | {"Công an"}, province.id
        assert {u.parent for u in units} == {province.id}
        assert all(u.sources for u in units)


def test_a_department_is_read_inside_the_provincial_plan(reg):
    found = reg.resolve("Sở Tài chính", on=TODAY, context=CAN_THO)
    assert found.entity.id == "so-tai-chinh-tp-can-tho-2025"
    assert reg.resolve("Thanh tra tỉnh", on=TODAY, context="tinh-lao-cai-2025").entity.id \
        == "thanh-tra-tinh-lao-cai-2025"
    assert reg.resolve("Công an tỉnh", on=TODAY, context=CAN_THO).entity.id \
        == "cong-an-tp-can-tho-2025"
    # A plan issued by one of the city's departments reads inside the city too.
    assert reg.resolve("Sở Tài chính", on=TODAY, context="so-khcn-tp-can-tho-2025").entity.id \
        == "so-tai-chinh-tp-can-tho-2025"
    # A national plan names no province: a bare department is nobody in particular.
    assert reg.resolve("Sở Tài chính", on=TODAY, context="bo-khcn") is None


@pytest.mark.parametrize(
    ("printed", "in_2024", "today"),
    [
        ("Sở Kế hoạch và Đầu tư tỉnh Hà Giang", "so-khdt-tinh-ha-giang",
         "so-tai-chinh-tinh-tuyen-quang-2025"),
        ("Sở GTVT tỉnh Bắc Kạn", "so-gtvt-tinh-bac-kan", "so-xay-dung-tinh-thai-nguyen-2025"),
        ("Sở TN&MT tỉnh Lào Cai", "so-tnmt-tinh-lao-cai", "so-nnmt-tinh-lao-cai-2025"),
        ("Sở NN&PTNT tỉnh Lào Cai", "so-nnptnt-tinh-lao-cai", "so-nnmt-tinh-lao-cai-2025"),
        ("Sở LĐ-TB&XH thành phố Cần Thơ", "so-ldtbxh-tp-can-tho",
         "so-noi-vu-tp-can-tho-2025"),
        ("Văn phòng UBND tỉnh Hậu Giang", "van-phong-ubnd-tinh-hau-giang",
         "van-phong-ubnd-tp-can-tho-2025"),
    ],
)
def test_a_2024_department_answers_through_its_successor(reg, printed, in_2024, today):
    found = reg.resolve(printed, on=TODAY)
    assert found.entity.id == in_2024
    assert ids(found.successors_on) == [today]
    assert all(event.legal_basis for event in found.lineage)


def test_the_departments_of_2024_are_the_departments_of_2024(reg):
    units = reg.expand(reg.resolve("Các sở, ban, ngành", on=IN_2024, context="tinh-ha-giang"))
    keys = {u.id.removesuffix("-tinh-ha-giang") for u in units}
    assert {"so-tttt", "so-khdt", "so-ldtbxh"} <= keys
    assert "so-nnmt" not in keys


# -- communes -------------------------------------------------------------------------------


def test_there_are_3321_communes_from_july_2025_and_none_before(reg):
    assert len(reg.entities(kind="commune", on=date(2025, 7, 1))) == 3321
    assert len(reg.entities(kind="commune", on=TODAY)) == sum(package_counts().values())
    assert reg.entities(kind="commune", on=date(2025, 6, 30)) == []


def test_each_province_has_the_communes_the_package_gives_it(reg):
    counts = package_counts()
    provinces = reg.entities(kind="province", on=TODAY)
    assert {int(p.code) for p in provinces} == {int(p.code) for p in Province.iter_all()}
    for province in provinces:
        communes = reg.communes_of(province.id, TODAY)
        assert len(communes) == counts[int(province.code)], province.id
        assert {c.parent for c in communes} == {province.id}


def test_communes_have_stable_slugs_codes_and_a_legal_source(reg):
    communes = reg.entities(kind="commune")
    assert len({c.id for c in communes}) == len(communes)
    assert len({c.code for c in communes}) == len(communes)
    ward = next(iter(Ward.iter_all()))
    commune = next(c for c in communes if c.code == f"{int(ward.code):05d}")
    assert commune.name.lower() == ward.name.lower()
    assert any("UBTVQH" in text or "202/2025/QH15" in text for text in reg.citations(commune))


def test_communes_of_a_can_tho_plan_are_can_tho_s_only(reg):
    plan = {"plan": {"issuer": "UBND thành phố Cần Thơ"},
            "tasks": [{"code": "1", "lead": ["UBND các xã, phường"], "partners": []}]}
    context, rows = check_plan(reg, plan, TODAY)
    assert reg.provinces_of(context, TODAY) == [CAN_THO]  # the city, before or after 7/2025
    members = reg.expand(rows[0][2])
    assert len(members) == package_counts()[int(reg.get(CAN_THO).code)]
    assert {m.parent for m in members} == {CAN_THO}
    assert {m.kind for m in members} == {"commune"}


@pytest.mark.parametrize("printed", ["Ủy ban nhân dân cấp xã", "các xã, phường, đặc khu"])
def test_communes_of_a_national_plan_are_every_commune(reg, printed):
    found = reg.resolve(printed, on=TODAY, context="bo-khcn")
    assert found.entity.id == "group-ubnd-xa"
    assert len(found.successors_on) == 3321


def test_communes_of_an_old_province_are_its_successor_s(reg):
    found = reg.resolve("UBND các xã, phường", on=TODAY, context="tinh-ha-giang")
    assert {m.parent for m in found.successors_on} == {"tinh-tuyen-quang-2025"}
    assert reg.expand(found.entity, on=IN_2024, context="tinh-ha-giang") == []


def test_a_commune_is_read_by_its_name_and_province(reg):
    assert reg.resolve("UBND phường Ninh Kiều", on=TODAY).entity.parent == CAN_THO
    assert reg.resolve("xã Tân Phú, tỉnh Đồng Nai", on=TODAY).entity.parent \
        == "tinh-dong-nai-2025"
    # Two wards of that name (Hà Nội, Nghệ An): the plan's province tells which.
    assert reg.resolve("phường Hoàng Mai", on=TODAY) is None
    assert reg.resolve("phường Hoàng Mai", on=TODAY, context="tp-ha-noi").entity.id \
        == "phuong-hoang-mai-tp-ha-noi"


def test_departments_and_communes_are_made_only_when_first_needed(fresh):
    assert not (fresh.departments_loaded or fresh.communes_loaded)
    fresh.resolve("Bộ Tài chính", on=TODAY)
    fresh.expand("group-bo-nganh-dia-phuong", on=TODAY)
    assert not fresh.departments_loaded
    fresh.resolve("Sở TT&TT tỉnh Hà Giang", on=TODAY)
    assert fresh.departments_loaded
    fresh.expand("group-bo-nganh-dia-phuong", on=TODAY)
    assert not fresh.communes_loaded
    fresh.expand("group-ubnd-xa", on=TODAY, context=CAN_THO)
    assert fresh.communes_loaded


# -- units added by a coordinator -----------------------------------------------------------


def add_foreign_affairs(reg):
    return reg.add_entity(
        "so-ngoai-vu-tinh-quang-ninh", "Sở Ngoại vụ tỉnh Quảng Ninh", "province_unit",
        parent="tinh-quang-ninh", aliases=["Sở Ngoại vụ"],
        source="Nghị định số 45/2025/NĐ-CP (sở đặc thù)",
        added_by="dieuphoi@quangninh", reason="sở đặc thù của tỉnh, có trong kế hoạch 12/KH",
    )


def test_a_coordinator_adds_a_department_under_its_province(fresh):
    entity = add_foreign_affairs(fresh)
    assert (entity.added_by, entity.reason) == (
        "dieuphoi@quangninh", "sở đặc thù của tỉnh, có trong kế hoạch 12/KH")
    assert fresh.citations(entity) == ["Nghị định số 45/2025/NĐ-CP (sở đặc thù)"]
    assert fresh.resolve("Sở Ngoại vụ tỉnh Quảng Ninh", on=TODAY).entity == entity
    assert fresh.resolve("Sở Ngoại vụ", on=TODAY, context="tinh-quang-ninh").entity == entity
    assert fresh.resolve("Sở Ngoại vụ", on=TODAY, context=CAN_THO) is None
    departments = fresh.expand("group-so-ban-nganh", on=TODAY, context="tinh-quang-ninh")
    assert entity in departments
    assert not fresh.communes_loaded


def test_a_coordinator_adds_a_unit_of_a_ministry(fresh):
    assert fresh.resolve("Vụ Pháp chế, Bộ Xây dựng", on=TODAY) is None
    fresh.add_entity("bo-xd-vu-phap-che", "Vụ Pháp chế", "unit", parent="bo-xd",
                     source="nq-176-2025", added_by="admin", reason="có trong kế hoạch",
                     generic=True)
    found = fresh.resolve("Vụ Pháp chế", on=TODAY, context="bo-xd")
    assert (found.entity.id, found.entity.parent) == ("bo-xd-vu-phap-che", "bo-xd")
    assert fresh.resolve("Vụ Pháp chế, Bộ Xây dựng", on=TODAY).entity.id == "bo-xd-vu-phap-che"
    assert fresh.citations("bo-xd-vu-phap-che")[0].startswith("Nghị quyết số 176/2025/QH15")
    assert "bo-xd-vu-phap-che" in ids(fresh.expand(
        fresh.resolve("Các đơn vị thuộc Bộ Xây dựng", on=TODAY)))


def test_added_units_travel_through_load_registry_extra():
    from theodoi.registry.registry import record_of

    first = load_registry(extra=[])
    entity = add_foreign_affairs(first)
    again = load_registry(extra=[record_of(entity)])
    assert again.get(entity.id) == entity
    assert again is not load_registry()
    with pytest.raises(KeyError):
        load_registry().get(entity.id)  # the shared registry never saw it


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"id": "so-tttt-tinh-ha-giang"}, "đã có"),
        ({"id": "Sở Ngoại vụ"}, "không hợp lệ"),
        ({"parent": "tinh-atlantis"}, "cấp trên"),
        ({"parent": None}, "cấp trên"),
        ({"kind": "group"}, "Loại"),
        ({"added_by": " "}, "người bổ sung"),
        ({"reason": ""}, "lý do"),
    ],
)
def test_an_addition_without_its_facts_is_refused(fresh, changes, message):
    record = {"id": "so-ngoai-vu-tinh-quang-ninh", "name": "Sở Ngoại vụ tỉnh Quảng Ninh",
              "kind": "province_unit", "parent": "tinh-quang-ninh", "source": "",
              "added_by": "admin", "reason": "thiếu trong danh mục", **changes}
    with pytest.raises(ValueError, match=message):
        fresh.add_entity(**record)


def test_lineage_of_a_printed_list_has_one_order(reg):
    """Regression: events of a printed list came from a set and were sorted on a key that
    tied (same date, same source agency, same kind), so their order changed from run to
    run (PYTHONHASHSEED)."""
    found = reg.resolve("Bộ Thông tin và Truyền thông; Bộ Y tế", on=TODAY)
    keys = [(e.date, e.from_id, e.kind, e.to_id) for e in found.lineage]
    ties = Counter(k[:3] for k in keys)
    assert any(n > 1 for n in ties.values())  # the case that used to be unordered
    assert [k[3] for k in keys if ties[k[:3]] > 1] == sorted(
        k[3] for k in keys if ties[k[:3]] > 1)


def test_a_second_thread_waits_for_the_communes_being_loaded(fresh, monkeypatch):
    """Regression: the loaded flag was set before the communes were in, so a second request
    thread of the web server could count a few communes instead of 3,321."""
    import threading

    import theodoi.registry.registry as module

    started, results = threading.Event(), []
    original = module.commune_entities

    def slow(provinces):
        for number, commune in enumerate(original(provinces)):
            if number == 1:
                started.set()
                threading.Event().wait(0.2)  # the first loader is mid-way
            yield commune

    monkeypatch.setattr(module, "commune_entities", slow)
    first = threading.Thread(
        target=lambda: results.append(len(fresh.expand("group-ubnd-xa", on=TODAY))))
    first.start()
    assert started.wait(5)
    second = len(fresh.expand("group-ubnd-xa", on=TODAY))
    first.join()
    assert [second, *results] == [3321, 3321]


def test_the_localities_of_a_provincial_plan_are_its_communes(reg):
    inside = reg.resolve("Các địa phương", on=TODAY, context=CAN_THO)
    assert inside.entity.id == "group-ubnd-xa"
    assert {m.parent for m in inside.successors_on} == {CAN_THO}
    # In a national plan the same words still mean the provinces.
    national = reg.resolve("Các địa phương", on=TODAY, context="bo-khcn")
    assert (national.entity.id, len(national.successors_on)) == ("group-ubnd-tinh", 34)
