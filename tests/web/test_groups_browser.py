"""A private group in a real Chromium on a live server, on SQLite and PostgreSQL: Olga
starts it on a phone (360 px), Bea asks to join on a phone, Olga approves at 1280 px,
Bea posts, and the post reaches Olga's home feed as "New in your groups"; every page
on the way passes axe-core and fits a 360 px screen."""

from __future__ import annotations

import re

import pytest

from kith.clock import FrozenClock
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


def test_create_request_approve_post_and_read_it_in_the_feed(
    browser: object, live_server: str, committed_kith: Kith, clock: FrozenClock
) -> None:
    from playwright.sync_api import Page, expect

    base = live_server
    with committed_kith.uow() as ctx:
        make_member(ctx, "Olga", "Owner", email="olga.owner@example.org")
        make_member(ctx, "Bea", "Joiner", email="bea.joiner@example.org")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    # Olga, on a phone, starts a private group with one question.
    olga = sign_in(browser, base, "olga.owner@example.org", width=360, checked=True)
    assert isinstance(olga, Page)
    olga.goto(f"{base}/groups")
    _checked(olga)
    olga.get_by_role("button", name="Start a group").click()
    _checked(olga)
    olga.get_by_label("Name").fill("River keepers of the long estuary")
    olga.get_by_label("Description").fill("Tides, maps and the people who read them.")
    olga.get_by_role("radio", name=re.compile("Private")).check()
    olga.get_by_label("Question 1").fill("What do you map?")
    olga.get_by_role("button", name="Start the group").click()
    olga.wait_for_url(re.compile(r"/groups/\d+$"))
    group_url = olga.url
    expect(olga.get_by_role("heading", level=1)).to_have_text("River keepers of the long estuary")
    _checked(olga)

    # Bea, on a phone, answers the question and asks to join.
    bea = sign_in(browser, base, "bea.joiner@example.org", width=360, checked=True)
    assert isinstance(bea, Page)
    bea.goto(group_url)
    expect(bea.locator("main")).to_contain_text("Only members see this group's posts")
    _checked(bea)
    bea.get_by_label("What do you map?").fill("Estuaries and salt marshes")
    bea.get_by_role("button", name="Ask to join").click()
    expect(bea.locator("main")).to_contain_text("Your request to join is waiting")
    _checked(bea)

    # Olga, at 1280 px, approves from the manage page.
    olga_wide = sign_in(browser, base, "olga.owner@example.org", checked=True)
    assert isinstance(olga_wide, Page)
    olga_wide.goto(f"{group_url}/manage")
    expect(olga_wide.locator("main")).to_contain_text("Estuaries and salt marshes")
    _checked(olga_wide)
    olga_wide.get_by_role("button", name="Approve Bea Joiner").click()
    olga_wide.wait_for_url(f"{group_url}/manage")
    expect(olga_wide.locator(".group-log")).to_contain_text("approved the request of Bea Joiner")

    # Bea posts in the group, a little later.
    clock.advance(minutes=5)
    bea.goto(group_url)
    bea.get_by_label("Post in River keepers of the long estuary").fill("Tide tables are up")
    bea.get_by_role("button", name="Post", exact=True).click()
    expect(bea.locator(".group-feed")).to_contain_text("Tide tables are up")
    _checked(bea)
    bea.screenshot(path=str(SCREENSHOTS / "group-feed-360.png"))

    # Olga's home feed, on the phone: one digest for the group, which leads to the post.
    olga.goto(f"{base}/")
    digest = olga.locator(".groups-new")
    expect(digest).to_contain_text("River keepers of the long estuary: 1 new post")
    _checked(olga)
    digest.get_by_role("link", name="River keepers of the long estuary").click()
    expect(olga.locator(".group-feed")).to_contain_text("Tide tables are up")
    olga.goto(f"{group_url}/members")
    expect(olga.locator(".group-members")).to_contain_text("Bea Joiner")
    _checked(olga)
