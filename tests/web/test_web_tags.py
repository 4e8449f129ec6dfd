"""Template helpers written for speed write what Django's own would: the truncation's fast
path, URLs from a pattern reversed once, badges kept per language, one-pass selects."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils import translation

from theodoi.web.forms import PlainSelect
from theodoi.web.templatetags import web_tags


@pytest.mark.parametrize("text", [
    "", "Ngắn", "x" * 60, "x" * 61, "Chuyển đổi số " * 10,
    "e\u0301" * 70,  # combining accents: not counted, and normalised as Django does
    "Cu\u0309a ta",  # not NFC: written as Django writes it (normalised)
])
def test_clip_writes_what_truncatechars_writes(text: str) -> None:
    assert web_tags.clip(text, 60) == truncatechars(text, 60)


@pytest.mark.parametrize(("name", "args"), [
    ("web:task", (7,)), ("web:task", (123456,)), ("web:agency", (3,)),
    ("web:report", (42,)),
])
def test_reversed_urls_are_the_reversed_urls(name: str, args: tuple[int, ...]) -> None:
    assert web_tags._reversed(name, args) == reverse(name, args=args)
    assert web_tags._reversed(name, args) == reverse(name, args=args)  # from the pattern


def test_a_url_with_a_text_argument_is_reversed_as_before() -> None:
    assert web_tags._reversed("web:task", ("5",)) == reverse("web:task", args=["5"])


def test_the_badge_is_written_in_the_language_of_the_page() -> None:
    vietnamese = web_tags.state_badge("overdue", "not_started")
    with translation.override("en"):
        english = web_tags.state_badge("overdue", "not_started")
    assert vietnamese != english
    assert web_tags.state_badge("overdue", "not_started") == vietnamese


def squeeze(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


@pytest.mark.parametrize("value", [None, "", "b", "c"])
def test_the_plain_select_writes_djangos_select(value: str | None) -> None:
    choices = [("", "Tất cả"), ("b", "B & <b>"), ("c", "Chủ trì")]
    attrs = {"id": "id_x"}
    plain = PlainSelect(choices=choices).render("x", value, attrs)
    django = forms.Select(choices=choices).render("x", value, attrs)
    assert squeeze(plain) == squeeze(django)
