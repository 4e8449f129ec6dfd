"""Every main page on a phone (390x844) and on a desktop in headless Chromium: nothing
scrolls sideways, every button is on screen, the menu folds; printed, the navigation and the
forms go and the status colours stay.

Full-page screenshots go to artifacts/screenshots/{phone,desktop}-<page>.png for a person to
look at; the widths and heights measured go to artifacts/screenshots/sizes.json.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.main_pages import PAGES, MainPage, page_data, page_id, url_of  # noqa: F401
from tests.web.test_browser import SHOTS, browser  # noqa: F401

pytestmark = pytest.mark.slow

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
SIZES = {"phone": PHONE, "desktop": DESKTOP}

# Buttons and links the reader cannot reach: off the screen sideways, and not inside a box
# that scrolls sideways on its own (a wide table's wrapper is fine: it scrolls).
UNREACHABLE = """() => {
  const width = window.innerWidth, out = [];
  const controls = 'a, button, input, select, textarea, summary, label';
  for (const el of document.querySelectorAll(controls)) {
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) continue;
    let up = el.parentElement, scrolls = false;
    while (up && up !== document.body) {
      const x = getComputedStyle(up).overflowX;
      if ((x === 'auto' || x === 'scroll') && up.scrollWidth > up.clientWidth) {
        scrolls = true;
        break;
      }
      up = up.parentElement;
    }
    if (!scrolls && (box.right > width + 1 || box.left < -1)) out.push(el.outerHTML.slice(0, 160));
  }
  return out;
}"""


@pytest.fixture
def open_page(browser: Any, live_server: Any, page_data: dict[str, Any]) -> Iterator[Any]:  # noqa: F811
    """open_page(main_page, viewport) -> a browser page showing it, signed in as its user."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    SHOTS.mkdir(parents=True, exist_ok=True)
    contexts = []

    def open_(main: MainPage, viewport: dict[str, int], media: str = "screen") -> Any:
        context = browser.new_context(viewport=viewport, locale="vi-VN")
        contexts.append(context)
        if main.user is not None:
            client = Client()
            client.force_login(get_user_model().objects.get(username=main.user))
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                                  "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.emulate_media(media=media)
        response = page.goto(live_server.url + url_of(main, page_data))
        assert response is not None and response.status == 200, (main.name, page.url)
        page.wait_for_load_state("load")
        return page

    yield open_
    for context in contexts:
        context.close()


def measure(page: Any) -> dict[str, int]:
    return page.evaluate("""() => ({
      scroll_width: document.documentElement.scrollWidth, inner_width: window.innerWidth,
      height: document.documentElement.scrollHeight})""")


def record(key: str, sizes: dict[str, int]) -> None:
    path = SHOTS / "sizes.json"
    known = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    known[key] = sizes
    path.write_text(json.dumps(known, indent=1, sort_keys=True), encoding="utf-8")


@pytest.mark.parametrize("device", list(SIZES))
@pytest.mark.parametrize("main", PAGES, ids=page_id)
def test_no_page_scrolls_sideways_and_every_control_is_on_screen(
        open_page: Any, main: MainPage, device: str) -> None:
    page = open_page(main, SIZES[device])
    sizes = measure(page)
    record(f"{device}-{main.name}", sizes)
    page.screenshot(path=str(SHOTS / f"{device}-{main.name}.png"), full_page=True)
    assert sizes["scroll_width"] <= sizes["inner_width"], sizes
    assert page.evaluate(UNREACHABLE) == []


def test_on_a_phone_the_menu_folds_and_opens_to_every_link_and_the_sign_out(
        open_page: Any, page_data: dict[str, Any]) -> None:  # noqa: F811
    page = open_page(PAGES[1], PHONE)
    nav = page.locator("header nav.main")
    sign_out = page.locator("header form[action='/logout/'] button")
    assert not nav.is_visible() and not sign_out.is_visible()
    page.click("header .menu-button")
    assert nav.is_visible() and sign_out.is_visible()
    for link in [*nav.locator("a").all(), sign_out]:
        box = link.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    page.screenshot(path=str(SHOTS / "phone-menu-open.png"), full_page=True)
    page.click("header .menu-button")
    assert not nav.is_visible()
    page.click("header .menu-button")
    sign_out.click()
    page.wait_for_url("**/login/")


def test_on_a_desktop_the_menu_shows_without_a_button(open_page: Any) -> None:
    page = open_page(PAGES[1], DESKTOP)
    assert page.locator("header nav.main").is_visible()
    assert page.locator("header form[action='/logout/'] button").is_visible()
    assert not page.locator("header .menu-button").is_visible()


FOCUSED = """() => {
  const el = document.activeElement, style = getComputedStyle(el);
  return {html: el.outerHTML.slice(0, 100), top: el.getBoundingClientRect().top,
          outline: style.outlineStyle, width: parseFloat(style.outlineWidth)};
}"""


def test_the_first_tab_shows_the_skip_link_and_it_leads_past_the_menu(open_page: Any) -> None:
    page = open_page(PAGES[1], PHONE)
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED)
    assert 'class="skip-link"' in focused["html"] and focused["top"] >= 0, focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_every_control_shows_where_the_keyboard_is(open_page: Any) -> None:
    page = open_page(next(p for p in PAGES if p.name == "task-detail"), DESKTOP)
    seen = 0
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement === document.body"):
            break  # past the last control
        focused = page.evaluate(FOCUSED)
        assert focused["outline"] != "none" and focused["width"] >= 2, focused
        seen += 1
    assert seen >= 20  # the menu's and the page's controls, not a page that lost focus


@pytest.mark.parametrize("name", ["task-detail", "agency-detail", "plan-detail"])
def test_printed_pages_drop_navigation_and_forms_and_keep_status_colours(
        open_page: Any, name: str) -> None:
    main = next(p for p in PAGES if p.name == name)
    page = open_page(main, DESKTOP, media="print")
    assert page.evaluate("matchMedia('print').matches")
    for selector in ("header.top", "header nav.main", "main form", "main .button", "footer"):
        assert all(not el.is_visible() for el in page.locator(selector).all()), selector
    badge = page.locator("main .badge[class*='st-']").first
    assert badge.evaluate("el => getComputedStyle(el).printColorAdjust") == "exact"
    assert badge.evaluate("el => getComputedStyle(el).backgroundColor") != "rgba(0, 0, 0, 0)"
    # A link prints as its text: no address after it.
    assert page.evaluate("""() => [...document.querySelectorAll('main a[href]')]
        .map(a => getComputedStyle(a, '::after').content)
        .filter(c => c && c !== 'none' && c !== 'normal')""") == []
    page.pdf(path=str(SHOTS / f"print-{name}.pdf"), format="A4", print_background=True)
