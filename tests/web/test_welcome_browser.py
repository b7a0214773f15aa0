"""A new member's first minutes in a real Chromium at phone width: sign up, the four
welcome steps (saving, going back, skipping, connecting), then home; axe-core finds
no violation on any step at 390 and 1280 px."""

from __future__ import annotations

import pytest

from kith.members import service
from kith.runtime import Kith
from tests.fixtures.axe import page_failures
from tests.fixtures.browser import SCREENSHOTS, open_connect_dialog, sign_up
from tests.fixtures.factories import make_member

pytestmark = pytest.mark.browser

WIDTHS = (390, 1280)


def _check(page: object, step: str, backend: str, failures: list[str]) -> None:
    """axe at both widths, ending at phone width; a screenshot of each."""
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 844})
        failures += page_failures(page, f"{width}px {step}")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(
            path=str(SCREENSHOTS / f"welcome-{step}-{width}-{backend}.png"), full_page=True
        )


def test_onboarding_path_at_phone_width(
    browser: object, live_server: str, committed_kith: Kith, backend: str
) -> None:
    from playwright.sync_api import Page, expect

    with committed_kith.uow() as ctx:
        colleague = make_member(ctx, "Ben", "Okafor", headline="Engineering manager")
        service.add_position(
            ctx, colleague, service.PositionInput(company="Acme", title="Manager", start_year=2018)
        )
        colleague_name = colleague.name

    base = live_server
    page, handle, _ = sign_up(browser, base, "Ana", "Ruiz", bypass_csp=True)
    assert isinstance(page, Page)
    failures: list[str] = []

    # 1. Photo and headline.
    expect(page.get_by_text("Step 1 of 4")).to_be_visible()
    expect(page.locator("form[action='/me/photo'] input[type=file][name=photo]")).to_be_attached()
    _check(page, "photo", backend, failures)
    page.get_by_label("Headline").fill("Data engineer at Acme")
    page.get_by_role("button", name="Save and continue").click()

    # 2. Current position.
    page.wait_for_url("**/welcome/position?saved=photo")
    expect(page.locator(".welcome .alert-success")).to_have_text("Your headline is saved.")
    expect(page.get_by_text("Step 2 of 4")).to_be_visible()
    _check(page, "position", backend, failures)
    page.get_by_label("Title").fill("Data engineer")
    page.get_by_label("Company").fill("Acme")
    page.get_by_label("Month").select_option("3")
    page.get_by_label("Year").fill("2021")
    page.get_by_role("button", name="Save and continue").click()

    # 3. Bring your network; Back returns to the position, which reads as done.
    page.wait_for_url("**/welcome/network?saved=position")
    expect(page.locator(".welcome .alert-success")).to_have_text("Your current position is saved.")
    expect(page.get_by_role("button", name="Import a LinkedIn export")).to_have_attribute(
        "href", "/me/data#import"
    )
    _check(page, "network", backend, failures)
    page.get_by_role("link", name="Back").click()
    page.wait_for_url("**/welcome/position")
    expect(page.get_by_text("On your profile now: Data engineer at Acme")).to_be_visible()
    page.get_by_role("link", name="Skip for now").click()
    page.wait_for_url("**/welcome/network")
    page.get_by_role("link", name="Skip for now").click()

    # 4. People you may know: the colleague at Acme, connected in place.
    page.wait_for_url("**/welcome/people")
    expect(page.get_by_text("Step 4 of 4")).to_be_visible()
    expect(page.get_by_text("You both work at Acme")).to_be_visible()
    _check(page, "people", backend, failures)
    row = page.locator(".people li.suggestion").filter(has_text=colleague_name)
    dialog = open_connect_dialog(page, row, f"Connect with {colleague_name}")
    dialog.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text(f"Invitation sent to {colleague_name}")).to_be_visible()
    page.get_by_role("button", name="Done").click()
    page.wait_for_url("**/mynetwork")

    # The profile shows its strength and what to add next.
    page.goto(f"{base}/in/{handle}")
    expect(page.locator("#profile-strength")).to_contain_text("Profile strength: Beginner")
    expect(page.locator("#profile-strength progress")).to_have_attribute("value", "35")
    _check(page, "profile", backend, failures)

    # Where a new member lands next: each says what will appear, with one next step.
    page.goto(f"{base}/insights")
    expect(page.locator("#getting-started")).to_contain_text("You have no connections yet.")
    expect(page.locator("main")).not_to_contain_text("percentile")
    _check(page, "insights", backend, failures)
    for path in ("/notifications", "/messages", "/relationships/connections"):
        page.goto(f"{base}{path}")
        expect(page.locator(".empty-state [role=button]")).to_have_count(1)
        _check(page, path.strip("/").replace("/", "-"), backend, failures)
    assert failures == [], "\n".join(failures)
