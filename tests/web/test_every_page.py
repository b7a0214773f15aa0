"""Every page of the site, signed out and signed in, in a real Chromium at a desktop
width (1280 px) and a phone width (390 px), in the light and the dark colour scheme, on
SQLite and PostgreSQL: axe-core finds no violation of any impact, nothing is wider than
a 360 px screen, and the frame (tab bar, Me menu) works at both widths."""

from __future__ import annotations

import pytest

from tests.fixtures.site import Pages, Site, axe_violations, sideways

pytestmark = pytest.mark.browser

WIDE, PHONE, SMALLEST = 1280, 390, 360
SCHEMES = ("light", "dark")

# (name, path with {me} {friend} {second} {intro_asked} {intro_received} {intro_made}
# {import} {contact} {conversation} {post} {own_post}
# {skill} {own_skill} {rec_pending} {rec_to_write} {rec_accepted} {group},
# signed in, status)
PAGES: list[tuple[str, str, bool, int]] = [
    ("landing", "/", False, 200),
    ("home-feed", "/", True, 200),
    ("sign-in", "/signin", False, 200),
    ("sign-up", "/signup", False, 200),
    ("not-found", "/no/such/page", False, 404),
    ("my-network", "/mynetwork", True, 200),
    ("invitations-received", "/mynetwork/received", True, 200),
    ("invitations-sent", "/mynetwork/sent", True, 200),
    ("own-profile", "/in/{me}", True, 200),
    ("other-profile", "/in/{friend}", True, 200),
    ("edit-profile", "/me/edit", True, 200),
    ("photo", "/me/photo", True, 200),
    ("welcome-photo", "/welcome/photo", True, 200),
    ("welcome-position", "/welcome/position", True, 200),
    ("welcome-network", "/welcome/network", True, 200),
    ("welcome-people", "/welcome/people", True, 200),
    ("settings", "/me/settings", True, 200),
    ("two-factor", "/settings/two-factor", True, 200),
    ("notifications", "/notifications", True, 200),
    ("messages", "/messages", True, 200),
    ("conversation", "/messages/with/{friend}", True, 200),
    ("new-message", "/messages/new", True, 200),
    ("new-message-to", "/messages/new?to={friend}", True, 200),
    ("search", "/search?q=Benedikt", True, 200),
    ("suggestions", "/suggestions", True, 200),
    ("shared-connections", "/in/{friend}/mutual", True, 200),
    ("relationships", "/relationships", True, 200),
    ("tiers", "/relationships/tiers", True, 200),
    ("contacts", "/relationships/contacts", True, 200),
    ("relationship-connections", "/relationships/connections", True, 200),
    ("prune", "/relationships/prune", True, 200),
    ("relationship-record", "/relationships/people/{friend}", True, 200),
    ("contact-record", "/relationships/contacts/{contact}", True, 200),
    ("insights", "/insights", True, 200),
    ("network-map", "/insights/map", True, 200),
    ("community-insights", "/insights/community", True, 200),
    ("welcome-suggestions", "/insights/community/welcome/{friend}", True, 200),
    ("your-data", "/me/data", True, 200),
    ("import-report", "/me/data/imports/{import}", True, 200),
    ("delete-account", "/settings/delete-account", True, 200),
    ("blocked", "/me/blocked", True, 200),
    ("post", "/posts/{post}", True, 200),
    ("post-reactions", "/posts/{post}/reactions", True, 200),
    ("repost", "/posts/{post}/repost", True, 200),
    ("new-post", "/posts/new", True, 200),
    ("edit-post", "/posts/{own_post}/edit", True, 200),
    ("delete-post", "/posts/{own_post}/delete", True, 200),
    ("post-insights", "/posts/{own_post}/insights", True, 200),
    ("report-post", "/posts/{post}/report", True, 200),
    ("reports", "/reports", True, 200),
    ("activity", "/in/{friend}/activity", True, 200),
    ("own-activity", "/in/{me}/activity", True, 200),
    ("engagement-activity", "/in/{me}/activity?show=engagement", True, 200),
    ("skills", "/in/{friend}/skills", True, 200),
    ("own-skills", "/in/{me}/skills", True, 200),
    ("skill-endorsers", "/in/{friend}/skills/{skill}", True, 200),
    ("own-skill-endorsers", "/in/{me}/skills/{own_skill}", True, 200),
    ("recommendations", "/recommendations", True, 200),
    ("recommendations-to-approve", "/recommendations?box=to_approve", True, 200),
    ("recommendation-to-answer", "/recommendations/{rec_pending}", True, 200),
    ("recommendation-to-write", "/recommendations/{rec_to_write}", True, 200),
    ("recommendation-accepted", "/recommendations/{rec_accepted}", True, 200),
    ("ask-recommendation", "/in/{friend}/recommendations/request", True, 200),
    ("write-recommendation", "/in/{friend}/recommendations/write", True, 200),
    ("member-recommendations", "/in/{me}/recommendations", True, 200),
    ("second-degree-profile", "/in/{second}", True, 200),
    ("introductions", "/introductions", True, 200),
    ("introductions-received", "/introductions?tab=received", True, 200),
    ("introductions-made", "/introductions?tab=made", True, 200),
    ("introduction-asked", "/introductions/{intro_asked}", True, 200),
    ("introduction-received", "/introductions/{intro_received}", True, 200),
    ("introduction-made", "/introductions/{intro_made}", True, 200),
    ("ask-introduction", "/introductions/ask/{second}", True, 200),
    ("groups", "/groups?q=porto", True, 200),
    ("group", "/groups/{group}", True, 200),
    ("group-members", "/groups/{group}/members", True, 200),
    ("group-manage", "/groups/{group}/manage", True, 200),
    ("not-found-signed-in", "/no/such/page", True, 404),
    # Email
    ("forgot-password", "/forgot-password", False, 200),
    ("reset-link-refused", "/reset-password?token=forged", False, 400),
    ("verify-link-refused", "/verify-email?token=forged", False, 400),
    ("unsubscribe-refused", "/unsubscribe/forged", False, 400),
    ("email-settings", "/me/settings/email", True, 200),
]
# Pages being rewritten elsewhere, marked until that work lands: {(name, width, scheme): why}.
KNOWN: dict[tuple[str, int | None, str | None], str] = {}


def _known(name: str, width: int, scheme: str) -> str | None:
    for key in (
        (name, width, scheme),
        (name, width, None),
        (name, None, scheme),
        (name, None, None),
    ):
        if key in KNOWN:
            return KNOWN[key]
    return None


def _cases() -> list[object]:
    cases = []
    for name, path, signed_in, status in PAGES:
        for width in (WIDE, PHONE):
            for scheme in SCHEMES:
                why = _known(name, width, scheme)
                marks = [pytest.mark.xfail(strict=False, reason=why)] if why else []
                cases.append(
                    pytest.param(
                        path,
                        signed_in,
                        status,
                        width,
                        scheme,
                        id=f"{name}-{width}-{scheme}",
                        marks=marks,
                    )
                )
    return cases


def _url(site: Site, path: str) -> str:
    return site.base + path.format(me=site.me, friend=site.friend, second=site.second, **site.ids)


@pytest.mark.parametrize(("path", "signed_in", "status", "width", "scheme"), _cases())
def test_page_is_accessible_and_fits(
    site: Site,
    site_pages: Pages,
    path: str,
    signed_in: bool,
    status: int,
    width: int,
    scheme: str,
) -> None:
    from playwright.sync_api import Page

    page, answered = site_pages.show(signed_in, width, scheme, _url(site, path))
    assert isinstance(page, Page)
    assert answered == status
    # The dark scheme changes colours only; the other rules ran in the light one.
    problems = axe_violations(page, colours_only=scheme == "dark")
    if width == PHONE and scheme == "light":
        page.set_viewport_size({"width": SMALLEST, "height": 900})
        try:
            problems += [f"at {SMALLEST}px {w}" for w in [sideways(page)] if w]
        finally:
            page.set_viewport_size({"width": PHONE, "height": 900})
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("width", [WIDE, PHONE])
def test_tab_bar_shows_on_phones_only_and_the_me_menu_works(
    site: Site,
    site_pages: Pages,
    width: int,
) -> None:
    from playwright.sync_api import Page, expect

    page = site_pages.page(True, width, "light")
    assert isinstance(page, Page)
    page.goto(f"{site.base}/mynetwork")
    tabs = page.locator(".site-nav")
    network = tabs.get_by_role("link", name="My Network")
    expect(network).to_be_visible()
    expect(network).to_have_attribute("aria-current", "page")
    box = tabs.bounding_box()
    assert box is not None
    viewport = page.viewport_size
    assert viewport is not None
    if width == PHONE:
        # A bar fixed along the bottom edge, and the page ends above it.
        assert box["y"] + box["height"] == pytest.approx(viewport["height"], abs=1)
        assert box["width"] == pytest.approx(width, abs=1)
        padding = page.evaluate("parseFloat(getComputedStyle(document.body).paddingBottom)")
        assert padding >= box["height"]
    else:
        assert box["y"] < 80  # in the top bar
    for name in ("Messages", "Relationships", "Notifications", "Insights"):
        expect(tabs.get_by_role("link", name=name)).to_be_visible()
    expect(page.locator("#badge-invitations")).to_have_text("1")
    expect(page.locator("#badge-messages")).to_be_attached()
    expect(page.locator("#badge-notifications")).to_be_attached()

    # The Me menu: opens on a click, closes on Escape and on a click elsewhere.
    me = page.locator("details.me-menu")
    summary = me.locator("summary")
    menu = me.locator(".menu-panel")
    expect(menu).to_be_hidden()
    summary.click()
    expect(menu).to_be_visible()
    expect(menu.get_by_role("link", name="View profile")).to_be_visible()
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(summary).to_be_focused()
    page.keyboard.press("Enter")
    expect(menu).to_be_visible()
    page.locator("main").click(position={"x": 2, "y": 2})
    expect(menu).to_be_hidden()
    for name, path in (
        ("View profile", f"/in/{site.me}"),
        ("Settings", "/me/settings"),
        ("Your data", "/me/data"),
    ):
        summary.click()
        menu.get_by_role("link", name=name).click()
        page.wait_for_url(f"{site.base}{path}")
        expect(page.locator("main h1").first).to_be_visible()


def test_tab_bar_is_absent_for_visitors_and_sign_out_is_in_the_me_menu(
    site: Site,
    site_pages: Pages,
) -> None:
    from playwright.sync_api import Page, expect

    page = site_pages.page(False, PHONE, "light")
    assert isinstance(page, Page)
    page.goto(f"{site.base}/")
    expect(page.locator(".site-nav .tab")).to_have_count(0)
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    expect(page.locator("footer").get_by_role("link", name="API")).to_have_count(0)

    # Signed in in a throwaway context, since signing out ends the session.
    mine = site_pages.fresh_session(PHONE)
    assert isinstance(mine, Page)
    try:
        mine.goto(f"{site.base}/me/settings")
        expect(mine.get_by_role("link", name="Developer API")).to_have_attribute("href", "/docs")
        mine.locator("details.me-menu summary").click()
        mine.locator(".me-menu").get_by_role("button", name="Sign out").click()
        mine.wait_for_url(lambda url: "/me/settings" not in url)
        expect(mine.locator(".site-nav .tab")).to_have_count(0)
    finally:
        mine.context.close()


def test_favicon_answers(site: Site) -> None:
    import httpx

    icon = httpx.get(f"{site.base}/favicon.ico", follow_redirects=False)
    assert icon.status_code == 301
    assert icon.headers["location"] == "/static/favicon.svg"
    svg = httpx.get(f"{site.base}/favicon.ico", follow_redirects=True)
    assert svg.status_code == 200
    assert svg.headers["content-type"].startswith("image/svg+xml")
