"""Engaging with a post in a real Chromium on a live server, on SQLite and PostgreSQL:
react, change the reaction with the keyboard picker, comment, reply, repost through
the dialog, and the author sees the notifications; axe-core finds nothing at 1280 and
390 px, and nothing scrolls sideways."""

from __future__ import annotations

import re

import pytest

from kith.runtime import Kith
from tests.fixtures.axe import page_failures
from tests.fixtures.browser import SCREENSHOTS, sign_in
from tests.fixtures.engagement import make_post
from tests.fixtures.factories import connect, make_member

pytestmark = pytest.mark.browser


def test_react_comment_reply_repost_and_see_the_notification(
    browser: object, live_server: str, committed_kith: Kith
) -> None:
    from playwright.sync_api import Page, expect

    base = live_server
    with committed_kith.uow() as ctx:
        ana = make_member(ctx, "Ana", "Engage", email="ana.engage@example.org")
        ben = make_member(ctx, "Ben", "Engage", email="ben.engage@example.org")
        connect(ctx, ana, ben)
        post_id = make_post(ctx, ana, body="We just shipped the new release!").id
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    failures: list[str] = []

    ben_page = sign_in(browser, base, "ben.engage@example.org", checked=True)
    assert isinstance(ben_page, Page)
    ben_page.goto(f"{base}/posts/{post_id}")
    bar = ben_page.locator(f"#engage-{post_id}")
    # On the post's own page the comments open at once.
    expect(bar.get_by_label("Add a comment")).to_be_visible()

    bar.get_by_role("button", name="Like", exact=True).click()
    expect(bar.locator(".react-button")).to_have_attribute("aria-pressed", "true")
    expect(bar.locator(".reactors-link")).to_contain_text("You")

    # Change it with the keyboard: open the picker, move to Celebrate, press Enter.
    bar.locator(".reaction-picker > summary").focus()
    ben_page.keyboard.press("Enter")
    celebrate = bar.get_by_role("button", name="Celebrate", exact=True)
    expect(celebrate).to_be_visible()
    failures += page_failures(ben_page, "picker open 1280")
    celebrate.focus()
    ben_page.keyboard.press("Enter")
    expect(bar.locator(".react-button")).to_contain_text("Celebrate")

    bar.get_by_label("Add a comment").fill("Congratulations to the whole team!")
    bar.get_by_role("button", name="Comment", exact=True).last.click()
    expect(bar.locator(".comment")).to_contain_text("Congratulations to the whole team!")
    expect(bar.locator(".post-counts")).to_contain_text("1 comment")

    bar.locator(".comment-more > summary").first.click()
    bar.get_by_label("Your reply to Ben Engage").fill("And to Ana for leading it.")
    bar.get_by_role("button", name="Reply", exact=True).click()
    expect(bar.locator(".comment.reply")).to_contain_text("And to Ana for leading it.")

    bar.get_by_role("button", name="Repost").click()
    dialog = ben_page.locator("dialog#repost-dialog")
    expect(dialog).to_be_visible()
    failures += page_failures(ben_page, "repost dialog 1280")
    dialog.get_by_label("Add your thoughts").fill("Proud to have helped.")
    dialog.get_by_role("button", name="Repost").click()
    expect(dialog).to_have_count(0)
    expect(bar.locator(".post-counts")).to_contain_text("1 repost")
    failures += page_failures(ben_page, "post with comments 1280")
    ben_page.screenshot(path=str(SCREENSHOTS / "engagement-1280.png"), full_page=True)

    # Who reacted, from "You reacted".
    bar.locator(".reactors-link").click()
    reactors = ben_page.locator("dialog#reactors-dialog")
    expect(reactors).to_contain_text("Celebrate")
    failures += page_failures(ben_page, "who reacted 1280")
    reactors.get_by_role("button", name="Close").click()
    expect(reactors).to_have_count(0)

    # The author hears about it: the badge, and the notifications with a link.
    ana_page = sign_in(browser, base, "ana.engage@example.org", checked=True)
    assert isinstance(ana_page, Page)
    ana_page.goto(f"{base}/mynetwork")
    # The invitation she sent was accepted; then a reaction, two comments and a repost.
    expect(ana_page.locator("#badge-notifications")).to_have_text("5")
    ana_page.goto(f"{base}/notifications")
    notes = ana_page.locator(".notifications")
    expect(notes).to_contain_text("Ben Engage reacted to your post.")
    expect(notes).to_contain_text("Ben Engage commented on your post.")
    expect(notes).to_contain_text("Ben Engage reposted your post.")
    failures += page_failures(ana_page, "notifications 1280")
    notes.get_by_role("link", name="See the comment").first.click()
    expect(ana_page).to_have_url(re.compile(rf"/posts/{post_id}#comment-\d+$"))
    # The author's switch.
    ana_bar = ana_page.locator(f"#engage-{post_id}")
    expect(ana_bar.locator(".comment.reply")).to_be_visible()
    ana_bar.get_by_role("button", name="Notifications on").click()
    expect(ana_bar.get_by_role("button", name="Notifications off")).to_be_visible()
    expect(ana_bar.locator(".comment.reply")).to_be_visible()  # still open on its page

    # A phone: the same post, nothing sideways, axe clean.
    phone = sign_in(browser, base, "ben.engage@example.org", width=390, checked=True)
    assert isinstance(phone, Page)
    phone.goto(f"{base}/posts/{post_id}")
    expect(phone.locator(f"#engage-{post_id} .comment.reply")).to_be_visible()
    phone.locator(f"#engage-{post_id} .reaction-picker > summary").click()
    expect(phone.get_by_role("button", name="Insightful")).to_be_visible()
    failures += page_failures(phone, "post 390")
    phone.screenshot(path=str(SCREENSHOTS / "engagement-390.png"), full_page=True)
    assert failures == []
