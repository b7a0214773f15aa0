"""Your network map in a real Chromium on a live server, on SQLite and PostgreSQL: at
1280 px the picture is sketched, then drawn by sigma, which the page loads itself
(under the pages' Content-Security-Policy), zooms, finds a
person and opens their record or profile on a click; at 390 and 360 px the circles come
first and the picture on demand; every view passes axe-core and fits the screen."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from kith.runtime import Kith
from tests.fixtures.browser import SCREENSHOTS, sign_in
from tests.fixtures.network_map import vic_story
from tests.fixtures.site import axe_violations, sideways

pytestmark = pytest.mark.browser

DRAWN = "#netmap[data-drawn='true']"


def _checked(page: object) -> None:
    problems = axe_violations(page)
    width = page.viewport_size["width"]  # type: ignore[attr-defined]
    if width <= 390:
        problems += [w for w in [sideways(page)] if w]
    assert problems == [], "\n".join(problems)


def _ratio(page: object) -> float:
    """The camera's zoom ratio (1: the whole map; smaller: closer)."""
    return float(page.evaluate("() => window.kithNetmap.renderer.getCamera().ratio"))  # type: ignore[attr-defined]


def _until(check: Callable[[], bool], timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.05)


def test_the_map_in_chromium(browser: object, live_server: str, committed_kith: Kith) -> None:
    from playwright.sync_api import Page, expect

    base = live_server
    with committed_kith.uow() as ctx:
        people = vic_story(ctx, emails=True)
        handles = {n: m.handle for n, m in people.items()}
    assert committed_kith.network is not None
    committed_kith.network.poll()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    # 1280 px, with the Content-Security-Policy the pages are served with.
    page = sign_in(browser, base, "vic.map@example.org")
    assert isinstance(page, Page)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}/insights/map")
    expect(page.locator(DRAWN)).to_be_attached()
    # The sketch came first (its frame before sigma's) and sigma took its place.
    shown, working = page.evaluate(
        "() => [window.kithNetmap.shownAt, window.kithNetmap.interactiveAt]"
    )
    assert 0 < shown < working
    assert page.locator("#netmap .netmap-sketch").count() == 0
    assert page.evaluate("() => window.kithNetmap.graph.order") == 12
    assert page.evaluate("() => window.kithNetmap.graph.size") == 18
    assert errors == []
    page.screenshot(path=str(SCREENSHOTS / "network-map-1280.png"))

    before = _ratio(page)
    page.get_by_role("button", name="Zoom in").click()
    _until(lambda: _ratio(page) < before)
    page.get_by_role("button", name="Whole map").click()
    _until(lambda: _ratio(page) == 1)

    # The names to pick from come with the map: one per person on it.
    assert page.locator("#netmap-people option").count() == 12
    assert page.locator("#netmap-people option[value='U3 Map']").count() == 1
    page.get_by_label("Find a person on the map").fill("U3 Map")
    page.get_by_role("button", name="Find", exact=True).click()
    person = page.locator("#netmap-person")
    expect(person).to_contain_text("U3 Map")
    person.get_by_role("link", name="Your record").click()
    page.wait_for_url(f"{base}/relationships/people/{handles['U3']}")

    # Hover and click a dot where sigma drew it.
    page.goto(f"{base}/insights/map")
    expect(page.locator(DRAWN)).to_be_attached()
    lou = people["Lou"].id
    page.locator("#netmap").scroll_into_view_if_needed()
    spot = page.evaluate(
        """(id) => { const r = window.kithNetmap.renderer;
        const d = r.getNodeDisplayData(String(id)); return r.framedGraphToViewport(d); }""",
        lou,
    )
    box = page.locator("#netmap").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 5, box["y"] + 5)
    page.mouse.move(box["x"] + spot["x"], box["y"] + spot["y"], steps=8)
    expect(page.locator("#netmap")).to_have_attribute("title", "Lou Map")
    page.mouse.click(box["x"] + spot["x"], box["y"] + spot["y"])
    expect(person).to_contain_text("Lou Map")
    person.get_by_role("link", name="Profile").click()
    page.wait_for_url(f"{base}/in/{handles['Lou']}")
    page.context.close()

    # axe at 1280 px, with the picture drawn.
    page = sign_in(browser, base, "vic.map@example.org", checked=True)
    assert isinstance(page, Page)
    page.goto(f"{base}/insights/map")
    expect(page.locator(DRAWN)).to_be_attached()
    _checked(page)
    page.context.close()

    # sigma unreachable: the sketch stays as the picture.
    page = sign_in(browser, base, "vic.map@example.org")
    assert isinstance(page, Page)
    page.route("**/sigma.min.js", lambda route: route.abort())
    page.goto(f"{base}/insights/map")
    expect(page.locator("#netmap[data-sketched='true'] .netmap-sketch")).to_be_attached()
    page.wait_for_load_state("load")
    assert page.locator(DRAWN).count() == 0
    page.context.close()

    # Phones: the circles first, the picture when asked for.
    for width in (390, 360):
        page = sign_in(browser, base, "vic.map@example.org", width=width, checked=True)
        assert isinstance(page, Page)
        page.goto(f"{base}/insights/map")
        expect(page.locator("#circles")).to_be_visible()
        expect(page.locator(".netmap-circles li").first).to_contain_text("Acme 2018–2022")
        expect(page.locator("#netmap")).to_be_hidden()
        _checked(page)
        page.get_by_role("button", name="Show the picture").click()
        expect(page.locator(DRAWN)).to_be_attached()
        _checked(page)
        page.screenshot(path=str(SCREENSHOTS / f"network-map-{width}.png"), full_page=True)
        page.context.close()
