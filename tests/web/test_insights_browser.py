"""My insights and community insights in a real headless Chromium: the charts
render (SVG elements with a size, and a screenshot), on SQLite and PostgreSQL."""

from __future__ import annotations

import time

import pytest

from kith.members.service import PositionInput, ProfileInput, update_profile
from kith.runtime import Kith
from tests.fixtures.browser import SCREENSHOTS, sign_in
from tests.fixtures.factories import connect, make_member

pytestmark = pytest.mark.browser


def _charts_render(page: object, selector: str, at_least: int) -> None:
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    charts = page.locator(selector)
    assert charts.count() >= at_least
    for i in range(charts.count()):
        chart = charts.nth(i)
        box = chart.bounding_box()
        assert box is not None
        assert box["width"] > 0
        assert box["height"] > 0
        assert (chart.locator("title").first.text_content() or "").strip()
        marks = chart.locator(".bar, .point, .cell, .line, .marker")
        assert marks.count() > 0
        drawn = [marks.nth(j).bounding_box() for j in range(min(marks.count(), 60))]
        assert any(b is not None and b["width"] > 0 and b["height"] > 0 for b in drawn)


def test_insights_pages_render_charts(
    browser: object,  # noqa: F811
    live_server: str,  # noqa: F811
    committed_kith: Kith,
    backend: str,
) -> None:
    from playwright.sync_api import Page, expect

    with committed_kith.uow() as ctx:
        ana = make_member(ctx, "Ana", "Ruiz", email="ana.insights@example.org")
        update_profile(
            ctx,
            ana,
            ProfileInput(
                industry="Technology",
                location="Lisbon",
                positions=[PositionInput(company="Acme", title="Engineer", start_year=2018)],
            ),
        )
        make_member(ctx, "Root", "Admin", email="root.insights@example.org", role="admin")
        friends = []
        for i, (industry, place) in enumerate(
            [("Technology", "Lisbon"), ("Healthcare", "Porto"), ("Technology", "Madrid")] * 3
        ):
            friend = make_member(ctx, f"Friend{i}", "Lee")
            update_profile(ctx, friend, ProfileInput(industry=industry, location=place))
            friends.append(friend)
        for friend in friends:
            connect(ctx, ana, friend)
        for a, b in zip(friends, friends[1:], strict=False):
            connect(ctx, a, b)
        make_member(ctx, "Lone", "Newcomer")

    base = live_server
    page = sign_in(browser, base, "ana.insights@example.org")
    assert isinstance(page, Page)
    page.goto(f"{base}/insights")
    expect(page.locator("#count h2")).to_have_text("9 connections")
    expect(page.locator("#count")).to_contain_text("Guideline A")
    expect(page.locator("#count")).to_contain_text("Guideline B")
    expect(page.locator("#reach")).to_contain_text("2nd degree")
    _charts_render(page, "svg.chart", 7)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"insights-{backend}.png"), full_page=True)

    admin = sign_in(browser, base, "root.insights@example.org")
    assert isinstance(admin, Page)
    admin.goto(f"{base}/insights")
    admin.get_by_role("link", name="Community insights").click()
    # The background job computes at start; recompute to include the members above.
    deadline = time.monotonic() + 30
    while True:
        if admin.locator("button", has_text="Recompute now").count():
            admin.get_by_role("button", name="Recompute now").click()
            admin.wait_for_load_state()
        if "Lone Newcomer" in admin.content():
            break
        assert time.monotonic() < deadline, "the community figures were not recomputed"
        time.sleep(0.5)
        admin.goto(f"{base}/insights/community")
    expect(admin.locator("#overview")).to_contain_text("Members")
    # Connection counts in bands first; every count on log scales behind a disclosure.
    expect(admin.locator("#degrees svg.chart-bars")).to_be_visible()
    expect(admin.locator("svg.chart-loglog")).to_be_hidden()
    for summary in admin.locator("details > summary").all():
        summary.click()
    _charts_render(admin, "svg.chart", 2)
    expect(admin.locator("svg.chart-loglog")).to_be_visible()
    admin.screenshot(path=str(SCREENSHOTS / f"community-{backend}.png"), full_page=True)

    # A member is refused the community page with the API's sentence.
    page.goto(f"{base}/insights/community")
    expect(page.locator("main")).to_contain_text(
        "Only the community's administrators can see community insights."
    )
