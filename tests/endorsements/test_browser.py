"""Endorsing in a real Chromium, on both databases: a connection endorses a skill on a
profile at a phone width (answered in place with the count, no page load), takes it
back, and the profile shows the proof to a third member who knows the endorsers.
Every page passes axe-core and fits the width it is shown at."""

from __future__ import annotations

import pytest

from kith.endorsements.service import endorse
from kith.members.service import get_or_create_company
from kith.models import Position
from kith.runtime import Kith
from tests.fixtures.axe import page_failures
from tests.fixtures.browser import sign_in
from tests.fixtures.endorsements import give_skills
from tests.fixtures.factories import connect, make_member

pytestmark = pytest.mark.browser


def test_endorse_on_a_profile_at_phone_width(
    browser: object, live_server: str, committed_kith: Kith
) -> None:
    from playwright.sync_api import Page, expect

    base = live_server
    with committed_kith.uow() as ctx:
        ana = make_member(ctx, "Ana", "Skilled", email="ana.skills@example.org")
        ben = make_member(ctx, "Benedikt", "Okafor", email="ben.skills@example.org")
        cai = make_member(ctx, "Cai", "Viewer", email="cai.skills@example.org")
        dee = make_member(ctx, "Dee", "Colleague", email="dee.skills@example.org")
        for other in (ben, cai, dee):
            connect(ctx, ana, other)
        connect(ctx, cai, dee)
        connect(ctx, cai, ben)
        acme = get_or_create_company(ctx, "Acme")
        for m in (ana, dee):
            ctx.session.add(
                Position(member_id=m.id, company_id=acme.id, title="Dev", start_year=2021)
            )
        python, _ = give_skills(ctx, ana, "Python", "Distributed systems engineering")
        endorse(ctx, dee, ana, python.id)
        ana_handle, skill_id = ana.handle, python.id
    failures: list[str] = []

    phone = sign_in(browser, base, "ben.skills@example.org", width=390, checked=True)
    assert isinstance(phone, Page)
    phone.goto(f"{base}/in/{ana_handle}")
    skill = phone.locator(f"#skill-{skill_id}")
    expect(skill).to_contain_text("1 endorsement")
    failures += page_failures(phone, "profile skills on a phone")
    phone.locator(f"#endorse-{skill_id}").click()
    expect(skill).to_contain_text("2 endorsements")
    expect(phone.locator(f"#endorse-{skill_id}")).to_have_attribute("aria-pressed", "true")
    assert phone.url.endswith(f"/in/{ana_handle}")
    # The toast says so; the page is checked once the toast is gone and the pressed
    # button's hover colours have finished their transition (axe measures them as
    # they are at that instant).
    expect(phone.locator("#toasts")).not_to_be_empty()
    phone.evaluate("document.querySelectorAll('#toasts .toast').forEach(t => t.remove())")
    phone.wait_for_function("() => document.getAnimations().length === 0")
    failures += page_failures(phone, "endorsed on a phone")
    phone.locator(f"#endorse-{skill_id}").click()
    expect(skill).to_contain_text("1 endorsement")
    phone.locator(f"#endorse-{skill_id}").click()
    expect(skill).to_contain_text("2 endorsements")

    # Cai knows both endorsers: the proof names them.
    wide = sign_in(browser, base, "cai.skills@example.org", checked=True)
    assert isinstance(wide, Page)
    wide.goto(f"{base}/in/{ana_handle}")
    proof = wide.locator(f"#skill-{skill_id} .skill-proof")
    expect(proof).to_contain_text("Benedikt Okafor")
    expect(proof).to_contain_text("you know")
    expect(proof).to_contain_text("1 colleague at Acme")
    failures += page_failures(wide, "profile skills with proof")
    wide.locator(f"#skill-{skill_id} .skill-count").click()
    expect(wide.locator("h1")).to_contain_text("Python: 2 endorsements")
    failures += page_failures(wide, "endorsers")
    assert failures == []
