"""Indicator values imported from national systems through the API: listed with their
source, filtered and paged in the database, and read beside the targets they measure."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from theodoi.tracking.models import (
    Indicator,
    IndicatorImport,
    IndicatorMapping,
    IndicatorValue,
)

pytestmark = pytest.mark.django_db


def imported(file_name: str, system: str = "DTI") -> IndicatorImport:
    return IndicatorImport.objects.create(sha256=file_name, file_name=file_name, system=system)


def value(indicator: Indicator, source: IndicatorImport, agency: Any, period: str, on: date,
          figure: str, rank: int | None = None) -> IndicatorValue:
    return IndicatorValue.objects.create(
        indicator=indicator, agency=agency, agency_name=agency.name if agency else "Cả nước",
        period=period, on=on, value=Decimal(figure), rank=rank, unit="điểm",
        source_system=source.system, source_file=source.file_name, source=source, row=3)


@pytest.fixture
def dti(agency_a: Any, agency_b: Any) -> dict[str, Any]:
    """DTI for 2023 and 2024 (Tỉnh B corrected in a second file), EMC for 2024-Q3."""
    first, second = imported("dti-2024.xlsx"), imported("dti-2024-sua.xlsx")
    emc = imported("emc-q3.csv", "EMC")
    total = Indicator.objects.create(system="DTI", code="dti-tong", name="Chỉ số DTI",
                                     unit="điểm")
    online = Indicator.objects.create(system="EMC", code="dvc-truc-tuyen",
                                      name="Tỷ lệ dịch vụ công trực tuyến", unit="%")
    rows = [
        value(total, first, None, "2023", date(2023, 12, 31), "0.55"),
        value(total, first, agency_b, "2023", date(2023, 12, 31), "0.50", 20),
        value(total, first, None, "2024", date(2024, 12, 31), "0.61"),
        value(total, first, agency_b, "2024", date(2024, 12, 31), "0.58", 12),
        value(total, second, agency_b, "2024", date(2024, 12, 31), "0.60", 10),
        value(online, emc, agency_a, "2024-Q3", date(2024, 9, 30), "87.5"),
    ]
    return {"total": total, "online": online, "rows": rows, "second": second}


@pytest.mark.parametrize("role", ["coordinator", "leader", "reporter_b"])
def test_every_value_is_listed_with_its_source(role: str, api: Any, dti: dict[str, Any]
                                               ) -> None:
    data = api(role).get("/api/indicators").json()
    assert data["count"] == len(dti["rows"])
    corrected = [v for v in data["items"] if v["source"]["file"] == "dti-2024-sua.xlsx"]
    assert len(corrected) == 1
    row = corrected[0]
    assert (row["indicator"]["code"], row["agency"]["registry_id"], row["period"],
            row["period_label"], row["value"], row["rank"]) == (
        "dti-tong", "tinh-b", "2024", "Năm 2024", 0.6, 10)
    assert (row["source"]["system"], row["source"]["row"]) == ("DTI", 3)
    # The day in Vietnam (regression: the UTC date failed from 17:00 UTC, 00:00 in Hà Nội).
    assert row["source"]["imported_on"] == timezone.localdate(
        dti["second"].created_at).isoformat()


def test_a_quarter_and_a_day_are_labelled_as_people_write_them(
        api: Any, dti: dict[str, Any], agency_a: Any) -> None:
    quarter = api("leader").get("/api/indicators", {"period": "2024-Q3"}).json()["items"]
    assert [(v["period"], v["period_label"]) for v in quarter] == [("2024-Q3", "Quý III/2024")]
    value(dti["online"], imported("emc-ngay.csv", "EMC"), agency_a, "2024-06-30",
          date(2024, 6, 30), "80")
    day = api("leader").get("/api/indicators", {"period": "2024-06-30"}).json()["items"]
    assert [v["period_label"] for v in day] == ["30/06/2024"]


def test_values_are_filtered_by_indicator_agency_system_and_period(
        api: Any, dti: dict[str, Any], agency_b: Any) -> None:
    client = api("coordinator")

    def count(**params: str) -> int:
        return client.get("/api/indicators", params).json()["count"]

    assert count(indicator="dti-tong") == 5
    assert count(indicator="dti-tong", agency="tinh-b") == 3
    assert count(agency=str(agency_b.pk), period="2024") == 2
    assert count(agency="national") == 2
    assert count(system="emc") == 1
    assert count(indicator="khong-co") == 0


def test_values_are_paged(api: Any, dti: dict[str, Any]) -> None:
    client = api("coordinator")
    every = [v["id"] for v in client.get("/api/indicators").json()["items"]]
    pages = [v["id"] for n in (1, 2, 3) for v in client.get(
        "/api/indicators", {"page_size": 2, "page": n}).json()["items"]]
    assert pages == every and len(every) == 6


@pytest.mark.parametrize(("role", "expected"), [("outsider", 0), ("leader", 6)])
def test_a_user_without_a_role_reads_no_value(role: str, expected: int, api: Any,
                                              dti: dict[str, Any]) -> None:
    response = api(role).get("/api/indicators")
    assert response.status_code == 200 and response.json()["count"] == expected
    assert api("anonymous").get("/api/indicators").status_code == 401


def test_the_list_reads_as_often_for_many_values_as_for_few(
        api: Any, dti: dict[str, Any], agency_b: Any, django_assert_num_queries: Any) -> None:
    client = api("leader")
    client.get("/api/indicators")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/indicators")
    source = imported("dti-2025.xlsx")
    for year in range(2010, 2030):
        value(dti["total"], source, agency_b, str(year), date(year, 12, 31), "0.5")
    with django_assert_num_queries(len(few)):
        assert len(client.get("/api/indicators", {"page_size": 500}).json()["items"]) == 26


# -- beside a target ----------------------------------------------------------------------


@pytest.fixture
def mapped(dti: dict[str, Any], published_plan: Any, coordinator: Any) -> Any:
    target = published_plan.targets.first()
    IndicatorMapping.objects.create(indicator=dti["total"], target=target, mapped_by=coordinator)
    return target


@pytest.mark.parametrize("role", ["coordinator", "leader"])
def test_a_target_shows_its_indicators_latest_period(role: str, api: Any, mapped: Any) -> None:
    data = api(role).get(f"/api/targets/{mapped.pk}/indicators").json()
    [item] = data["items"]
    assert (item["indicator"]["code"], item["period"], item["period_label"], item["value"]) == (
        "dti-tong", "2024", "Năm 2024", 0.61)
    # The country first, then Tỉnh B's corrected figure only.
    assert [(v["agency"] and v["agency"]["registry_id"], v["value"], v["source"]["file"])
            for v in item["values"]] == [(None, 0.61, "dti-2024.xlsx"),
                                         ("tinh-b", 0.6, "dti-2024-sua.xlsx")]


def test_a_target_on_an_earlier_date_shows_that_periods_values(api: Any, mapped: Any) -> None:
    [item] = api("leader").get(f"/api/targets/{mapped.pk}/indicators",
                               {"as_of": "2024-06-01"}).json()["items"]
    assert (item["period"], item["value"], len(item["values"])) == ("2023", 0.55, 2)
    [empty] = api("leader").get(f"/api/targets/{mapped.pk}/indicators",
                                {"as_of": "2020-01-01"}).json()["items"]
    assert (empty["period"], empty["values"]) == (None, [])


@pytest.mark.parametrize(("role", "expected"), [("outsider", 403), ("anonymous", 401)])
def test_who_reads_a_targets_indicators(role: str, expected: int, api: Any, mapped: Any) -> None:
    assert api(role).get(f"/api/targets/{mapped.pk}/indicators").status_code == expected
    assert api("leader").get("/api/targets/999999/indicators").status_code == 404


def test_a_target_reads_as_often_for_many_indicators_as_for_one(
        api: Any, mapped: Any, dti: dict[str, Any], agency_b: Any, coordinator: Any,
        django_assert_num_queries: Any) -> None:
    client = api("leader")
    path = f"/api/targets/{mapped.pk}/indicators"
    client.get(path)
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(path).json()["items"]) == 1
    source = imported("dti-tp.xlsx")
    for i in range(5):
        extra = Indicator.objects.create(system="DTI", code=f"dti-{i}", name=f"Trụ cột {i}")
        value(extra, source, agency_b, "2024", date(2024, 12, 31), "0.4")
        IndicatorMapping.objects.create(indicator=extra, target=mapped, mapped_by=coordinator)
    with django_assert_num_queries(len(few)):
        assert len(client.get(path).json()["items"]) == 6
