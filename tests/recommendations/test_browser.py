"""Recommendations in a real Chromium, on both databases, on a phone (360 px): Ana asks
Ben from the More menu of his profile, Ben writes it from the notification, Ana asks
for a revision, Ben revises it, Ana accepts it, and it shows on Ana's profile. Every
page passes axe-core and fits the screen."""

from __future__ import annotations

import re

import pytest

from kith.runtime import Kith
from tests.fixtures.axe import page_failures
from tests.fixtures.browser import sign_in
from tests.fixtures.factories import connect, make_member
from tests.fixtures.recommendations import position

pytestmark = pytest.mark.browser

PHONE = 360
TEXT = "Ana rebuilt our data pipeline in three months and taught the whole team along the way."


def test_ask_write_revise_accept_and_show(
    browser: object, live_server: str, committed_kith: Kith
) -> None:
    from playwright.sync_api import Page, expect

    base = live_server
    with committed_kith.uow() as ctx:
        ana = make_member(ctx, "Ana", "Asker", email="ana.recs@example.org")
        ben = make_member(ctx, "Benedikt", "Writer", email="ben.recs@example.org")
        connect(ctx, ana, ben)
        position(ctx, ana, "Acme", "Data engineer")
        ana_handle, ben_handle = ana.handle, ben.handle
    failures: list[str] = []

    page = sign_in(browser, base, "ana.recs@example.org", width=PHONE, checked=True)
    assert isinstance(page, Page)
    page.goto(f"{base}/in/{ben_handle}")
    page.locator("details.more-menu summary").click()
    page.get_by_role("link", name="Ask for a recommendation").click()
    page.wait_for_url(re.compile(r".*/recommendations/request$"))
    failures += page_failures(page, "ask")
    page.get_by_label("How you know each other").select_option(label="Managed them directly")
    page.get_by_label("Which of your positions or schools").select_option(
        label="Data engineer at Acme"
    )
    page.get_by_label("Message (optional)").fill("Would you write about the pipeline?")
    page.get_by_role("button", name="Ask for a recommendation").click()
    page.wait_for_url(re.compile(r".*/recommendations/\d+$"))
    rec_url = page.url
    expect(page.locator("main")).to_contain_text("Requested")
    failures += page_failures(page, "request sent")

    phone = sign_in(browser, base, "ben.recs@example.org", width=PHONE, checked=True)
    assert isinstance(phone, Page)
    phone.goto(f"{base}/notifications")
    expect(phone.locator("main")).to_contain_text("Ana Asker asked you for a recommendation.")
    phone.get_by_role("link", name="Write it").click()
    phone.wait_for_url(rec_url)
    failures += page_failures(phone, "to write")
    phone.get_by_label("Recommendation").fill("Ana is great.")
    phone.get_by_role("button", name="Send").click()
    expect(phone.locator("main")).to_contain_text("Sent")

    page.goto(f"{base}/recommendations?box=to_approve")
    failures += page_failures(page, "to approve")
    page.get_by_role("link", name=re.compile("Read and answer")).click()
    expect(page.locator("main")).to_contain_text("Ana is great.")
    failures += page_failures(page, "answer")
    page.get_by_label("Ask Benedikt for a revision").fill("Mention the pipeline?")
    page.get_by_role("button", name="Ask for a revision").click()
    page.wait_for_url(re.compile(r".*box=to_approve$"))

    phone.goto(rec_url)
    expect(phone.locator("main")).to_contain_text("Mention the pipeline?")
    failures += page_failures(phone, "revision asked")
    phone.get_by_label("Recommendation").fill(TEXT)
    phone.get_by_role("button", name="Send").click()
    expect(phone.locator("main")).to_contain_text("Sent")

    page.goto(rec_url)
    expect(page.locator("main")).to_contain_text(TEXT)
    page.get_by_role("button", name="Accept and show on my profile").click()
    expect(page.locator("main")).to_contain_text("Accepted")
    page.goto(f"{base}/in/{ana_handle}")
    section = page.locator("#recommendations")
    expect(section).to_contain_text("Received")
    expect(section).to_contain_text(TEXT)
    expect(section).to_contain_text("Benedikt managed Ana directly · Data engineer at Acme")
    failures += page_failures(page, "profile with a recommendation")
    phone.goto(f"{base}/in/{ben_handle}")
    expect(phone.locator("#recommendations")).to_contain_text(TEXT)
    failures += page_failures(phone, "writer's profile")
    assert failures == []
