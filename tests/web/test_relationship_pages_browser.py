"""The relationship pages and the shared-connections page in a real Chromium, on SQLite
and PostgreSQL: a tier is edited in place (the card turns into its form and back
without a reload; a refusal keeps what was typed and says why) at a phone and a
desktop width, and every page passes axe-core with nothing wider than a 360 px screen.
Screenshots in light and dark mode go to var/screenshots for a person to look at."""

from __future__ import annotations

import pytest

from kith.relationships import contacts, interactions, records, tiers_tags
from kith.runtime import Kith
from tests.fixtures.browser import SCREENSHOTS, sign_in
from tests.fixtures.factories import connect, make_member
from tests.fixtures.pages import AXE, WIDE

pytestmark = pytest.mark.browser


def _people(kith: Kith) -> dict[str, str]:
    """Ana with a connection she keeps notes on, one she shares with Cleo, and a
    private contact."""
    with kith.uow() as ctx:
        ana = make_member(
            ctx, "Ana", "Lopez", email="ana.rel@example.org", headline="Data engineer"
        )
        ben = make_member(ctx, "Benedikt", "Okafor", headline="Engineering manager at Globex")
        cleo = make_member(ctx, "Cleo", "Marchetti", headline="Product designer")
        connect(ctx, ana, ben, note="Great talk at PyCon")
        connect(ctx, cleo, ben)
        tag = records.tag_contact(ctx, ana, ben, "mentor")
        inner = next(t for t in tiers_tags.list_tiers(ctx, ana) if t.name == "Inner circle")
        records.set_tier(ctx, ana, ben, inner.id)
        records.add_note(ctx, ana, ben, "Ask about the data platform migration.")
        interactions.log_interaction(ctx, ana, ben, "meeting", note="Coffee in Lisbon")
        carla = contacts.create_private_contact(
            ctx, ana, name="Carla Mendes", email="carla@example.org", company="Globex"
        )
        out = {"ben": ben.handle, "cleo": cleo.handle, "contact": str(carla.id), "tag": str(tag.id)}
    assert kith.network is not None
    kith.network.poll()
    return out


def test_a_tier_is_edited_in_place(
    browser: object,  # noqa: F811
    live_server: str,  # noqa: F811
    committed_kith: Kith,
) -> None:
    from playwright.sync_api import Page, expect

    _people(committed_kith)
    for width, name in ((390, "Close friends"), (1280, "Closest friends")):
        page = sign_in(browser, live_server, "ana.rel@example.org", width=width, checked=True)
        assert isinstance(page, Page)
        page.goto(f"{live_server}/relationships/tiers")
        page.evaluate("window.notReloaded = true")
        card = page.locator("#tiers .rel-card").first  # Inner circle, then as renamed
        card_id = card.get_attribute("id")
        card = page.locator(f"#{card_id}")
        card.get_by_role("button", name="Edit").click()
        form = card.get_by_role("form")
        expect(form.get_by_label("Name")).to_be_focused()
        form.get_by_label("Name").fill(name)
        form.get_by_role("button", name="Save").click()
        expect(card.locator(".rel-card-title")).to_have_text(name)
        expect(card.get_by_role("form")).to_have_count(0)
        expect(card).to_contain_text("Every 30 days")

        # A refusal: the sentence in the card, what was typed kept.
        card.get_by_role("button", name="Edit").click()
        card.get_by_label("Name").fill("Industry experts")
        card.get_by_label("Remind me every").fill("45")
        card.get_by_role("button", name="Save").click()
        expect(card.get_by_role("alert")).to_have_text(
            "You already have a tier named “Industry experts”."
        )
        expect(card.get_by_label("Name")).to_have_value("Industry experts")
        expect(card.get_by_label("Remind me every")).to_have_value("45")
        card.get_by_role("button", name="Cancel").click()
        expect(card.locator(".rel-card-title")).to_have_text(name)
        assert page.evaluate("window.notReloaded") is True  # all of it without a reload
        page.context.close()


def test_relationship_pages_are_accessible_and_fit_a_phone(
    browser: object,  # noqa: F811
    live_server: str,  # noqa: F811
    committed_kith: Kith,
    backend: str,
) -> None:
    from playwright.sync_api import Page

    who = _people(committed_kith)
    paths = {
        "dashboard": "/relationships",
        "tiers": "/relationships/tiers",
        "tier-editing": f"/relationships/tiers?edit=tag-{who['tag']}",
        "connections": "/relationships/connections",
        "contacts": "/relationships/contacts",
        "contact": f"/relationships/contacts/{who['contact']}",
        "person": f"/relationships/people/{who['ben']}",
        "prune": "/relationships/prune",
        "review": f"/relationships/prune/review?handle={who['ben']}",
        "shared": f"/in/{who['cleo']}/mutual",
        "shared-past-end": f"/in/{who['cleo']}/mutual?page=50",
    }
    failures: list[str] = []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in (360, 1280):
        page = sign_in(browser, live_server, "ana.rel@example.org", width=width, checked=True)
        assert isinstance(page, Page)
        for name, path in paths.items():
            response = page.goto(f"{live_server}{path}")
            assert response is not None, path
            assert response.status == 200, path
            page.add_script_tag(path=str(AXE))
            for violation in page.evaluate("axe.run(document).then(r => r.violations)"):
                targets = [str(node["target"]) for node in violation["nodes"]][:5]
                failures.append(f"{width}px {path}: {violation['id']} {targets}")
            sideways = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if sideways > 0:
                failures.append(f"{width}px {path}: {sideways}px sideways {page.evaluate(WIDE)}")
            if backend == "sqlite":
                for scheme in ("light", "dark"):
                    page.emulate_media(color_scheme=scheme)
                    shot = SCREENSHOTS / f"rel-{name}-{width}-{scheme}.png"
                    page.screenshot(path=str(shot), full_page=True)
                page.emulate_media(color_scheme="light")
        page.context.close()
    assert failures == [], "\n".join(failures)
