"""The agency box of the search form: a name typed (with or without diacritics) or an id
from a link, suggestions from a bounded endpoint, never every agency in the page."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.urls import reverse

from theodoi.web import agency_picker, lists


def search(client: Any, **params: str) -> Any:
    response = client.get(reverse("web:search"), params)
    assert response.status_code == 200
    return response


def codes(response: Any) -> list[str]:
    return [row.task.code for row in response.context["page"].object_list]


@pytest.fixture
def communes(db: Any) -> list[Any]:
    """Two communes of the same name in two provinces, as the country has hundreds."""
    from theodoi.tracking.models import Agency

    out = []
    for n, province in enumerate(("tỉnh Đồng Nai", "tỉnh Phú Thọ")):
        parent = Agency.objects.create(registry_id=f"tinh-{n}", name=province, kind="province")
        out.append(Agency.objects.create(registry_id=f"xa-tan-phu-{n}", name="xã Tân Phú",
                                         kind="commune", parent=parent))
    return out


def test_a_name_typed_with_or_without_diacritics_finds_the_agency(
        as_leader: Any, published_plan: Any, agency_b: Any) -> None:
    by_id = codes(search(as_leader, agency=str(agency_b.pk)))
    assert by_id == ["I.1", "I.2", "III.A.1"]
    assert codes(search(as_leader, agency="Ủy ban nhân dân tỉnh B")) == by_id
    assert codes(search(as_leader, agency="uy ban nhan dan TINH B")) == by_id
    # A printed form the registry reads ("UBND tỉnh B"), and the role still narrows.
    assert codes(search(as_leader, agency="UBND tỉnh B", role="lead")) == ["I.2", "III.A.1"]


def test_an_id_from_a_link_still_works_and_the_box_shows_the_name(
        as_leader: Any, published_plan: Any, agency_b: Any) -> None:
    response = search(as_leader, agency=str(agency_b.pk), role="partner")
    assert codes(response) == ["I.1"]
    page = response.content.decode()
    assert 'value="Ủy ban nhân dân tỉnh B"' in html.unescape(page)
    assert f'data-suggest="{reverse("web:agency-names")}"' in page


def test_an_unknown_name_is_a_vietnamese_error_not_a_crash(
        as_leader: Any, published_plan: Any) -> None:
    response = search(as_leader, agency="Bộ Không Có")
    assert response.context["form"].errors["agency"]
    assert "Không tìm thấy cơ quan “Bộ Không Có”" in html.unescape(response.content.decode())
    assert not response.context["searched"]
    assert "Không tìm thấy cơ quan" in html.unescape(
        search(as_leader, agency="999999").content.decode())
    # An id past any integer column, a very long name: the same error, not a 500.
    for text in ("9" * 40, "x" * 5000):
        assert search(as_leader, agency=text).context["form"].errors["agency"]


def test_a_shared_name_asks_which_one_and_its_label_reads_back_to_one(
        as_leader: Any, published_plan: Any, communes: list[Any]) -> None:
    response = search(as_leader, agency="xa tan phu")
    error = html.unescape(response.content.decode())
    assert "Có nhiều cơ quan ứng với “xa tan phu”" in error
    assert "xã Tân Phú (tỉnh Đồng Nai)" in error and "xã Tân Phú (tỉnh Phú Thọ)" in error
    chosen = search(as_leader, agency="xã Tân Phú (tỉnh Phú Thọ)")
    assert not chosen.context["form"].errors
    assert chosen.context["form"].cleaned_data["agency"] == communes[1]
    # The box of a link's id shows the label that names that commune alone.
    by_id = html.unescape(search(as_leader, agency=str(communes[0].pk)).content.decode())
    assert 'value="xã Tân Phú (tỉnh Đồng Nai)"' in by_id


def test_the_page_ships_no_list_of_every_agency(as_leader: Any, published_plan: Any) -> None:
    from theodoi.tracking.models import Agency

    Agency.objects.bulk_create(Agency(registry_id=f"so-{n}", name=f"Sở Thử {n}",
                                      kind="province_unit") for n in range(30))
    page = search(as_leader, q="chuyen doi so").content.decode()
    assert '<select name="agency"' not in page
    assert "Sở Thử 7" not in page


def test_the_suggestions_are_few_and_best_first(as_leader: Any, agency_b: Any) -> None:
    from theodoi.tracking.models import Agency

    Agency.objects.bulk_create(Agency(registry_id=f"so-{n}", name=f"Sở Thử nghiệm {n}",
                                      kind="province_unit") for n in range(30))
    Agency.objects.create(registry_id="so-thu", name="Sở Thử", kind="province_unit")
    response = as_leader.get(reverse("web:agency-names"), {"q": "so thu"})
    assert response.status_code == 200
    rows = response.json()["results"]
    assert len(rows) == agency_picker.SUGGESTIONS
    assert rows[0]["label"] == "Sở Thử"  # the exact name first
    assert all("Sở Thử" in r["label"] for r in rows)
    one = as_leader.get(reverse("web:agency-names"), {"q": "tinh b"}).json()["results"]
    assert one == [{"id": agency_b.pk, "label": "Ủy ban nhân dân tỉnh B"}]
    assert as_leader.get(reverse("web:agency-names"), {"q": "s"}).json() == {"results": []}


def test_the_suggestions_need_a_signed_in_role(client: Any, outsider: Any,
                                               agency_b: Any) -> None:
    url = reverse("web:agency-names") + "?q=tinh"
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    client.force_login(outsider)
    assert client.get(url).status_code == 403


def test_a_new_agency_is_found_without_a_restart(as_leader: Any, agency_b: Any) -> None:
    from theodoi.tracking.models import Agency

    url = reverse("web:agency-names")
    assert as_leader.get(url, {"q": "so moi"}).json()["results"] == []
    Agency.objects.create(registry_id="so-moi", name="Sở Mới", kind="province_unit")
    assert [r["label"] for r in as_leader.get(url, {"q": "so moi"}).json()["results"]] == [
        "Sở Mới"]


def test_past_the_cap_the_count_says_more_and_the_export_has_every_row(
        as_leader: Any, published_plan: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lists.SearchRows, "cap", 1)
    response = search(as_leader, q="chuyen doi so")  # I.2 and III.A.1
    assert response.context["capped"] and response.context["count"] == 1
    assert "Hơn 1 nhiệm vụ" in response.content.decode()
    assert codes(response) == ["I.2"]
    assert search(as_leader, q="nghi dinh thu nghiem").context["capped"] is False
    sheet = as_leader.get(reverse("web:search"), {"q": "chuyen doi so", "export": "csv"})
    assert sheet.status_code == 200
    body = b"".join(sheet.streaming_content) if sheet.streaming else sheet.content
    assert b"I.2" in body and b"III.A.1" in body


def test_the_box_and_its_errors_speak_english_too(as_leader: Any, published_plan: Any,
                                                  communes: list[Any]) -> None:
    as_leader.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = html.unescape(search(as_leader, agency="Bộ Không Có").content.decode())
    assert "No agency “Bộ Không Có” found" in page
    assert 'placeholder="Type an agency\'s name"' in page
    page = html.unescape(search(as_leader, agency="xa tan phu").content.decode())
    assert "Several agencies match “xa tan phu”" in page


def test_past_the_cap_the_pages_walk_the_plans_in_the_search_order(
        as_leader: Any, published_plan: Any, coordinator: Any, small_plan_json: Any,
        fake_registry: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import copy
    from datetime import date

    from theodoi.tracking.services import import_plan, publish_plan

    for n, day in ((2, date(2023, 1, 5)), (3, date(2025, 2, 1))):
        other = copy.deepcopy(small_plan_json)
        other["plan"]["number"] = f"{n}/QĐ-TEST"
        other["plan"]["date"] = day.isoformat()
        publish_plan(import_plan(other, user=coordinator), user=coordinator, on=day,
                     registry=fake_registry)

    def listed(params: dict[str, str]) -> list[tuple[str, str]]:
        response = search(as_leader, **params)
        return [(row.task.plan.number, row.task.code)
                for row in response.context["page"].object_list]

    query = {"q": "chuyen doi so"}
    exact = listed(query)  # 6 matches: under the cap, sorted from the index's candidates
    assert len(exact) == 6 and [n for n, _c in exact][::2] == [
        "2/QĐ-TEST", "1/QĐ-TEST", "3/QĐ-TEST"]
    # Past the cap (5 counted: 3 pages of 2) the walk reads the plans in the same order,
    # a plan then two, or a plan then the rest from the index.
    monkeypatch.setattr(lists.SearchRows, "cap", 5)
    monkeypatch.setattr(lists.SearchRows, "first_plans", 1)
    monkeypatch.setattr("theodoi.web.views.pages.PAGE_SIZE", 2)
    for share in (1, 4):
        monkeypatch.setattr(lists.SearchRows, "walked_share", share)
        walked = [row for page in ("1", "2", "3") for row in listed({**query, "page": page})]
        assert walked == exact[:5], share
