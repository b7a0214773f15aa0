"""Single sign-on and two-factor sign-in in a real Chromium, on both databases: a new
person signs in through the identity provider (the whole redirect flow), sets up
two-factor sign-in from the QR code's key, and the next sign-in through the provider
asks for the code, at a desktop and a phone width. Every page passes axe-core and fits
its width."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kith.accounts import two_factor
from kith.app import create_app
from kith.clock import FrozenClock
from kith.config import Settings
from kith.db import Database
from kith.runtime import Kith
from tests.fixtures.axe import page_failures
from tests.fixtures.live import serve
from tests.fixtures.oidc import PROVIDER_NAME, provider_user, sso_settings
from tests.fixtures.two_factor import code_at

pytestmark = pytest.mark.browser


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime.now(UTC))  # ID tokens carry the provider's real times


@pytest.fixture
def settings(database: Database, tmp_path: Path, oidc_provider: str) -> Settings:
    return sso_settings(database.url, tmp_path, oidc_provider)


@pytest.fixture
def sso_server(committed_kith: Kith) -> Iterator[str]:
    """The app served on a free port, its base URL (the provider's redirect target)."""
    with serve(create_app(committed_kith)) as base:
        committed_kith.settings = committed_kith.settings.model_copy(update={"base_url": base})
        yield base


def through_provider(page: object, base: str, sub: str) -> None:
    """From Kith's sign-in page, sign in at the provider as ``sub``."""
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    page.goto(f"{base}/signin")
    page.get_by_role("button", name=f"Sign in with {PROVIDER_NAME}").click()
    page.wait_for_url("**/oauth2/authorize**")
    page.locator("input[name=sub]").first.fill(sub)
    page.get_by_role("button", name="Authorize").click()


def test_sign_in_with_the_provider_then_with_a_second_factor(
    browser: object,
    sso_server: str,
    oidc_provider: str,
    committed_kith: Kith,
    clock: FrozenClock,
) -> None:
    from playwright.sync_api import Browser, expect

    assert isinstance(browser, Browser)
    base = sso_server
    sub = f"grace-{uuid.uuid4().hex}"
    provider_user(
        oidc_provider,
        sub,
        email=f"{sub}@acme.example",
        email_verified=True,
        given_name="Grace",
        family_name="Hopper",
    )
    failures: list[str] = []

    desk = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    desk.set_default_timeout(30_000)
    page = desk.new_page()
    page.goto(f"{base}/signin")
    failures += page_failures(page, "sign-in with a provider, 1280")
    through_provider(page, base, sub)
    page.wait_for_url(f"{base}/welcome**")
    expect(page.get_by_role("heading", name="Welcome to Kith, Grace")).to_be_visible()

    page.goto(f"{base}/settings/two-factor")
    failures += page_failures(page, "two-factor off, 1280")
    page.get_by_role("button", name="Set up two-factor sign-in").click()
    expect(page.locator(".qr-code svg")).to_be_visible()
    failures += page_failures(page, "two-factor set-up, 1280")
    secret = page.locator("#totp-secret").inner_text().strip()
    page.get_by_label("Code from your app").fill(code_at(secret, clock))
    page.get_by_role("button", name="Turn on").click()
    expect(page.locator("#recovery-codes li")).to_have_count(two_factor.RECOVERY_CODES)
    failures += page_failures(page, "recovery codes, 1280")
    desk.close()

    clock.advance(seconds=two_factor.STEP_SECONDS)
    phone = browser.new_context(viewport={"width": 360, "height": 800}, bypass_csp=True)
    phone.set_default_timeout(30_000)
    page = phone.new_page()
    page.goto(f"{base}/signin")
    failures += page_failures(page, "sign-in with a provider, 360")
    through_provider(page, base, sub)
    page.wait_for_url(f"{base}/signin/two-factor")
    failures += page_failures(page, "code after the provider, 360")
    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("not right")
    page.get_by_label("Code from your authenticator app").fill(code_at(secret, clock))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/signin" not in url)
    page.goto(f"{base}/settings/two-factor")
    expect(page.get_by_role("heading", name="On")).to_be_visible()
    failures += page_failures(page, "two-factor on, 360")
    phone.close()
    assert failures == []
