"""The reports queue, the report form and a post's insights in a real Chromium at a
desktop (1280 px) and a phone width (390 px): axe-core finds no violation, nothing is
wider than a 360 px screen, and an administrator's removal reaches the author as a
notification that names no one (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections import Counter

import pytest

from kith.posts.impressions import add_counts
from kith.posts.reports import report
from kith.runtime import Kith
from tests.fixtures.browser import sign_in
from tests.fixtures.factories import connect, make_member
from tests.fixtures.posts import make_comment, make_post, react
from tests.fixtures.site import axe_violations, sideways

pytestmark = pytest.mark.browser

WIDE, PHONE, SMALLEST = 1280, 390, 360


def _checked(page: object, url: str, width: int) -> list[str]:
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    response = page.goto(url)
    assert response is not None
    assert response.status == 200, url
    problems = axe_violations(page)
    if width == PHONE:
        page.set_viewport_size({"width": SMALLEST, "height": 900})
        problems += [f"at {SMALLEST}px {w}" for w in [sideways(page)] if w]
        page.set_viewport_size({"width": PHONE, "height": 900})
    return [f"{url} at {width}px: {p}" for p in problems]


def test_reports_queue_report_form_and_post_insights(
    browser: object,  # noqa: F811
    live_server: str,  # noqa: F811
    committed_kith: Kith,
) -> None:
    from playwright.sync_api import Page, expect

    with committed_kith.uow() as ctx:
        make_member(ctx, "Ada", "Admin", email="ada.reports@example.org", role="admin")
        ana = make_member(ctx, "Ana", "Lopez", email="ana.reports@example.org")
        ben = make_member(ctx, "Benedikt", "Okafor-Whitfield", email="ben.reports@example.org")
        cai = make_member(ctx, "Cai", "Nakamura")
        connect(ctx, ana, ben)
        connect(ctx, ben, cai)
        post = make_post(
            ctx,
            ana,
            "Excited to share that I joined Globex as a data engineer! "
            "https://example.org/a-rather-long-address/that/should/wrap/on/a/phone " * 2,
        )
        spam = make_post(ctx, cai, "Buy followers now, cheap and fast, click the link today")
        react(ctx, ben, post, "celebrate")
        make_comment(ctx, ben, post, "Congratulations, Ana!")
        make_comment(ctx, cai, post, "Well deserved")
        rude = make_comment(ctx, cai, post, "Nobody cares about this")
        add_counts(ctx, Counter({(post.id, 1): 12, (post.id, 2): 5, (post.id, 3): 3}))
        report(ctx, ana, "post", spam.id, reason="spam", detail="Selling followers")
        report(ctx, ben, "post", spam.id, reason="spam")
        report(ctx, ana, "comment", rude.id, reason="harassment")
        post_id, spam_id = post.id, spam.id

    base = live_server
    problems: list[str] = []
    for width in (WIDE, PHONE):
        admin = sign_in(browser, base, "ada.reports@example.org", width=width, checked=True)
        author = sign_in(browser, base, "ana.reports@example.org", width=width, checked=True)
        reader = sign_in(browser, base, "ben.reports@example.org", width=width, checked=True)
        problems += _checked(admin, f"{base}/reports", width)
        problems += _checked(author, f"{base}/posts/{post_id}/insights", width)
        problems += _checked(reader, f"{base}/posts/{post_id}/report", width)
        for page in (admin, author, reader):
            page.context.close()  # type: ignore[attr-defined]
    assert problems == [], "\n".join(problems)

    admin = sign_in(browser, base, "ada.reports@example.org")
    assert isinstance(admin, Page)
    admin.goto(f"{base}/reports")
    spam_item = admin.locator(f"#reported-post-{spam_id}")
    expect(spam_item).to_contain_text("Reported by 2 members")
    expect(spam_item).to_contain_text("Spam or a scam (2)")
    expect(admin.locator("#reports")).not_to_contain_text("Ana Lopez reported")
    spam_item.get_by_role("button", name="Remove post").click()
    expect(admin.locator(f"#reported-post-{spam_id}")).to_have_count(0)
    expect(admin.locator(".reported")).to_have_count(1)

    author = sign_in(browser, base, "ana.reports@example.org")
    assert isinstance(author, Page)
    author.goto(f"{base}/posts/{post_id}/insights")
    expect(author.locator(".post-reach")).to_contain_text("1st")
    expect(author.locator("#post-insights")).to_contain_text("Benedikt Okafor-Whitfield")
    expect(author.locator("#post-insights")).to_contain_text("Celebrated it")

    reader = sign_in(browser, base, "ben.reports@example.org")
    assert isinstance(reader, Page)
    reader.goto(f"{base}/posts/{post_id}/report")
    reader.get_by_label("Something else").check()
    reader.get_by_label("Anything the administrators should know (optional)").fill("Odd link")
    reader.get_by_role("button", name="Send report").click()
    expect(reader.locator("h1")).to_have_text("Thank you: your report was sent")
    reader.goto(f"{base}/posts/{post_id}/report")
    reader.get_by_label("Something else").check()
    reader.get_by_role("button", name="Send report").click()
    expect(reader.locator("[role=alert]")).to_contain_text("already reported")
