"""The header's search box as a WAI-ARIA combobox, and the search page at phone and
desktop widths, in a real headless Chromium against a live server (SQLite and
PostgreSQL): keys, axe-core with the list open, the "Filters" panel, "Connections
of" by name, and not one console error on the way."""

from __future__ import annotations

from pathlib import Path

import pytest

from kith.runtime import Kith
from tests.fixtures.browser import CHROMIUM, SCREENSHOTS
from tests.fixtures.factories import PASSWORD, connect, make_member

pytestmark = pytest.mark.browser
assert CHROMIUM

AXE = Path(__file__).resolve().parents[2] / "src" / "kith" / "static" / "vendor" / "axe.min.js"
# What sticks out of the page's content to the right (the header is the frame's).
WIDE = """[...document.querySelectorAll("main *")]
  .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(0, 8)
  .map((e) => `${e.tagName}.${e.className}#${e.id}`)"""


def _axe(page: object, where: str) -> list[str]:
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("axe.run(document).then(r => r.violations)")
    return [f"{where}: {v['id']} {[str(n['target']) for n in v['nodes']][:4]}" for v in found]


def test_header_search_is_a_combobox_and_search_fits_a_phone(
    browser: object,  # noqa: F811
    live_server: str,  # noqa: F811
    committed_kith: Kith,
    backend: str,
) -> None:
    from playwright.sync_api import Browser, expect

    assert isinstance(browser, Browser)
    with committed_kith.uow() as ctx:
        ana = make_member(ctx, "Ana", "Ruiz", email="ana.combo@example.org")
        carla = make_member(ctx, "Carla", "Mendes", headline="Head of data at Globex")
        carlos = make_member(ctx, "Carlos", "Ortiz", headline="Product designer")
        carmen = make_member(ctx, "Carmen", "Vidal", headline="Chef")
        dan = make_member(ctx, "Dan", "Okafor", headline="Engineer")
        connect(ctx, ana, carla)
        connect(ctx, carla, carlos)
        connect(ctx, carla, dan)
        carla_handle, carlos_handle = carla.handle, carlos.handle
        assert carmen.handle

    base = live_server
    # axe is injected, so the script policy is bypassed for this context (the policy
    # itself is tested in test_security_browser).
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems: list[str] = []

    def console(message: object) -> None:
        text = str(getattr(message, "text", ""))
        # a failed load is told by the response below, with its address
        if getattr(message, "type", "") == "error" and not text.startswith("Failed to load"):
            problems.append(text)
        elif "htmx:" in text:
            problems.append(text)

    def response(answer: object) -> None:
        url, status = str(getattr(answer, "url", "")), int(getattr(answer, "status", 0))
        if status >= 400 and not url.endswith("/favicon.ico"):  # the icon is the layout's
            problems.append(f"{status} {url}")

    page.on("console", console)
    # htmx tells a malformed hx-* attribute by an event; make it a console error
    page.add_init_script(
        "document.addEventListener('htmx:syntax:error',"
        " (e) => console.error('htmx:syntax:error', e.target && e.target.id))"
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("response", response)
    page.goto(f"{base}/signin")
    page.get_by_label("Email").fill("ana.combo@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/signin" not in url)

    box = page.get_by_role("combobox", name="Search people")
    listbox = page.locator(f"#{box.get_attribute('aria-controls')}")
    failures: list[str] = []
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{base}/search")
        box.fill("car")
        expect(listbox.get_by_role("option")).to_have_count(4)  # three people, "See all"
        expect(box).to_have_attribute("aria-expanded", "true")
        expect(page.get_by_role("status").filter(has_text="3 people")).to_have_count(1)
        names = listbox.locator(".option-name")
        expect(names.nth(0)).to_contain_text("Carla Mendes")  # nearest first
        expect(names.nth(1)).to_contain_text("Carlos Ortiz")
        expect(listbox.get_by_role("option").last).to_have_text("See all results for “car”")
        # one column inside the panel
        boxes = [listbox.get_by_role("option").nth(i).bounding_box() for i in range(4)]
        panel = listbox.bounding_box()
        assert panel is not None
        assert all(b is not None for b in boxes)
        assert len({round(b["x"]) for b in boxes if b}) == 1
        assert all(b["y"] < n["y"] for b, n in zip(boxes, boxes[1:], strict=False) if b and n)
        assert panel["x"] >= 0
        assert panel["x"] + panel["width"] <= width
        box.press("ArrowDown")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"combobox-{width}-{backend}.png"))
        failures += _axe(page, f"{width}px open combobox")
    assert failures == [], "\n".join(failures)

    # Keys: ArrowDown twice makes the second option active; Enter opens that profile.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/search")
    box.fill("car")
    options = listbox.get_by_role("option")
    expect(options).to_have_count(4)
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", options.nth(0).get_attribute("id") or "")
    box.press("ArrowDown")
    second = options.nth(1)
    expect(second).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", second.get_attribute("id") or "-")
    expect(box).to_be_focused()
    box.press("ArrowUp")
    box.press("ArrowUp")
    expect(options.last).to_have_attribute("aria-selected", "true")  # it wraps around
    box.press("ArrowDown")
    box.press("ArrowDown")
    expect(second).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    page.wait_for_url(f"**/in/{carlos_handle}")

    # Escape closes the list; a second Escape empties the box; a click outside closes.
    box.fill("car")
    expect(listbox).to_be_visible()
    box.press("ArrowDown")
    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    assert box.get_attribute("aria-activedescendant") is None
    expect(box).to_have_value("car")
    box.press("Escape")
    expect(box).to_have_value("")
    box.fill("car")
    expect(listbox).to_be_visible()
    page.locator("main h1").first.click()
    expect(listbox).to_be_hidden()
    # Nobody by that name: a single option searches the words, and it is said.
    box.fill("zzqx")
    expect(listbox.locator("[role=option]")).to_have_count(1)
    expect(listbox.locator("[role=option]")).to_have_text("Search for “zzqx”")
    expect(page.get_by_role("status").filter(has_text="No one by that name")).to_have_count(1)
    box.fill("car")
    expect(listbox.locator("[role=option]")).to_have_count(4)
    page.locator("main h1").first.click()
    # Enter with no active option searches.
    box.click()
    box.press("Enter")
    page.wait_for_url("**/search?q=car")
    expect(page.locator("#results")).to_contain_text("3 results for “car”")

    # The search page on a phone: the results first, the filters behind a button.
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{base}/search?q=car&first_name=&title=&company=&industry=")
    assert page.url.endswith("/search?q=car")  # the empty fields are dropped
    toggle = page.get_by_role("button", name="Filters")
    expect(toggle).to_be_visible()
    filters = page.locator("#search-filters")
    expect(filters).to_be_hidden()
    expect(page.locator("#results")).to_be_in_viewport()
    sideways = page.evaluate(WIDE)
    assert sideways == [], sideways
    page.screenshot(path=str(SCREENSHOTS / f"search-360-{backend}.png"))
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(filters).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / f"search-filters-360-{backend}.png"), full_page=True)
    failures += _axe(page, "360px search with filters open")
    # A ticked network filter counts on the button; the address has no empty field.
    filters.get_by_label("1st").check()
    expect(page.locator("#results")).to_contain_text("1 result for “car”")
    expect(toggle).to_contain_text("1")
    assert "network=1" in page.url
    assert "first_name" not in page.url
    assert "industry" not in page.url

    # "Connections of" takes a name: pick Carla from its list, the URL gets her handle.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/search")
    who = page.get_by_role("combobox", name="Connections of")
    who.fill("Carla")
    picks = page.locator("#connections-of-list").get_by_role("option")
    expect(picks).to_have_count(1)
    who.press("ArrowDown")
    who.press("Enter")
    results = page.locator("#results")
    expect(results).to_contain_text("2 results")
    expect(results).to_contain_text("Carlos Ortiz")
    expect(results).to_contain_text("Dan Okafor")
    expect(who).to_have_value("Carla Mendes")
    page.wait_for_url(f"**/search?connections_of={carla_handle}")
    page.screenshot(path=str(SCREENSHOTS / f"search-connections-of-{backend}.png"), full_page=True)
    failures += _axe(page, "1280px search by connections of")
    # A typed name that fits several members asks which one; nobody reads as such.
    who.fill("Car")
    expect(picks).to_have_count(3)
    who.press("Escape")
    who.press("Enter")
    expect(results).to_contain_text("Which one?")
    page.screenshot(path=str(SCREENSHOTS / f"search-which-one-{backend}.png"))
    results.get_by_role("link", name="Carla Mendes").click()
    expect(results).to_contain_text("Carlos Ortiz")
    page.goto(f"{base}/search?connections_of=Zelda")
    expect(results).to_contain_text("No member you can find is called 'Zelda'.")
    failures += _axe(page, "1280px connections of nobody")
    assert failures == [], "\n".join(failures)
    assert problems == [], problems
    context.close()
