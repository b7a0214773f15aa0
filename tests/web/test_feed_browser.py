"""The home feed in a real headless Chromium, at 1280 and 390 px: each item says why
it is there, "Hide this" acts at once with a toast and Undo, "Load more" goes on by
cursor, new posts are announced without reloading, and axe finds nothing."""

from __future__ import annotations

import pytest

from kith.clock import FrozenClock
from kith.follows.service import follow
from kith.models import Member
from kith.posts.service import Draft, create_post
from kith.runtime import Kith
from tests.fixtures.browser import sign_in
from tests.fixtures.factories import connect, make_member
from tests.fixtures.site import axe_violations, sideways

pytestmark = pytest.mark.browser


def test_the_home_feed_in_a_browser(
    browser: object,
    live_server: str,
    committed_kith: Kith,
    clock: FrozenClock,
) -> None:
    from playwright.sync_api import Page, expect

    with committed_kith.uow() as ctx:
        ana = make_member(ctx, "Ana", "Feed", email="ana.feed@example.org")
        ben, cai = make_member(ctx, "Ben", "Ito"), make_member(ctx, "Cai", "Moss")
        connect(ctx, ana, ben)
        follow(ctx, ana, cai)
        for i in range(22):
            clock.advance(minutes=5)
            create_post(ctx, cai if i == 21 else ben, Draft(f"Week {i} at the studio"))
        ben_id = ben.id

    for width in (1280, 390):
        page = sign_in(browser, live_server, "ana.feed@example.org", width=width, checked=True)
        assert isinstance(page, Page)
        page.goto(f"{live_server}/")
        expect(page.get_by_role("link", name="Home")).to_have_attribute("aria-current", "page")
        # Ben is a connection: his posts rank above Cai's newer one (Ana only follows Cai).
        expect(page.locator(".feed-reason").first).to_have_text("You're connected to Ben")
        assert axe_violations(page) == []
        assert sideways(page) == ""
        page.goto(f"{live_server}/?order=recent")
        expect(page.get_by_role("link", name="Recent")).to_have_attribute("aria-current", "page")
        expect(page.locator(".feed-reason").first).to_have_text("You follow Cai")
        assert axe_violations(page) == []
        assert sideways(page) == ""
        page.context.close()

    page = sign_in(browser, live_server, "ana.feed@example.org", checked=True)
    assert isinstance(page, Page)
    page.goto(f"{live_server}/?order=recent")
    item = page.locator(".feed-item").nth(1)
    expect(item).to_contain_text("Week 20 at the studio")
    item.get_by_text("More").click()
    item.get_by_role("button", name="Hide this").click()
    notice = page.locator(".feed-notice")
    expect(notice).to_contain_text("Hidden. This post won't show in your feed again.")
    expect(page.locator("#toasts")).to_contain_text("Post hidden")
    assert axe_violations(page) == []
    notice.get_by_role("button", name="Undo").click()
    expect(page.locator(".feed-item").nth(1)).to_contain_text("Week 20 at the studio")

    page.get_by_role("button", name="Load more").click()
    expect(page.get_by_text("Week 0 at the studio")).to_be_visible()
    expect(page.get_by_text("You're all caught up.")).to_be_visible()

    with committed_kith.uow() as ctx:
        clock.advance(minutes=5)
        create_post(ctx, ctx.session.get_one(Member, ben_id), Draft("Fresh from the press"))
    page.evaluate("document.body.dispatchEvent(new Event('kith:feed-check'))")
    expect(page.locator("#feed-new")).to_have_text("1 new post")
    page.locator("#feed-new a").click()
    expect(page.locator(".feed-item").first).to_contain_text("Fresh from the press")
    page.context.close()
