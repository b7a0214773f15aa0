"""Private contacts on the pages, on SQLite and PostgreSQL: the list and each contact's
page render, forms work, refusals read as the API says them, the due list offers the
right actions, and nobody reaches another member's contacts."""

from __future__ import annotations

from fastapi.testclient import TestClient

from kith.models import Contact
from kith.relationships import contacts, records, tiers_tags
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.factories import connect, make_member
from tests.fixtures.pages import HTMX, alerts, csrf, post, sign_in_as


def poll(kith: Kith) -> None:
    assert kith.network is not None
    kith.network.poll()


def test_contact_pages_render_and_forms_work(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana = make_member(ctx, "Ana")
    poll(kith)
    sign_in_as(client, ctx, ana)
    listing = client.get("/relationships/contacts")
    assert listing.status_code == 200
    assert "Add a contact" in listing.text
    assert 'href="/relationships/contacts"' in client.get("/relationships").text
    assert 'href="/relationships/contacts"' in client.get("/relationships/connections").text
    made = post(
        client,
        kith,
        "/relationships/contacts",
        {"name": "Zoe Quinn", "email": "zoe@example.org", "company": "Acme", "title": "CTO"},
    )
    assert made.status_code == 303
    base = made.headers["location"]
    cid = int(base.rsplit("/", 1)[1])
    page = client.get(base)
    assert page.status_code == 200
    for text in ("Zoe Quinn", "CTO at Acme", "mailto:zoe@example.org", "Delete Zoe Quinn"):
        assert text in page.text, text
    inner = next(t.id for t in tiers_tags.list_tiers(ctx, ana) if t.name == "Inner circle")
    for url, data in (
        (f"{base}/tier", {"tier_id": str(inner)}),
        (f"{base}/tags", {"name": "climbers"}),
        (f"{base}/how-we-met", {"text": "The crag"}),
        (f"{base}/notes", {"body": "Talk about routes"}),
        (f"{base}/interactions", {"kind": "call", "on": "2025-12-20", "note": "Intro call"}),
        (f"{base}/cadence", {"days": "14"}),
        (f"{base}/snooze", {"days": "3"}),
        (
            f"{base}/details",
            {"name": "Zoe Q. Quinn", "email": "", "company": "Globex", "title": "CEO"},
        ),
    ):
        response = post(client, kith, url, data)
        assert response.status_code == 303, (url, response.text[:400])
    page = client.get(base).text
    for text in (
        "climbers",
        "The crag",
        "Talk about routes",
        "Intro call",
        "Every 14 days",
        "Zoe Q. Quinn",
        "Snoozed until",
        "CEO at Globex",
    ):
        assert text in page, text
    assert "mailto:" not in page
    # bad input: the API's sentence, nothing saved
    bad = post(client, kith, f"{base}/cadence", {"days": "0"}, headers=HTMX)
    assert bad.status_code == 422
    assert "between 1 and 3650 days" in alerts(bad.text)[0]
    bad = post(client, kith, f"{base}/details", {"name": " "}, headers=HTMX)
    assert bad.status_code == 422
    assert alerts(bad.text) == ["A contact needs a name."]
    bad = post(client, kith, f"{base}/tier", {"tier_id": "999999"}, headers=HTMX)
    assert bad.status_code == 404
    assert contacts.private_contact_view(ctx, ana, cid).contact.cadence_days == 14
    # the list shows them with their tags; filters work
    listing = client.get("/relationships/contacts?q=quinn").text
    assert "Zoe Q. Quinn" in listing
    assert "climbers" in listing
    assert "Zoe Q. Quinn" not in client.get("/relationships/contacts?company=initech").text
    assert client.get("/relationships/contacts?sort=size").status_code == 422
    # delete, after the confirmation on the page
    done = post(client, kith, f"{base}/delete")
    assert done.status_code == 303
    assert done.headers["location"] == "/relationships/contacts"
    assert client.get(base).status_code == 404
    assert ctx.session.get(Contact, cid) is None


def test_bulk_tag_contacts_from_the_list(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana, eve = make_member(ctx, "Ana"), make_member(ctx, "Eve")
    one = contacts.create_private_contact(ctx, ana, name="One")
    two = contacts.create_private_contact(ctx, ana, name="Two")
    eves = contacts.create_private_contact(ctx, eve, name="Eve's")
    sign_in_as(client, ctx, ana)
    assert 'name="contact"' in client.get("/relationships/contacts").text

    def bulk(data: dict[str, str | list[str]]) -> int:
        response = client.post(
            "/relationships/contacts/bulk",
            data={"csrf_token": csrf(client, kith), **data},
            follow_redirects=False,
        )
        return response.status_code

    assert bulk({"action": "tag", "tag": "alumni", "contact": [str(one.id), str(two.id)]}) == 303
    [(tag, _)] = tiers_tags.list_tags(ctx, ana)
    assert [t.name for t in one.tags] == ["alumni"]
    assert (
        bulk({"action": "untag", "tag_id": str(tag.id), "contact": [str(one.id), str(eves.id)]})
        == 404
    )
    assert bulk({"action": "untag", "tag_id": str(tag.id), "contact": [str(one.id)]}) == 303
    ctx.session.expire_all()
    assert [t.name for t in contacts.get_private_contact(ctx, ana, one.id).tags] == []
    assert [t.name for t in contacts.get_private_contact(ctx, ana, two.id).tags] == ["alumni"]
    assert bulk({"action": "tag", "tag": "x"}) == 422
    assert bulk({"action": "dance", "contact": [str(one.id)]}) == 422


def test_pages_never_reach_another_members_contacts(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    ana, eve = make_member(ctx, "Ana"), make_member(ctx, "Eve")
    zoe = contacts.create_private_contact(ctx, ana, name="Zoe secret")
    records.add_note(ctx, ana, zoe, "secret note")
    tag = records.tag_contact(ctx, ana, zoe, "secret-tag")
    sign_in_as(client, ctx, eve)
    assert "secret" not in client.get("/relationships/contacts").text
    response = client.get(f"/relationships/contacts/{zoe.id}")
    assert response.status_code == 404
    assert "secret" not in response.text
    base = f"/relationships/contacts/{zoe.id}"
    for url, data in (
        (f"{base}/details", {"name": "mine"}),
        (f"{base}/delete", {}),
        (f"{base}/tier", {"tier_id": ""}),
        (f"{base}/tags", {"name": "mine"}),
        (f"{base}/tags/{tag.id}/remove", {}),
        (f"{base}/how-we-met", {"text": "mine"}),
        (f"{base}/cadence", {"days": "3"}),
        (f"{base}/snooze", {"days": "3"}),
        (f"{base}/notes", {"body": "mine"}),
        (f"{base}/interactions", {"kind": "call"}),
    ):
        response = post(client, kith, url, data)
        assert response.status_code == 404, (url, response.status_code)
        assert "secret" not in response.text
    view = contacts.private_contact_view(ctx, ana, zoe.id)
    assert view.contact.name == "Zoe secret"
    assert [n.body for n in view.notes] == ["secret note"]
    assert [t.name for t in view.tags] == ["secret-tag"]


def test_due_list_offers_the_right_actions(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    connect(ctx, ana, ben)
    tiers_tags.ensure_default_tiers(ctx, ana)
    inner = tiers_tags.list_tiers(ctx, ana)[0]
    records.set_tier(ctx, ana, ben, inner.id)
    zoe = contacts.create_private_contact(ctx, ana, name="Zoe Quinn", email="zoe@example.org")
    yan = contacts.create_private_contact(ctx, ana, name="Yan Wu")
    for contact in (zoe, yan):
        records.set_tier(ctx, ana, contact, inner.id)
    kith.clock.advance(days=40)  # type: ignore[attr-defined]
    poll(kith)
    sign_in_as(client, ctx, ana)
    page = client.get("/relationships").text
    ben_row = page[page.index(f'id="due-{ben.handle}"') :]
    ben_row = ben_row[: ben_row.index("</li>")]
    assert f"/messages/with/{ben.handle}" in ben_row
    assert f"/relationships/people/{ben.handle}/snooze" in ben_row
    zoe_row = page[page.index(f'id="due-contact-{zoe.id}"') :]
    zoe_row = zoe_row[: zoe_row.index("</li>")]
    assert "/messages/with/" not in zoe_row
    assert "mailto:zoe@example.org" in zoe_row
    for action in ("interactions", "snooze", "cadence"):
        assert f"/relationships/contacts/{zoe.id}/{action}" in zoe_row
    assert f'href="/relationships/contacts/{zoe.id}"' in zoe_row
    assert "no interaction since you added them" in zoe_row
    yan_row = page[page.index(f'id="due-contact-{yan.id}"') :]
    yan_row = yan_row[: yan_row.index("</li>")]
    assert "mailto:" not in yan_row
    # acting from the list takes them off it
    done = post(client, kith, f"/relationships/contacts/{zoe.id}/interactions", {"kind": "call"})
    assert done.status_code == 303
    assert f'id="due-contact-{zoe.id}"' not in client.get("/relationships").text


def test_contact_page_shows_the_member_and_the_notification_links_there(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    ana = make_member(ctx, "Ana")
    imported = contacts.create_private_contact(
        ctx, ana, name="Zoe (LinkedIn)", email="zoe@example.org"
    )
    zoe = make_member(ctx, "Zoe", "Quinn", email="zoe@example.org")
    poll(kith)
    sign_in_as(client, ctx, ana)
    notes = client.get("/notifications").text
    assert "from your imported contacts, joined Kith" in notes
    assert f'href="/in/{zoe.handle}"' in notes
    page = client.get(f"/relationships/contacts/{imported.id}").text
    assert 'id="on-kith"' in page
    assert f'href="/in/{zoe.handle}"' in page
    assert "Zoe Quinn" in page
    assert (
        '<span class="tag status">On Kith</span>'
        in client.get("/relationships/contacts?on_kith=1").text
    )
    # once connected it is the connection's page
    connect(ctx, ana, zoe)
    poll(kith)
    assert client.get(f"/relationships/contacts/{imported.id}").status_code == 404
    person = client.get(f"/relationships/people/{zoe.handle}")
    assert person.status_code == 200
