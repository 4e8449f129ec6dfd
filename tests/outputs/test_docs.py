"""docs/outputs.md names every renderer, setting, command and URL name the code has."""

from __future__ import annotations

import re
from pathlib import Path

from theodoi.outputs.registry import renderers

DOC = (Path(__file__).resolve().parents[2] / "docs" / "outputs.md").read_text(encoding="utf-8")
SETTINGS = (Path(__file__).resolve().parents[2] / "theodoi" / "settings.py").read_text(
    encoding="utf-8")


def test_every_renderer_is_in_the_table_of_documents():
    rows = {line.split("|")[1].strip(" `"): line for line in DOC.splitlines()
            if line.startswith("| `") and line.count("|") == 4}
    for item in renderers():
        assert item.document in rows, f"{item.document} missing from docs/outputs.md"
        assert f"`{item.format}`" in rows[item.document], f"{item.document}/{item.format}"


def test_every_document_and_e_mail_setting_is_documented():
    names = re.findall(r"^((?:DOCUMENT|EMAIL|REMINDER|DEFAULT_FROM)_?\w*) =", SETTINGS, re.M)
    assert names, "settings.py defines no document or e-mail setting"
    for name in names:
        assert f"`{name}`" in DOC, f"{name} is not documented in docs/outputs.md"


def test_every_command_and_url_name_is_documented():
    from theodoi.outputs.urls import urlpatterns

    for command in ("report", "letter", "export", "import", "calendar", "remind"):
        assert f"theodoi {command}" in DOC
    for pattern in urlpatterns:
        assert f"`outputs:{pattern.name}`" in DOC
