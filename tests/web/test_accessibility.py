"""Every main page as a screen reader or a keyboard meets it: the language is declared, a
skip link leads to the content, and every form field has a name a reader can say.

A field is named by a <label for> pointing at it, a <label> around it, or aria-label /
aria-labelledby (all three are what the HTML accessibility mapping accepts). The pages are
the table of tests/web/main_pages.py, read with the Django test client.
"""

from __future__ import annotations

from typing import Any

import lxml.html
import pytest
from django.test import Client

from tests.web.main_pages import PAGES, MainPage, page_data, page_id, url_of  # noqa: F401

UNNAMED_TYPES = {"hidden", "submit", "button", "reset", "image"}


def fetch(main: MainPage, data: dict[str, Any]) -> Any:
    from django.contrib.auth import get_user_model

    client = Client()
    if main.user is not None:
        client.force_login(get_user_model().objects.get(username=main.user))
    response = client.get(url_of(main, data))
    assert response.status_code == 200, (main.name, response.status_code)
    return lxml.html.fromstring(response.content.decode())


def unnamed_fields(root: Any) -> list[str]:
    """The form fields a screen reader could only call "edit text" (their HTML, shortened)."""
    labelled = {label.get("for") for label in root.iter("label") if label.get("for")}
    missing = []
    for field in root.iter("input", "select", "textarea"):
        if field.tag == "input" and (field.get("type") or "text").lower() in UNNAMED_TYPES:
            continue
        named = (
            (field.get("id") and field.get("id") in labelled)
            or any(a.tag == "label" for a in field.iterancestors())
            or (field.get("aria-label") or "").strip()
            or (field.get("aria-labelledby") or "").strip()
        )
        if not named:
            missing.append(lxml.html.tostring(field, encoding="unicode", with_tail=False)[:160])
    return missing


@pytest.mark.parametrize("main", PAGES, ids=page_id)
def test_every_form_field_has_a_label(main: MainPage, page_data: dict[str, Any]) -> None:  # noqa: F811
    assert unnamed_fields(fetch(main, page_data)) == []


@pytest.mark.parametrize("main", PAGES, ids=page_id)
def test_every_page_declares_its_language_and_leads_past_the_menu(
        main: MainPage, page_data: dict[str, Any]) -> None:  # noqa: F811
    root = fetch(main, page_data)
    assert root.get("lang") == "vi"
    first_link = next(root.iter("a"))
    assert "skip-link" in first_link.get("class", "").split()
    assert first_link.get("href") == "#main"
    assert len(root.xpath("//main[@id='main']")) == 1


def test_the_label_check_finds_an_unnamed_field() -> None:
    page = lxml.html.fromstring(
        "<html><body><form><label for='a'>A</label><input id='a'>"
        "<label>B <select name='b'></select></label><input aria-label='C' name='c'>"
        "<input type='hidden' name='d'><input name='e' placeholder='only a placeholder'>"
        "</form></body></html>")
    assert unnamed_fields(page) == ['<input name="e" placeholder="only a placeholder">']
