"""The issue's scenario in a real headless Chromium, against a live server, on
SQLite and PostgreSQL. Under CI a missing Chromium fails the test."""

from __future__ import annotations

import httpx
import pytest

from tests.fixtures.browser import SCREENSHOTS, invite, sign_up
from tests.fixtures.factories import PASSWORD

pytestmark = pytest.mark.browser


def _api_detail(base: str, email: str, to: str) -> str:
    """What the REST API answers to the same invitation."""
    with httpx.Client(base_url=base) as api:
        token = api.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        refused = api.post("/api/v1/invitations", json={"to": to}, headers=headers)
        assert refused.status_code == 409, refused.text
        return str(refused.json()["detail"])


def test_connection_scenario(browser: object, live_server: str, backend: str) -> None:
    from playwright.sync_api import Page, expect

    base = live_server
    ana, ana_handle, ana_email = sign_up(browser, base, "Ana", "Ruiz")
    ben, ben_handle, _ = sign_up(browser, base, "Ben", "Okafor")
    cleo, cleo_handle, _ = sign_up(browser, base, "Cleo", "Park")
    for page in (ana, ben, cleo):
        assert isinstance(page, Page)

    # Ana skips the welcome steps and fills in her whole profile.
    ana.goto(f"{base}/me/edit")
    ana.get_by_label("Headline").fill("Data engineer at Acme Analytics")
    ana.locator("input[name=location]").fill("Lisbon, Portugal")
    ana.locator("input[name=industry]").fill("Technology")
    ana.locator("textarea[name=about]").fill("I build data platforms and mentor new engineers.")
    ana.locator("input[name='positions-0-title']").fill("Data engineer")
    ana.locator("input[name='positions-0-company']").fill("Acme Analytics")
    ana.locator("select[name='positions-0-start_month']").select_option("3")
    ana.locator("input[name='positions-0-start_year']").fill("2019")
    ana.locator("input[name='positions-0-current']").check()
    ana.get_by_role("button", name="+ Add position").click()
    ana.locator("input[name='positions-1-title']").fill("Analyst")
    ana.locator("input[name='positions-1-company']").fill("Initech")
    ana.locator("input[name='positions-1-start_year']").fill("2015")
    ana.locator("input[name='positions-1-end_year']").fill("2019")
    ana.locator("input[name='education-0-school']").fill("University of Lisbon")
    ana.locator("input[name='education-0-degree']").fill("MSc Computer Science")
    ana.locator("input[name='education-0-end_year']").fill("2015")
    ana.get_by_label("Skills, separated by commas").fill("Python, SQL, Data modelling")
    ana.get_by_role("button", name="Save").click()
    ana.wait_for_url(f"**/in/{ana_handle}")
    expect(ana.locator(".headline")).to_have_text("Data engineer at Acme Analytics")
    expect(ana.get_by_text("Mar 2019 – Present")).to_be_visible()

    # Ana invites Ben with a note; Ben accepts on My Network; both see the connection.
    invite(ana, base, ben_handle, note="Great meeting you at PyCon!", context="PyCon Lisbon")
    expect(ana.locator("#actions")).to_contain_text("Pending")
    ben.goto(f"{base}/mynetwork")
    received = ben.locator("#received")
    expect(received).to_contain_text("Great meeting you at PyCon!")
    expect(received).to_contain_text("How you know each other: PyCon Lisbon")
    expect(ben.locator("header .badge").first).to_have_text("1")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    ben.screenshot(path=str(SCREENSHOTS / f"mynetwork-{backend}.png"), full_page=True)
    received.get_by_role("button", name="Accept").click()
    expect(received).to_contain_text("You are now connected with Ana Ruiz")
    ben.reload()
    expect(ben.locator("#connections")).to_contain_text("Ana Ruiz")
    expect(ben.locator("#connections")).to_contain_text("Connected since")
    ana.goto(f"{base}/mynetwork")
    expect(ana.locator("#connections")).to_contain_text("Ben Okafor")
    ben.goto(f"{base}/in/{ana_handle}")
    expect(ben.locator("#actions")).to_contain_text("Connected since")
    ben.screenshot(path=str(SCREENSHOTS / f"profile-{backend}.png"), full_page=True)

    # Ana invites Cleo, withdraws, and tries again: the cooldown sentence, as the API says it.
    invite(ana, base, cleo_handle)
    expect(ana.locator("#actions")).to_contain_text("Pending")
    ana.locator("#actions").get_by_role("button", name="Withdraw").click()
    confirm = ana.locator("dialog#withdraw-dialog")
    expect(confirm).to_contain_text("You can invite Cleo again after 21 days.")
    confirm.get_by_role("button", name="Withdraw").click()
    expect(ana.locator("#actions").get_by_role("button", name="Connect")).to_be_visible()
    invite(ana, base, cleo_handle)
    alert = ana.locator("dialog#connect-dialog [role=alert]")  # shown where one typed
    expect(alert).to_contain_text("you can invite them again from")
    assert alert.inner_text().strip() == _api_detail(base, ana_email, cleo_handle)

    # Ben invites Cleo, who ignores it: Ben still sees "Pending".
    invite(ben, base, cleo_handle, note="Hi Cleo")
    expect(ben.locator("#actions")).to_contain_text("Pending")
    cleo.goto(f"{base}/mynetwork")
    cleo.locator("#received").get_by_role("button", name="Ignore").click()
    expect(cleo.locator("#received")).to_contain_text("ignored")
    ben.goto(f"{base}/in/{cleo_handle}")
    expect(ben.locator("#actions")).to_contain_text("Pending")
    ben.goto(f"{base}/mynetwork")
    expect(ben.locator("#sent")).to_contain_text("Pending")
