"""An introduction in a real Chromium on a live server, on SQLite and PostgreSQL, with
three browsers: Ana asks on a phone (360 px), Hannah forwards at 1280 px, Alex
accepts on a phone; every page on the way passes axe-core and fits a 360 px screen."""

from __future__ import annotations

import pytest

from kith.runtime import Kith
from tests.fixtures.browser import SCREENSHOTS, sign_in
from tests.fixtures.factories import connect, make_member
from tests.fixtures.site import axe_violations, sideways

pytestmark = pytest.mark.browser


def _checked(page: object) -> None:
    problems = axe_violations(page)
    width = page.viewport_size["width"]  # type: ignore[attr-defined]
    if width <= 390:
        problems += [w for w in [sideways(page)] if w]
    assert problems == [], "\n".join(problems)


def test_ask_forward_accept_in_three_browsers(
    browser: object, live_server: str, committed_kith: Kith
) -> None:
    from playwright.sync_api import Page, expect

    base = live_server
    with committed_kith.uow() as ctx:
        ana = make_member(ctx, "Ana", "Asks", email="ana.asks@example.org")
        hannah = make_member(ctx, "Hannah", "Between", email="hannah.between@example.org")
        alex = make_member(ctx, "Alex", "Target", email="alex.target@example.org")
        connect(ctx, ana, hannah)
        connect(ctx, hannah, alex)
        alex_handle, hannah_name = alex.handle, hannah.name
    assert committed_kith.network is not None
    committed_kith.network.poll()  # the factories' connections, in the engine
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    # Ana, on a phone: the profile offers the introduction; she picks Hannah.
    ana_page = sign_in(browser, base, "ana.asks@example.org", width=360, checked=True)
    assert isinstance(ana_page, Page)
    ana_page.goto(f"{base}/in/{alex_handle}")
    ana_page.get_by_role("button", name="Ask for an introduction").click()
    ana_page.wait_for_url(f"{base}/introductions/ask/{alex_handle}")
    expect(ana_page.get_by_role("radio", name=hannah_name)).to_be_checked()
    _checked(ana_page)
    ana_page.get_by_label("Why you'd like to meet Alex").fill("We both map rivers.")
    ana_page.get_by_label("A short message for Alex").fill("Hello Alex!")
    ana_page.get_by_role("button", name="Send request").click()
    expect(ana_page.locator(".intro-status")).to_have_text("Waiting")
    _checked(ana_page)
    ana_page.screenshot(path=str(SCREENSHOTS / "introduction-asked-360.png"))

    # Hannah, at 1280 px: the request with how she knows each side; she forwards it.
    hannah_page = sign_in(browser, base, "hannah.between@example.org", checked=True)
    assert isinstance(hannah_page, Page)
    hannah_page.goto(f"{base}/introductions")
    expect(hannah_page.locator(".introduction-list")).to_contain_text(
        "asks you for an introduction"
    )
    hannah_page.get_by_role("link", name="Open of this introduction").click()
    expect(hannah_page.get_by_role("heading", name="How you know them")).to_be_visible()
    expect(hannah_page.locator("main")).to_contain_text("We both map rivers.")
    _checked(hannah_page)
    hannah_page.get_by_label("Your note for Alex").fill("Ana is great — worth talking to.")
    hannah_page.get_by_role("button", name="Forward to Alex").click()
    expect(hannah_page.locator(".intro-status")).to_have_text("Forwarded")

    # Alex, on a phone: "Introduction from Hannah: Ana" with both notes; he accepts.
    alex_page = sign_in(browser, base, "alex.target@example.org", width=360, checked=True)
    assert isinstance(alex_page, Page)
    alex_page.goto(f"{base}/notifications")
    alex_page.get_by_role("link", name="See the introduction").click()
    expect(alex_page.get_by_role("heading", level=1)).to_have_text(
        f"Introduction from {hannah_name}: Ana Asks"
    )
    expect(alex_page.locator("main")).to_contain_text("Ana is great — worth talking to.")
    expect(alex_page.locator("main")).to_contain_text("Hello Alex!")
    expect(alex_page.locator("main")).not_to_contain_text("We both map rivers.")
    _checked(alex_page)
    alex_page.screenshot(path=str(SCREENSHOTS / "introduction-received-360.png"))
    alex_page.get_by_role("button", name="Accept and connect").click()
    expect(alex_page.locator(".intro-status")).to_have_text("Accepted")

    # Ana is connected, "Introduced by Hannah", and asked to thank her.
    ana_page.goto(f"{base}/introductions")
    thanks = ana_page.locator("#thanks")
    expect(thanks).to_contain_text("connected thanks to Hannah Between")
    expect(thanks.get_by_role("button", name="Thank Hannah")).to_be_visible()
    _checked(ana_page)
    ana_page.goto(f"{base}/introductions?tab=made")
    expect(ana_page.locator(".intro-status")).to_have_text("Connected")
    with committed_kith.uow(write=False) as ctx:
        from kith.connections.queries import connection_between

        made = connection_between(ctx.session, ana.id, alex.id)
        assert made is not None
        assert made.context == f"Introduced by {hannah_name}"
