"""The data files: sources cited, dates consistent, the 63 and the 34 provinces."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from theodoi.registry import load_registry
from theodoi.registry.loader import data_dir, load_data
from theodoi.registry.model import FOLLOWED_KINDS

SOURCES_MD = Path(__file__).parents[2] / "theodoi" / "registry" / "data" / "SOURCES.md"


@pytest.fixture(scope="module")
def reg():
    return load_registry()


def test_every_source_is_explained_in_sources_md(reg):
    text = SOURCES_MD.read_text(encoding="utf-8")
    for source in reg.data.sources:
        assert f"`{source}`" in text, source


def test_every_entity_and_change_cites_a_known_source(reg):
    for entity in reg.entities():
        if entity.kind == "province_unit":
            continue
        assert entity.sources, entity.id
    for event in [*reg.data.events, *reg.data.local_units()[1]]:
        assert event.source in reg.data.sources
        assert event.legal_basis


def test_every_agency_that_ends_has_a_successor_from_the_next_day(reg):
    for entity in reg.entities():
        if entity.valid_to is None:
            continue
        steps = [e for e in reg.events_from(entity.id) if e.kind in FOLLOWED_KINDS]
        assert steps, entity.id
        assert all((e.date - entity.valid_to).days == 1 for e in steps)


def test_ids_are_ascii_slugs(reg):
    for entity in reg.entities():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", entity.id), entity.id


def test_the_63_provinces_have_distinct_codes_and_so_do_the_34(reg):
    for on in (date(2025, 6, 30), date(2025, 7, 1)):
        codes = [p.code for p in reg.entities(kind="province", on=on)]
        assert len(codes) == len(set(codes))
    # Each new province takes the code of the province where its centre sits.
    assert reg.get("tinh-lao-cai-2025").code == reg.get("tinh-yen-bai").code == "15"


def test_the_data_loads_from_the_package_folder():
    data = load_data(data_dir())
    assert "bo-tttt" in data.entities


def test_bad_data_is_refused(tmp_path):
    for item in data_dir().iterdir():
        if item.is_file():
            (tmp_path / item.name).write_bytes(item.read_bytes())
    lineage = tmp_path / "lineage.csv"
    lineage.write_text(lineage.read_text(encoding="utf-8").replace(
        "merged_into,2025-03-01,bo-khdt,bo-tc", "merged_into,2025-03-02,bo-khdt,bo-tc"),
        encoding="utf-8")
    with pytest.raises(ValueError, match="bo-khdt: must end the day before"):
        load_data(tmp_path)
