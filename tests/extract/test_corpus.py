"""The development corpus: real public decisions no sample tuned the reader to, scored
against their hand-checked gold plans.

Each document lives in `tests/data/corpus/<slug>/`: its source files (`source.*`: the shape
it was handed over in, HTML, Markdown, scraped text, DOCX or PDF), `gold.json` (plan-json,
checked by hand against the source) and `meta.json` (where it came from, and `floor`: the
F1 the reader is held to on it; the aim for every document is 0.95). Provenance is listed in
`tests/data/SOURCES.md`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import DATA
from tests.extract.test_scores import f1_of
from theodoi.cli import UserError
from theodoi.extract.commands import extract_plan

CORPUS = DATA / "corpus"
AIM = 0.95


def corpus_cases() -> list[tuple[Path, Path]]:
    """(document folder, one source file) for every source of every corpus document."""
    cases = []
    for folder in sorted(p for p in CORPUS.iterdir() if (p / "gold.json").exists()):
        for source in sorted(folder.glob("source*")):
            cases.append((folder, source))
    return cases


def scored_cases() -> list:
    """The corpus cases; a source the reader does not read yet (meta.json `unread`: its name
    and why) is held to the aim as a strict expected failure, so that reading it one day
    fails the run until it gets a floor, rather than passing a floor of 0 that cannot fail."""
    params = []
    for folder, source in corpus_cases():
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        why = meta.get("unread", {}).get(source.name)
        marks = [pytest.mark.xfail(strict=True, reason=why)] if why else []
        params.append(pytest.param(folder, source, marks=marks,
                                   id=f"{folder.name}-{source.name}"))
    return params


def floor_of(folder: Path, source: Path) -> float:
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    if source.name in meta.get("unread", {}):
        return AIM
    floors = meta.get("floors", {})
    return float(floors.get(source.name, meta.get("floor", AIM)))


@pytest.mark.parametrize(("folder", "source"), scored_cases())
def test_corpus_document_scores_at_least_its_floor(folder: Path, source: Path) -> None:
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    try:
        predicted = extract_plan([source]).to_json()
    except UserError:
        predicted = {"plan": {}, "tasks": [], "targets": []}  # read nothing: F1 0
    assert f1_of(gold, predicted) >= floor_of(folder, source)


def test_every_corpus_document_has_its_provenance() -> None:
    sources = (DATA / "SOURCES.md").read_text(encoding="utf-8") if (
        DATA / "SOURCES.md").exists() else ""
    for folder in sorted(p for p in CORPUS.iterdir() if (p / "gold.json").exists()):
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        for key in ("repository", "path", "commit", "title"):
            assert meta.get(key), f"{folder.name}: meta.json lacks {key}"
        assert folder.name in sources, f"{folder.name} is not listed in tests/data/SOURCES.md"
