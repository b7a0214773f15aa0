"""The email pages in a real Chromium, at 1280 and 360 px, on SQLite and PostgreSQL:
forgot password, choosing a new password from the mailed link, confirming an address,
and the email settings; every page passes axe-core and fits a 360 px screen."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kith.mail.preferences import unsubscribe_token
from kith.mail.tokens import issue_link
from kith.runtime import Kith
from tests.fixtures.browser import SCREENSHOTS, sign_in
from tests.fixtures.factories import make_member
from tests.fixtures.site import axe_violations, sideways

pytestmark = pytest.mark.browser


def _checked(page: object) -> None:
    problems = axe_violations(page)
    width = page.viewport_size["width"]  # type: ignore[attr-defined]
    if width <= 390:
        problems += [w for w in [sideways(page)] if w]
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("width", [1280, 360])
def test_forgot_reset_verify_and_email_settings(
    browser: object, live_server: str, committed_kith: Kith, width: int
) -> None:
    from playwright.sync_api import Browser, Page, expect

    assert isinstance(browser, Browser)
    base = live_server
    with committed_kith.uow() as ctx:
        kim = make_member(ctx, "Kim", "Mailer", email="kim.mailer@example.org")
        reset_token = issue_link(ctx, kim.id, "reset", kim.email, timedelta(hours=1))
        lee = make_member(ctx, "Lee", "Verifies", email="lee.verifies@example.org")
        verify_token = issue_link(ctx, lee.id, "verify", lee.email, timedelta(hours=1))
        unsubscribe = unsubscribe_token(ctx, lee.id, "messages")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()

    page.goto(f"{base}/signin")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", name="Forgot your password?")).to_be_visible()
    _checked(page)
    page.get_by_label("Email").fill("kim.mailer@example.org")
    page.get_by_role("button", name="Send me a link").click()
    expect(page.locator(".alert-success")).to_contain_text("If an account has this address")
    _checked(page)

    page.goto(f"{base}/reset-password?token={reset_token}")
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    _checked(page)
    page.screenshot(path=str(SCREENSHOTS / f"reset-password-{width}.png"))
    page.get_by_label("New password").fill("a whole new passphrase")
    page.get_by_role("button", name="Save my new password").click()
    expect(page.get_by_role("heading", name="Your password is changed")).to_be_visible()
    _checked(page)
    page.goto(f"{base}/reset-password?token={reset_token}")
    expect(page.get_by_role("alert")).to_contain_text("already used")
    _checked(page)

    page.goto(f"{base}/verify-email?token={verify_token}")
    _checked(page)
    page.get_by_role("button", name="Confirm my address").click()
    expect(page.locator(".alert-success")).to_contain_text("lee.verifies@example.org is confirmed")

    # Unsubscribing from a mailed link, signed out: one click.
    page.goto(f"{base}/unsubscribe/{unsubscribe}")
    expect(page.get_by_text("Stop receiving message emails?")).to_be_visible()
    _checked(page)
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.locator(".alert-success")).to_have_text("You no longer receive message emails.")
    _checked(page)

    # Signed in: the email settings, reached from Settings.
    signed = sign_in(browser, base, "lee.verifies@example.org", width=width, checked=True)
    assert isinstance(signed, Page)
    signed.goto(f"{base}/me/settings")
    signed.get_by_role(
        "link", name="Email: your address, notifications and the weekly digest"
    ).click()
    expect(signed.get_by_role("heading", name="Email settings")).to_be_visible()
    expect(signed.locator(".email-verified")).to_have_text("verified")
    _checked(signed)
    signed.get_by_role("switch", name="The weekly digest").uncheck()
    signed.get_by_role("button", name="Save email settings").click()
    expect(signed.locator(".alert-success")).to_have_text("Your email settings are saved.")
    expect(signed.get_by_role("switch", name="The weekly digest")).not_to_be_checked()
    expect(signed.get_by_role("switch", name="Messages while you are away")).not_to_be_checked()
    _checked(signed)
    signed.screenshot(path=str(SCREENSHOTS / f"email-settings-{width}.png"))
