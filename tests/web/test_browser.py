"""The issue's scenario in a real headless Chromium, against a live server, on
SQLite and PostgreSQL. Under CI a missing Chromium fails the test."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from kith.app import create_app
from kith.runtime import Kith

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CI = os.environ.get("CI", "").lower() == "true"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PASSWORD = "correct horse battery"  # noqa: S105


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def live_server(committed_kith: Kith) -> Iterator[str]:
    port = _free_port()
    config = uvicorn.Config(
        create_app(committed_kith), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        reason = f"Chromium is not installed at {CHROMIUM} (run `make browser`)"
        if CI:
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


def _sign_up(browser: object, base: str, first: str, last: str) -> tuple[object, str, str]:
    """A new browser context signed up as a new member: (page, handle, email)."""
    from playwright.sync_api import Browser, expect

    assert isinstance(browser, Browser)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    email = f"{first.lower()}.{last.lower()}@example.org"
    page.goto(f"{base}/signup")
    page.get_by_label("First name").fill(first)
    page.get_by_label("Last name").fill(last)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Agree & join").click()
    page.wait_for_url("**/me/edit?welcome=1")
    expect(page.get_by_role("heading", name="Edit your profile")).to_be_visible()
    handle = (page.locator("header a[href^='/in/']").get_attribute("href") or "").removeprefix(
        "/in/"
    )
    assert handle
    return page, handle, email


def _invite(page: object, base: str, handle: str, note: str = "", context: str = "") -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    page.goto(f"{base}/in/{handle}")
    actions = page.locator("#actions")
    actions.locator("summary", has_text="Connect").click()
    if context:
        actions.get_by_label("How do you know each other?").fill(context)
    if note:
        actions.locator("textarea[name=note]").fill(note)
        expect(actions.locator(".counter")).to_have_text(f"{len(note)} / 300")
    actions.get_by_role("button", name="Send invitation").click()


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
    ana, ana_handle, ana_email = _sign_up(browser, base, "Ana", "Ruiz")
    ben, ben_handle, _ = _sign_up(browser, base, "Ben", "Okafor")
    cleo, cleo_handle, _ = _sign_up(browser, base, "Cleo", "Park")
    for page in (ana, ben, cleo):
        assert isinstance(page, Page)

    # Ana fills in her profile.
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
    _invite(ana, base, ben_handle, note="Great meeting you at PyCon!", context="PyCon Lisbon")
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
    _invite(ana, base, cleo_handle)
    expect(ana.locator("#actions")).to_contain_text("Pending")
    ana.locator("#actions").get_by_role("button", name="Withdraw").click()
    expect(ana.locator("#actions summary", has_text="Connect")).to_be_visible()
    _invite(ana, base, cleo_handle)
    alert = ana.locator("#alerts [role=alert]")
    expect(alert).to_contain_text("you can invite them again from")
    assert alert.inner_text().strip() == _api_detail(base, ana_email, cleo_handle)

    # Ben invites Cleo, who ignores it: Ben still sees "Pending".
    _invite(ben, base, cleo_handle, note="Hi Cleo")
    expect(ben.locator("#actions")).to_contain_text("Pending")
    cleo.goto(f"{base}/mynetwork")
    cleo.locator("#received").get_by_role("button", name="Ignore").click()
    expect(cleo.locator("#received")).to_contain_text("ignored")
    ben.goto(f"{base}/in/{cleo_handle}")
    expect(ben.locator("#actions")).to_contain_text("Pending")
    ben.goto(f"{base}/mynetwork")
    expect(ben.locator("#sent")).to_contain_text("Pending")
