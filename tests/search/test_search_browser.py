"""Search by company and 2nd degree in a real headless Chromium, open a result and
connect; then people you may know on My Network. Against a live server, on SQLite
and PostgreSQL."""

from __future__ import annotations

import pytest

from kith.runtime import Kith
from tests.fixtures.browser import CHROMIUM, SCREENSHOTS, open_connect_dialog
from tests.fixtures.factories import PASSWORD, connect, make_member
from tests.fixtures.search import profile

pytestmark = pytest.mark.browser
assert CHROMIUM


def test_search_by_company_and_second_degree_then_connect(
    browser: object,  # noqa: F811
    live_server: str,  # noqa: F811
    committed_kith: Kith,
    backend: str,
) -> None:
    from playwright.sync_api import Browser, expect

    assert isinstance(browser, Browser)
    with committed_kith.uow() as ctx:
        ana = make_member(ctx, "Ana", "Ruiz", email="ana@example.org")
        ben = make_member(ctx, "Ben", "Okafor")
        cleo = make_member(ctx, "Cleo", "Park")
        dev = make_member(ctx, "Dev", "Shah")
        connect(ctx, ana, ben)
        connect(ctx, ben, cleo)
        profile(ctx, cleo, headline="Designer", positions=[("Globex", "Designer", 2021, 1)])
        profile(ctx, dev, headline="Designer", positions=[("Globex", "Designer", 2020, 1)])
        cleo_handle = cleo.handle

    base = live_server
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{base}/signin")
    page.get_by_label("Email").fill("ana@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")

    # The header's search box suggests names as you type.
    page.get_by_role("search").first.get_by_placeholder("Search people").fill("cle")
    expect(page.locator("#typeahead")).to_contain_text("Cleo Park")

    page.goto(f"{base}/search")
    form = page.locator("#search-form")
    form.get_by_label("Current company").fill("Globex")
    form.get_by_role("button", name="Search").click()
    results = page.locator("#results")
    expect(results).to_contain_text("2 results")
    # the company now lives on as a ticked facet beside the results
    expect(results.get_by_label("Globex")).to_be_checked()
    expect(form.get_by_label("Current company")).to_have_value("")
    form.get_by_label("2nd").check()  # results update in place
    expect(results).to_contain_text("1 result")
    expect(results).to_contain_text("Cleo Park")
    expect(results).not_to_contain_text("Dev Shah")
    expect(results).to_contain_text("Ben Okafor is a shared connection")
    expect(results.locator(".degree")).to_have_text("· 2nd")
    assert "company=Globex" in page.url
    assert "network=2" in page.url  # the filters are in the (shareable) address

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"search-{backend}.png"), full_page=True)
    # Open the result and connect from the profile.
    results.get_by_role("link", name="Cleo Park").click()
    page.wait_for_url(f"**/in/{cleo_handle}")
    actions = page.locator("#actions")
    open_connect_dialog(page, actions).get_by_role("button", name="Send invitation").click()
    expect(actions).to_contain_text("Pending")

    # Back on the results, Cleo reads as pending; Dev can be invited in place.
    page.goto(f"{base}/search?company=Globex")
    row = page.locator("#results li", has_text="Dev Shah")
    dialog = open_connect_dialog(page, row, "Connect with Dev Shah")
    dialog.get_by_role("button", name="Send invitation").click()
    expect(row).to_contain_text("Pending")
    expect(page.locator("#toasts")).to_contain_text("Invitation sent to Dev Shah")
    expect(page.locator("#results li", has_text="Cleo Park")).to_contain_text("Pending")

    # People you may know on My Network: nobody left with a reason to suggest but
    # the panel says so, and the page works.
    page.goto(f"{base}/mynetwork")
    expect(page.locator("#pymk")).to_contain_text("People you may know")
    context.close()
