"""Administration and joining in a real Chromium at 1280 and 360 px: the sign-up page
in every join mode (applying in approval mode, joining with an invitation link), and
an administrator suspending a member, approving a request, making an invitation,
changing the settings and reading the audit log. Every page passes axe-core and fits
the screen."""

from __future__ import annotations

import re

import pytest

from kith.community import settings as community
from kith.models import Member
from kith.runtime import Kith
from tests.fixtures.axe import page_failures
from tests.fixtures.browser import sign_in
from tests.fixtures.factories import PASSWORD, make_member

pytestmark = pytest.mark.browser


def _mode(kith: Kith, admin_id: int, **changes: object) -> None:
    with kith.uow() as ctx:
        community.update(ctx, ctx.session.get_one(Member, admin_id), changes)


def _fill(page: object, first: str, email: str) -> None:
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    page.get_by_label("First name").fill(first)
    page.get_by_label("Last name").fill("Joiner")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)


def test_sign_up_in_every_mode_and_administration(
    browser: object, live_server: str, committed_kith: Kith
) -> None:
    from playwright.sync_api import Browser, Page, expect

    assert isinstance(browser, Browser)
    base, kith = live_server, committed_kith
    with kith.uow() as ctx:
        admin_id = make_member(ctx, "Ada", "Admin", email="ada.admin@example.org", role="admin").id
        ben = make_member(ctx, "Ben", "Member", email="ben.member@example.org")
        ben_id = ben.id
    failures: list[str] = []

    for width in (1280, 360):
        visitor = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
        page = visitor.new_page()
        for mode in ("open", "domains", "invitation", "approval"):
            _mode(kith, admin_id, join_mode=mode, allowed_domains=["example.org"])
            page.goto(f"{base}/signup")
            failures += page_failures(page, f"sign-up {mode} {width}")
        visitor.close()

    # Approval: the applicant's request waits; an invitation link admits at once.
    visitor = browser.new_context(viewport={"width": 360, "height": 900}, bypass_csp=True)
    page = visitor.new_page()
    page.goto(f"{base}/signup")
    _fill(page, "Rex", "rex.joiner@example.org")
    page.get_by_role("button", name="Ask to join").click()
    expect(page.get_by_role("heading", name="Request sent")).to_be_visible()
    failures += page_failures(page, "request sent")

    admin = sign_in(browser, base, "ada.admin@example.org", width=360, checked=True)
    assert isinstance(admin, Page)
    admin.locator("details.me-menu summary").click()
    admin.get_by_role("link", name="Administration").click()
    admin.wait_for_url(re.compile(r".*/admin/members$"))
    failures += page_failures(admin, "members")
    admin.get_by_label("Name, handle or email").fill("ben.member")
    admin.get_by_role("button", name="Find").click()
    admin.get_by_role("link", name="Ben Member").click()
    admin.wait_for_url(re.compile(rf".*/admin/members/{ben_id}$"))
    failures += page_failures(admin, "member")
    admin.get_by_label("Reason for suspending").fill("Spam messages")
    admin.get_by_role("button", name="Suspend").click()
    expect(admin.locator("main")).to_contain_text("Suspended since")
    expect(admin.locator("main")).to_contain_text("Spam messages")

    admin.locator("nav.admin-nav").get_by_role("link", name=re.compile("Requests to join")).click()
    expect(admin.locator("main")).to_contain_text("rex.joiner@example.org")
    failures += page_failures(admin, "requests")
    admin.get_by_role("button", name="Approve").click()
    expect(admin.locator("main")).to_contain_text("No request is waiting")

    admin.locator("nav.admin-nav").get_by_role("link", name="Invitations").click()
    admin.get_by_label("Sign-ups it admits").fill("2")
    admin.get_by_label("What it is for (optional)").fill("Gala dinner")
    admin.get_by_role("button", name="Make an invitation").click()
    link = admin.get_by_label("Link").input_value()
    assert "/signup?code=" in link
    failures += page_failures(admin, "invitation made")

    page.goto(link.replace("http://testserver", base).replace(kith.settings.base_url, base))
    _fill(page, "Ivy", "ivy.joiner@elsewhere.net")
    page.get_by_role("button", name="Agree & join").click()
    page.wait_for_url("**/welcome/photo")

    admin.locator("nav.admin-nav").get_by_role("link", name="Settings").click()
    failures += page_failures(admin, "settings")
    expect(admin.get_by_role("heading", name="Community settings")).to_be_visible()
    admin.locator("input[name=join_mode][value=open]").check()
    admin.get_by_label("Why (optional, kept in the audit log)").fill("Open day")
    admin.get_by_role("button", name="Save settings").click()
    expect(admin.locator("main")).to_contain_text("Settings saved.")

    admin.locator("nav.admin-nav").get_by_role("link", name="Audit log").click()
    for words in (
        "Suspended a member",
        "Approved a request to join",
        "Made an invitation",
        "Changed settings",
        "Open day",
    ):
        expect(admin.locator("main")).to_contain_text(words)
    failures += page_failures(admin, "audit")
    admin.goto(f"{base}/invite")
    failures += page_failures(admin, "invite")

    wide = sign_in(browser, base, "ada.admin@example.org", width=1280, checked=True)
    assert isinstance(wide, Page)
    for path in (
        "/admin/members",
        f"/admin/members/{ben_id}",
        "/admin/join-requests",
        "/admin/invitations",
        "/admin/settings",
        "/admin/audit",
    ):
        wide.goto(f"{base}{path}")
        failures += page_failures(wide, f"{path} 1280")
    assert not failures, "\n".join(failures)
