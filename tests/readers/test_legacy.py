"""Legacy .doc/.odt through LibreOffice, and the message when it is missing."""

from __future__ import annotations

import pytest

from tests.readers.conftest import fixture, gold
from tests.readers.gold_cells import compare
from theodoi.extract.readers import UnreadableDocument, legacy, read_document


@pytest.mark.slow
@pytest.mark.parametrize("name", ["000_decision.odt", "000_decision.doc"])
@pytest.mark.skipif(legacy.soffice_path() is None,
                    reason="LibreOffice is not installed (WITH_LIBREOFFICE=1 "
                    "scripts/setup-system.sh); the missing-LibreOffice message is tested below")
def test_it_reads_legacy_formats_through_libreoffice(name):
    doc = read_document(fixture(name))
    agree, total, wrong = compare(doc, gold("000"))
    assert agree == total, wrong[:5]


def test_without_libreoffice_it_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(legacy, "soffice_path", lambda: None)
    with pytest.raises(UnreadableDocument) as info:
        read_document(fixture("000_decision.odt"))
    message = str(info.value)
    assert "\n" not in message and "LibreOffice" in message
