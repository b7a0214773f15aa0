"""The relationship scenario in a real headless Chromium against a live server, on
SQLite and PostgreSQL: connect, get the follow-up prompt, send a message, tag the
connection "mentor" in tier Inner circle, move the clock past 30 days, and find
them in "Due to reconnect"."""

from __future__ import annotations

import pytest

from kith.clock import FrozenClock
from kith.runtime import Kith
from tests.fixtures.browser import SCREENSHOTS, invite, sign_up
from tests.fixtures.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_relationship_scenario(
    browser: object,  # noqa: F811
    live_server: str,  # noqa: F811
    committed_kith: Kith,
    backend: str,
) -> None:
    from playwright.sync_api import Page, expect

    base = live_server
    ana, ana_handle, _ = sign_up(browser, base, "Ana", "Ruiz")
    ben, ben_handle, ben_email = sign_up(browser, base, "Ben", "Okafor")
    assert isinstance(ana, Page)
    assert isinstance(ben, Page)

    # Connect: Ana invites Ben with a note; Ben accepts and gets the follow-up prompt.
    invite(ana, base, ben_handle, note="Loved your talk on data quality", context="PyCon Lisbon")
    expect(ana.locator("#actions")).to_contain_text("Pending")
    ben.goto(f"{base}/mynetwork")
    ben.locator("#received").get_by_role("button", name="Accept").click()
    prompt = ben.locator("#follow-up-prompt")
    expect(prompt).to_contain_text("Say thanks and follow up")
    expect(prompt).to_contain_text("Loved your talk on data quality")
    expect(prompt).to_contain_text("How you know each other: PyCon Lisbon")

    # Ben sends a message from the prompt; Ana sees it counted in her header.
    prompt.get_by_role("button", name="Message Ana").click()
    ben.wait_for_url(f"**/messages/with/{ana_handle}")
    expect(ben.locator("#follow-up")).to_contain_text("Loved your talk on data quality")
    ben.get_by_label("Write a message").fill("Thank you for the invitation, Ana!")
    ben.get_by_role("button", name="Send").click()
    expect(ben.locator("#messages")).to_contain_text("Thank you for the invitation, Ana!")
    expect(ben.locator("#follow-up")).to_have_count(0)  # writing closes the prompt
    ana.goto(f"{base}/relationships")
    expect(ana.locator("#badge-messages")).to_have_text("1")
    expect(ana.locator("#follow-ups")).to_contain_text("Ben Okafor")

    # Ben tags Ana "mentor" and puts her in Inner circle.
    ben.goto(f"{base}/relationships/people/{ana_handle}")
    ben.get_by_label("Tier").select_option(label="Inner circle (every 30 days)")
    ben.get_by_role("button", name="Save tier").click()
    expect(ben.locator("#keep-in-touch")).to_contain_text("Every 30 days")
    ben.get_by_label("Add a tag").fill("mentor")
    ben.get_by_role("button", name="Add tag").click()
    expect(ben.locator("#tags")).to_contain_text("mentor")
    ben.goto(f"{base}/relationships")
    expect(ben.locator("#due")).to_contain_text("Nobody is due")

    # 31 days later (the server's clock, not a sleep) Ana is due; sessions have
    # expired by then, so Ben signs in again.
    clock = committed_kith.clock
    assert isinstance(clock, FrozenClock)
    clock.advance(days=31)
    ben.goto(f"{base}/relationships")
    ben.wait_for_url("**/signin?next=/relationships")
    ben.get_by_label("Email").fill(ben_email)
    ben.get_by_label("Password").fill(PASSWORD)
    ben.get_by_role("button", name="Sign in").click()
    ben.wait_for_url("**/relationships")
    due = ben.locator(f"#due-{ana_handle}")
    expect(due).to_contain_text("Ana Ruiz")
    expect(due).to_contain_text("1 day overdue")
    expect(due).to_contain_text("Inner circle")
    expect(due.get_by_role("button", name="Message", exact=True)).to_have_attribute(
        "href", f"/messages/with/{ana_handle}"
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    ben.screenshot(path=str(SCREENSHOTS / f"relationships-{backend}.png"), full_page=True)

    # One-click snooze takes her off the list.
    due.get_by_role("button", name="Snooze 14 days").click()
    expect(ben.locator("#due")).to_contain_text("Nobody is due")
