"""The Content-Security-Policy in a real Chromium: the main pages and the API
explorer load without a single violation, and htmx still works under it."""

from __future__ import annotations

import pytest

from kith.runtime import Kith
from tests.fixtures.browser import open_connect_dialog
from tests.fixtures.factories import PASSWORD, make_member

pytestmark = pytest.mark.browser

WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def test_pages_load_without_policy_violations_and_htmx_works(
    browser: object,  # noqa: F811
    live_server: str,  # noqa: F811
    committed_kith: Kith,
) -> None:
    from playwright.sync_api import Browser, expect

    assert isinstance(browser, Browser)
    base = live_server
    with committed_kith.uow() as ctx:
        ana = make_member(ctx, "Ana", "Lopez", email="ana.csp@example.org")
        ben = make_member(ctx, "Benedikt", "Okafor")
        ana_handle, ben_handle = ana.handle, ben.handle
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    context.add_init_script(WATCH)
    page = context.new_page()
    console: list[str] = []
    page.on(
        "console",
        lambda message: console.append(message.text) if message.type == "error" else None,
    )

    def clean(where: str) -> None:
        assert page.evaluate("window.__violations") == [], where
        refused = [m for m in console if "Content Security Policy" in m or "Refused" in m]
        assert refused == [], where

    page.goto(f"{base}/signin")
    clean("/signin")
    page.get_by_label("Email").fill("ana.csp@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/signin" not in url)
    # htmx read its configuration and injected no style of its own.
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False
    assert page.evaluate("htmx.config.allowEval") is False
    assert page.evaluate("document.querySelectorAll('head style').length") == 0

    for path in (
        "/mynetwork",
        f"/in/{ana_handle}",
        "/me/edit",
        "/search?q=Benedikt",
        "/messages",
        "/relationships",
        "/insights",
        "/notifications",
        "/me/data",
        "/no/such/page",
    ):
        page.goto(f"{base}{path}")
        page.wait_for_load_state("networkidle")
        clean(path)

    # scripts under the policy: the header's typeahead fetches and shows its options...
    page.goto(f"{base}/mynetwork")
    page.get_by_role("combobox", name="Search people").fill("Benedikt")
    expect(
        page.get_by_role("option").and_(page.locator(f"[data-href='/in/{ben_handle}']"))
    ).to_be_visible()
    clean("typeahead")
    # ...and a form posted by htmx swaps in its answer without a page load.
    page.goto(f"{base}/in/{ben_handle}")
    actions = page.locator("#actions")
    open_connect_dialog(page, actions).get_by_role("button", name="Send invitation").click()
    expect(actions).to_contain_text("Pending")
    clean("invite")

    page.goto(f"{base}/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Kith")
    clean("/docs")
    context.close()
