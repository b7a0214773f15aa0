"""Messaging in a real Chromium on a live server, on SQLite and PostgreSQL: a message
appears in the open conversation without a reload, with the badge and the list; a
reply is appended at once and a refused one keeps its text; two panes at 1280 px, one
at 390 px; axe-core finds nothing on the messaging pages at either width."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from kith.runtime import Kith
from tests.fixtures.browser import SCREENSHOTS, sign_in
from tests.fixtures.factories import PASSWORD, connect, make_member

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "src" / "kith" / "static" / "vendor" / "axe.min.js"


def test_a_message_appears_live_and_the_pages_pass_axe(
    browser: object,
    live_server: str,
    committed_kith: Kith,
) -> None:
    from playwright.sync_api import Page, expect

    base = live_server
    with committed_kith.uow() as ctx:
        ana = make_member(ctx, "Ana", "Live", email="ana.live@example.org")
        ben = make_member(ctx, "Ben", "Live", email="ben.live@example.org")
        cai = make_member(ctx, "Cai", "Live", email="cai.live@example.org")
        connect(ctx, ana, ben)
        connect(ctx, ana, cai)
        ana_handle, ben_handle, cai_handle = ana.handle, ben.handle, cai.handle
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    ana_page = sign_in(browser, base, "ana.live@example.org", checked=True)
    ben_page = sign_in(browser, base, "ben.live@example.org", checked=True)
    assert isinstance(ana_page, Page)
    assert isinstance(ben_page, Page)

    ana_page.goto(f"{base}/messages/with/{ben_handle}")
    expect(ana_page.locator(".pane-list")).to_be_visible()  # two panes at 1280
    expect(ana_page.locator("#messages")).to_be_visible()
    expect(ana_page.locator(".back-link")).to_be_hidden()
    ana_page.evaluate("window.stillTheSamePage = true")

    ben_page.goto(f"{base}/messages/with/{ana_handle}")
    ben_page.get_by_label("Write a message").fill("Are you coming to the meetup?")
    ben_page.get_by_role("button", name="Send").click()
    expect(ben_page.locator("#messages")).to_contain_text("Are you coming to the meetup?")
    expect(ben_page.get_by_label("Write a message")).to_have_value("")

    # Ana sees it without a reload.
    expect(ana_page.locator("#messages")).to_contain_text("Are you coming to the meetup?")
    assert ana_page.evaluate("window.stillTheSamePage") is True
    expect(ana_page.locator("#messages > li")).to_have_count(1)
    expect(
        ana_page.locator(f"#conversations a[href='/messages/with/{ben_handle}']")
    ).to_be_visible()

    # A message in another conversation: the badge counts it and its row comes first.
    with httpx.Client(base_url=base) as api:
        token = api.post(
            "/api/v1/auth/token", json={"email": "cai.live@example.org", "password": PASSWORD}
        ).json()["access_token"]
        sent = api.post(
            "/api/v1/messages",
            json={"to": ana_handle, "body": "Lunch tomorrow?"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert sent.status_code == 201, sent.text
    expect(ana_page.locator("#badge-messages")).to_have_text("1")
    expect(ana_page.locator("#conversations > li").first).to_contain_text("Lunch tomorrow?")
    expect(ana_page.locator("#conversations > li").first).to_contain_text("1 new")
    assert ana_page.evaluate("window.stillTheSamePage") is True
    ana_page.screenshot(path=str(SCREENSHOTS / "messaging-live-1280.png"))

    # Ana replies; her reply is appended once (the stream brings it too).
    ana_page.get_by_label("Write a message").fill("Yes, see you there")
    ana_page.get_by_role("button", name="Send").click()
    expect(ana_page.locator("#messages > li")).to_have_count(2)
    expect(ben_page.locator("#messages")).to_contain_text("Yes, see you there")

    # Refused (Ana blocked Ben): the reason beside the composer, the text kept.
    with httpx.Client(base_url=base) as api:
        token = api.post(
            "/api/v1/auth/token", json={"email": "ana.live@example.org", "password": PASSWORD}
        ).json()["access_token"]
        blocked = api.put(
            f"/api/v1/blocks/{ben_handle}", headers={"Authorization": f"Bearer {token}"}
        )
        assert blocked.status_code < 300, blocked.text
    ben_page.get_by_label("Write a message").fill("Hello? Still there?")
    ben_page.get_by_role("button", name="Send").click()
    expect(ben_page.locator("#composer-error [role=alert]")).to_be_visible()
    expect(ben_page.get_by_label("Write a message")).to_have_value("Hello? Still there?")

    # One pane at phone width, with a way back to the list.
    ana_page.set_viewport_size({"width": 390, "height": 844})
    ana_page.goto(f"{base}/messages/with/{cai_handle}")
    expect(ana_page.locator(".pane-list")).to_be_hidden()
    expect(ana_page.locator(".back-link a")).to_be_visible()
    ana_page.screenshot(path=str(SCREENSHOTS / "messaging-conversation-390.png"), full_page=True)
    ana_page.goto(f"{base}/messages")
    expect(ana_page.locator(".pane-list")).to_be_visible()
    expect(ana_page.locator(".pane-main")).to_be_hidden()

    failures: list[str] = []
    paths = (
        "/messages",
        "/messages?box=requests",
        f"/messages/with/{cai_handle}",
        "/messages/new",
        f"/messages/new?to={cai_handle}",
    )
    for width in (390, 1280):
        ana_page.set_viewport_size({"width": width, "height": 900})
        for path in paths:
            response = ana_page.goto(f"{base}{path}")
            assert response is not None
            assert response.status == 200, path
            ana_page.add_script_tag(path=str(AXE))
            for violation in ana_page.evaluate("axe.run(document).then(r => r.violations)"):
                targets = [str(node["target"]) for node in violation["nodes"]][:5]
                failures.append(f"{width}px {path}: {violation['id']} {targets}")
            sideways = ana_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if sideways > 0:
                failures.append(f"{width}px {path}: scrolls sideways by {sideways}px")
            name = path.strip("/").replace("/", "-").replace("?", "-").replace("=", "-")
            ana_page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    assert failures == [], "\n".join(failures)


def test_the_picker_chooses_a_recipient_and_sends(
    browser: object, live_server: str, committed_kith: Kith
) -> None:
    from playwright.sync_api import Page, expect

    base = live_server
    with committed_kith.uow() as ctx:
        ana = make_member(ctx, "Ana", "Pick", email="ana.pick@example.org")
        ben = make_member(ctx, "Ben", "Pick", email="ben.pick@example.org")
        dee = make_member(ctx, "Dee", "Pick", email="dee.pick@example.org")
        connect(ctx, ana, ben)
        connect(ctx, ana, dee)
        ben_handle = ben.handle
    page = sign_in(browser, base, "ana.pick@example.org", width=390, checked=True)
    assert isinstance(page, Page)
    page.goto(f"{base}/messages/new")
    page.get_by_label("Search your connections and coworkers").fill("Ben")
    expect(page.locator("#recipients input[type=radio]")).to_have_count(1)
    page.get_by_label("Ben Pick").check()
    expect(page.locator("#compose")).to_contain_text("this will be a message")
    page.get_by_label("Write a message").fill("Hi Ben, from the picker")
    page.get_by_role("button", name="Send").click()
    page.wait_for_url(f"**/messages/with/{ben_handle}")
    expect(page.locator("#messages")).to_contain_text("Hi Ben, from the picker")
