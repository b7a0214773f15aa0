"""Private contacts (people from elsewhere) through the service and the API, on SQLite
and PostgreSQL: the relationship tools on them, the due list with members and contacts
together, recognising a new member by address, turning into a connection on connect,
and a block forgetting the match."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from kith.blocks.service import block
from kith.connections.service import remove_connection, send_invitation
from kith.insights.service import member_insights
from kith.messaging.service import send_message
from kith.models import Contact, ContactNote, Interaction, Member, Notification
from kith.notifications.service import list_notifications
from kith.pagination import PageRequest
from kith.relationships import (
    connection_list,
    contacts,
    interactions,
    linking,
    pruning,
    reconnect,
    records,
    tiers_tags,
)
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.factories import bearer, connect, make_member
from tests.fixtures.queries import count_statements
from tests.fixtures.refusals import refusal, refused
from tests.fixtures.settings import with_settings

API = "/api/v1/relationships"


def poll(kith: Kith) -> None:
    assert kith.network is not None
    kith.network.poll()


def add(ctx: Ctx, owner: Member, name: str, **fields: str) -> Contact:
    return contacts.create_private_contact(ctx, owner, name=name, **fields)


def tier_id(ctx: Ctx, owner: Member, name: str) -> int:
    tiers_tags.ensure_default_tiers(ctx, owner)
    return next(t.id for t in tiers_tags.list_tiers(ctx, owner) if t.name == name)


# -- One private contact ---------------------------------------------------------------------


def test_create_read_correct_and_delete_a_contact(client: TestClient, ctx: Ctx) -> None:
    ana = make_member(ctx, "Ana")
    a = bearer(ctx, ana)
    made = client.post(
        f"{API}/contacts",
        json={"name": "  Zoe   Quinn ", "email": " Zoe@Example.ORG ", "company": "Acme"},
        headers=a,
    )
    assert made.status_code == 201, made.text
    body = made.json()
    assert (body["name"], body["email"], body["company"]) == (
        "Zoe Quinn",
        "zoe@example.org",
        "Acme",
    )
    assert (body["source"], body["on_kith"], body["tags"], body["notes"]) == ("", None, [], [])
    cid = body["id"]
    stored = contacts.get_private_contact(ctx, ana, cid)
    assert stored.source_key is not None
    assert stored.source_key.startswith("manual:")
    assert stored.other_id is None
    fixed = client.patch(
        f"{API}/contacts/{cid}",
        json={"title": "CTO", "email": "", "how_we_met": "Lisbon"},
        headers=a,
    ).json()
    assert (fixed["title"], fixed["email"], fixed["company"]) == ("CTO", "", "Acme")
    assert fixed["how_we_met"] == "Lisbon"
    assert client.get(f"{API}/contacts/{cid}", headers=a).json()["title"] == "CTO"
    for bad, code in (
        ({"name": " "}, "invalid_contact"),
        ({"name": "x" * 201}, "invalid_contact"),
        ({"name": "Y", "email": "not an address"}, "invalid_email"),
        ({"name": "Y", "url": "javascript:alert(1)"}, "invalid_contact"),
    ):
        refused(client.post(f"{API}/contacts", json=bad, headers=a), 422, code)
    refused(client.post(f"{API}/contacts", json={"email": "a@b.org"}, headers=a), 422, "invalid")
    refused(
        client.patch(f"{API}/contacts/{cid}", json={"name": ""}, headers=a), 422, "invalid_contact"
    )
    assert client.delete(f"{API}/contacts/{cid}", headers=a).status_code == 204
    refused(client.get(f"{API}/contacts/{cid}", headers=a), 404, "contact_not_found")
    refused(client.delete(f"{API}/contacts/{cid}", headers=a), 404, "contact_not_found")


def test_the_tools_work_on_a_private_contact(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana = make_member(ctx, "Ana")
    zoe = add(ctx, ana, "Zoe Quinn")
    a = bearer(ctx, ana)
    base = f"{API}/contacts/{zoe.id}"
    inner = tier_id(ctx, ana, "Inner circle")
    person = client.patch(base, json={"tier_id": inner}, headers=a).json()
    assert (person["tier"]["name"], person["cadence_days"], person["cadence_source"]) == (
        "Inner circle",
        30,
        "tier",
    )
    assert person["due_at"] is not None  # runs from when they were added
    assert client.post(f"{base}/tags", json={"name": "climbing"}, headers=a).status_code == 201
    note = client.post(f"{base}/notes", json={"body": "Met at the crag"}, headers=a)
    assert note.status_code == 201
    logged = client.post(f"{base}/interactions", json={"kind": "call", "note": "Hi"}, headers=a)
    assert logged.status_code == 201
    log = client.get(f"{base}/interactions", headers=a).json()
    assert [(i["kind"], i["note"]) for i in log["items"]] == [("call", "Hi")]
    snoozed = client.post(f"{base}/snooze", json={"days": 5}, headers=a).json()
    assert snoozed["snoozed_until"] is not None
    own = client.patch(base, json={"cadence_days": 7}, headers=a).json()
    assert (own["cadence_days"], own["cadence_source"], own["own_cadence_days"]) == (7, "person", 7)
    seen = client.get(base, headers=a).json()
    assert [t["name"] for t in seen["tags"]] == ["climbing"]
    assert [n["body"] for n in seen["notes"]] == ["Met at the crag"]
    assert seen["last_interaction_at"] is not None
    tag = seen["tags"][0]["id"]
    assert client.delete(f"{base}/tags/{tag}", headers=a).status_code == 204
    assert client.get(base, headers=a).json()["tags"] == []
    # the note and interaction ids are the owner's, edited through the existing routes
    nid = note.json()["id"]
    assert client.patch(f"{API}/notes/{nid}", json={"body": "Edited"}, headers=a).status_code == 200
    iid = logged.json()["id"]
    assert client.delete(f"{API}/interactions/{iid}", headers=a).status_code == 204
    assert client.get(base, headers=a).json()["last_interaction_at"] is None
    # refusals, the same codes as the people routes
    with_settings(ctx, note_max=20)
    refusal("note_too_long", records.add_note, ctx, ana, zoe, "x" * 21)
    for response, status, code in (
        (client.post(f"{base}/notes", json={"body": " "}, headers=a), 422, "empty_note"),
        (client.patch(base, json={"tier_id": 999_999}, headers=a), 404, "tier_not_found"),
        (client.patch(base, json={"cadence_days": 0}, headers=a), 422, "invalid_cadence"),
        (client.patch(base, json={"how_we_met": "x" * 501}, headers=a), 422, "how_we_met_too_long"),
        (
            client.post(f"{base}/interactions", json={"kind": "dance"}, headers=a),
            422,
            "invalid_interaction",
        ),
        (client.post(f"{base}/snooze", json={"days": 0}, headers=a), 422, "invalid_snooze"),
        (client.delete(f"{base}/tags/999999", headers=a), 404, "tag_not_found"),
        (client.post(f"{base}/tags", json={"name": ""}, headers=a), 422, "invalid_tag"),
    ):
        refused(response, status, code)
    future = (kith.clock.now() + timedelta(days=2)).isoformat()
    refused(
        client.post(
            f"{base}/interactions", json={"kind": "call", "occurred_at": future}, headers=a
        ),
        422,
        "invalid_interaction",
    )


def test_another_owners_contact_is_not_found_everywhere(client: TestClient, ctx: Ctx) -> None:
    ana, eve = make_member(ctx, "Ana"), make_member(ctx, "Eve")
    zoe = add(ctx, ana, "Zoe secret", email="zoe@example.org")
    records.add_note(ctx, ana, zoe, "secret note")
    tag = records.tag_contact(ctx, ana, zoe, "secret-tag")
    eves_tier = tier_id(ctx, eve, "Inner circle")
    e = bearer(ctx, eve)
    base = f"{API}/contacts/{zoe.id}"
    missing = f"{API}/contacts/999999"
    for path in (base, missing):
        for response in (
            client.get(path, headers=e),
            client.patch(path, json={"name": "mine"}, headers=e),
            client.patch(path, json={"tier_id": eves_tier}, headers=e),
            client.delete(path, headers=e),
            client.post(f"{path}/tags", json={"name": "x"}, headers=e),
            client.delete(f"{path}/tags/{tag.id}", headers=e),
            client.post(f"{path}/notes", json={"body": "x"}, headers=e),
            client.get(f"{path}/interactions", headers=e),
            client.post(f"{path}/interactions", json={"kind": "call"}, headers=e),
            client.post(f"{path}/snooze", json={}, headers=e),
            client.post(f"{API}/contacts/tag", json={"ids": [zoe.id], "tag": "x"}, headers=e),
        ):
            refused(response, 404, "contact_not_found")
            assert "secret" not in response.text
    assert client.get(f"{API}/contacts", headers=e).json()["total"] == 0
    # a contact handed to the tools directly is checked against the owner too
    refusal("contact_not_found", records.set_tier, ctx, eve, zoe, eves_tier)
    refusal("contact_not_found", interactions.interactions, ctx, eve, zoe, PageRequest(1, 10))
    refusal("contact_not_found", contacts.private_contact_view, ctx, eve, zoe.id)
    # and Ana's tier id is not Eve's
    ana_tier = tier_id(ctx, ana, "Inner circle")
    eves_own = add(ctx, eve, "Eve's friend")
    refused(
        client.patch(f"{API}/contacts/{eves_own.id}", json={"tier_id": ana_tier}, headers=e),
        404,
        "tier_not_found",
    )
    view = contacts.private_contact_view(ctx, ana, zoe.id)
    assert [n.body for n in view.notes] == ["secret note"]
    assert zoe.name == "Zoe secret"


def test_list_filters_sorts_and_bulk_tags(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana, eve = make_member(ctx, "Ana"), make_member(ctx, "Eve")
    yan = add(ctx, ana, "Yan Adams", company="Globex")
    kith.clock.advance(days=1)  # type: ignore[attr-defined]
    bea = add(ctx, ana, "bea Brown", company="Acme Corp", email="bea@example.org")
    kith.clock.advance(days=1)  # type: ignore[attr-defined]
    cal = add(ctx, ana, "Cal Chen", company="acme")
    eves = add(ctx, eve, "Eve's contact")
    interactions.log_interaction(ctx, ana, yan, "meeting")
    records.set_tier(ctx, ana, cal, tier_id(ctx, ana, "Inner circle"))
    a = bearer(ctx, ana)

    def ids(query: str = "") -> list[int]:
        response = client.get(f"{API}/contacts?{query}", headers=a)
        assert response.status_code == 200, response.text
        return [i["id"] for i in response.json()["items"]]

    assert ids() == [bea.id, cal.id, yan.id]  # by name, case-insensitively
    assert ids("sort=recent") == [cal.id, bea.id, yan.id]
    assert ids("sort=oldest") == [yan.id, bea.id, cal.id]
    assert ids("sort=last_interaction")[0] == yan.id
    assert ids("sort=least_interaction")[-1] == yan.id
    assert ids("company=ACME") == [bea.id, cal.id]
    assert ids("q=chen") == [cal.id]
    assert ids("q=bea@") == [bea.id]
    # what is typed is matched literally: % and _ are not wildcards
    pct = add(ctx, ana, "Dee 100% Davis", company="Ac_me")
    assert ids("q=100%25") == [pct.id]
    assert ids("q=%25") == [pct.id]
    assert ids("company=ac_") == [pct.id]
    assert ids("q=n_a") == []  # as a wildcard, "_" would find "Yan Adams"
    assert client.delete(f"{API}/contacts/{pct.id}", headers=a).status_code == 204
    assert ids(f"tier={tier_id(ctx, ana, 'Inner circle')}") == [cal.id]
    assert ids("on_kith=true") == []
    refused(client.get(f"{API}/contacts?sort=size", headers=a), 422, "invalid_sort")
    refused(client.get(f"{API}/contacts?tag=999999", headers=a), 404, "tag_not_found")
    tagged = client.post(
        f"{API}/contacts/tag", json={"ids": [yan.id, cal.id], "tag": "alumni"}, headers=a
    )
    assert tagged.status_code == 200, tagged.text
    tag = tagged.json()["id"]
    assert ids(f"tag={tag}") == [cal.id, yan.id]
    [row] = [
        r for r in client.get(f"{API}/contacts", headers=a).json()["items"] if r["id"] == yan.id
    ]
    assert [t["name"] for t in row["tags"]] == ["alumni"]
    # all or nothing: another owner's id in the list and nothing changes
    refused(
        client.post(
            f"{API}/contacts/untag", json={"ids": [yan.id, eves.id], "tag_id": tag}, headers=a
        ),
        404,
        "contact_not_found",
    )
    assert ids(f"tag={tag}") == [cal.id, yan.id]
    done = client.post(f"{API}/contacts/untag", json={"ids": [yan.id], "tag_id": tag}, headers=a)
    assert done.status_code == 200
    assert ids(f"tag={tag}") == [cal.id]
    refused(
        client.post(f"{API}/contacts/tag", json={"ids": [], "tag": "x"}, headers=a), 422, "invalid"
    )


# -- Connections only, where it matters ------------------------------------------------------


def test_pruning_counts_and_insights_leave_private_contacts_out(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    connect(ctx, ana, ben)
    inner = tier_id(ctx, ana, "Inner circle")
    for n in range(3):
        zoe = add(ctx, ana, f"Zoe {n}")
        records.set_tier(ctx, ana, zoe, inner)
        records.tag_contact(ctx, ana, zoe, "old friends")
    kith.clock.advance(days=400)  # type: ignore[attr-defined]
    poll(kith)
    ctx.graph = kith.network
    pruned = pruning.prune_suggestions(ctx, ana, PageRequest(1, 20))
    assert [c.member_id for c in pruned.items] == [ben.id]
    counts = pruning.interaction_counts(ctx, ana, recent_days=90)
    assert (counts.connections, counts.dormant) == (1, 1)
    assert tiers_tags.tier_counts(ctx, ana).get(inner, 0) == 0
    assert [(t.name, n) for t, n in tiers_tags.list_tags(ctx, ana)] == [("old friends", 0)]
    assert (
        connection_list.list_contacts(
            ctx, ana, connection_list.ContactFilter(), PageRequest(1, 20)
        ).total
        == 1
    )
    quality = member_insights(ctx, ana).quality
    assert (quality.dormant, quality.dormant_share) == (1, 1.0)
    a = bearer(ctx, ana)
    assert client.get(f"{API}/prune", headers=a).json()["total"] == 1
    assert client.get(f"{API}/connections", headers=a).json()["total"] == 1


# -- Due to reconnect ------------------------------------------------------------------------


def test_due_list_mixes_members_and_private_contacts(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    ana, ben, cleo = make_member(ctx, "Ana"), make_member(ctx, "Ben"), make_member(ctx, "Cleo")
    connect(ctx, ana, ben)
    connect(ctx, ana, cleo)
    inner = tier_id(ctx, ana, "Inner circle")  # 30 days
    records.set_tier(ctx, ana, ben, inner)
    kith.clock.advance(days=5)  # type: ignore[attr-defined]
    zoe = add(ctx, ana, "Zoe Quinn", email="zoe@example.org", company="Acme", title="CTO")
    records.set_tier(ctx, ana, zoe, inner)  # due 5 days after Ben
    yan = add(ctx, ana, "Yan Wu")
    tag = records.tag_contact(ctx, ana, yan, "climbers")
    tiers_tags.update_tag(ctx, ana, tag.id, cadence_days=10)  # due first
    add(ctx, ana, "No cadence")
    records.set_cadence(ctx, ana, cleo, 60)
    poll(kith)
    a = bearer(ctx, ana)
    assert client.get(f"{API}/due", headers=a).json()["total"] == 0
    kith.clock.advance(days=40)  # type: ignore[attr-defined]  # day 45
    due = client.get(f"{API}/due", headers=a).json()
    assert due["total"] == 3
    kinds = [
        (i["kind"], (i["member"] or {}).get("handle"), (i["contact"] or {}).get("id"))
        for i in due["items"]
    ]
    assert kinds == [
        ("contact", None, yan.id),
        ("member", ben.handle, None),
        ("contact", None, zoe.id),
    ]
    first, second, third = due["items"]
    assert (first["overdue_days"], second["overdue_days"], third["overdue_days"]) == (30, 15, 10)
    assert third["contact"]["email"] == "zoe@example.org"
    assert (third["contact"]["company"], third["contact"]["title"]) == ("Acme", "CTO")
    assert third["connected_since"] is None
    assert third["added_at"] is not None
    assert second["connected_since"] is not None
    assert second["added_at"] is None
    assert third["tier"] == "Inner circle"
    # pages of one
    page2 = client.get(f"{API}/due?per_page=1&page=2", headers=a).json()
    assert [i["kind"] for i in page2["items"]] == ["member"]
    assert page2["total"] == 3
    past = client.get(f"{API}/due?per_page=5&page=3", headers=a).json()
    assert (past["items"], past["total"]) == ([], 3)
    # logging resets a contact's clock; snoozing hides them
    interactions.log_interaction(ctx, ana, yan, "meeting")
    records.snooze(ctx, ana, zoe, 20)
    due = reconnect.due_to_reconnect(ctx, ana, PageRequest(1, 20))
    assert [e.kind for e in due.items] == ["member"]
    kith.clock.advance(days=21)  # type: ignore[attr-defined]  # day 66
    due = reconnect.due_to_reconnect(ctx, ana, PageRequest(1, 20))
    assert [(e.kind, e.display_name) for e in due.items] == [
        ("member", ben.name),
        ("contact", "Zoe Quinn"),
        ("contact", "Yan Wu"),
        ("member", cleo.name),
    ]
    assert [e.overdue_days for e in due.items] == [36, 31, 11, 6]
    # a deleted contact leaves the list
    contacts.delete_private_contact(ctx, ana, yan.id)
    assert reconnect.due_to_reconnect(ctx, ana, PageRequest(1, 20)).total == 3


def test_due_statement_count_holds_with_private_contacts(kith: Kith, ctx: Ctx) -> None:
    kith.start_network(thread=False)
    ana = make_member(ctx, "Ana")
    inner = tier_id(ctx, ana, "Inner circle")
    for size in (2, 8):
        for n in range(size):
            other = make_member(ctx, "Peer")
            connect(ctx, ana, other)
            records.set_tier(ctx, ana, other, inner)
            zoe = add(ctx, ana, f"Zoe {n}")
            records.set_tier(ctx, ana, zoe, inner)
            records.tag_contact(ctx, ana, zoe, "peers")
        poll(kith)
        kith.clock.advance(days=400)  # type: ignore[attr-defined]
        ctx.session.expire_all()
        ctx.session.refresh(ana)
        with count_statements(kith) as statements:
            due = reconnect.due_to_reconnect(ctx, ana, PageRequest(1, 50))
        assert due.total >= 2 * size
        assert {e.kind for e in due.items} == {"member", "contact"}
        assert len(statements) == reconnect.DUE_QUERY_COUNT, statements


# -- Turning into connections ----------------------------------------------------------------


def test_sign_up_recognises_contacts_by_address_and_tells_their_owners(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    ana, ben, cleo = make_member(ctx, "Ana"), make_member(ctx, "Ben"), make_member(ctx, "Cleo")
    anas = add(ctx, ana, "Zoe from LinkedIn", email="ZOE.Quinn@Example.org")
    anas_twin = add(ctx, ana, "Zoe again", email="zoe.quinn@example.org")
    bens = add(ctx, ben, "Zoe Q", email="zoe.quinn@example.org")
    cleos = add(ctx, cleo, "Someone else", email="other@example.org")
    # a weaker match (by name) gives way to the member whose address it is
    bens.matched_member_id, bens.match = cleo.id, "name"
    ctx.session.flush()
    zoe = make_member(ctx, "Zoe", "Quinn", email="Zoe.Quinn@example.org")
    for contact in (anas, anas_twin, bens):
        ctx.session.refresh(contact)
        assert (contact.matched_member_id, contact.match) == (zoe.id, "email")
    ctx.session.refresh(cleos)
    assert cleos.matched_member_id is None
    for owner, expected in ((ana, 1), (ben, 1), (cleo, 0)):
        found = list_notifications(ctx, owner, PageRequest(1, 20))
        joined = [n for n in found.items if n.kind == "contact_joined"]
        assert len(joined) == expected, owner.name
        if expected:
            assert joined[0].actor_id == zoe.id
    # the owner sees who they are on Kith; the notification reads as it should
    a = bearer(ctx, ana)
    seen = client.get(f"{API}/contacts/{anas.id}", headers=a).json()
    assert seen["on_kith"]["handle"] == zoe.handle
    assert seen["match"] == "email"
    assert [
        i["id"] for i in client.get(f"{API}/contacts?on_kith=true", headers=a).json()["items"]
    ] == [
        anas_twin.id,
        anas.id,
    ]
    api_note = client.get("/api/v1/notifications", headers=a).json()["items"][0]
    assert (api_note["kind"], api_note["actor"]["handle"]) == ("contact_joined", zoe.handle)
    # a member who was recognised by another rule keeps it
    strong = add(ctx, ana, "Dev", email="dev@example.org")
    strong.matched_member_id, strong.match = ben.id, "url"
    ctx.session.flush()
    make_member(ctx, "Dev", email="dev@example.org")
    ctx.session.refresh(strong)
    assert (strong.matched_member_id, strong.match) == (ben.id, "url")
    # a changed address undoes an address match
    contacts.update_private_contact(ctx, ana, anas.id, email="zoe@elsewhere.org")
    assert (anas.matched_member_id, anas.match) == (None, None)


def test_connecting_turns_a_private_contact_into_the_connections_record(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    ana = make_member(ctx, "Ana")
    zoe_contact = add(ctx, ana, "Zoe Quinn", email="zoe@example.org", company="Acme", title="CTO")
    inner = tier_id(ctx, ana, "Inner circle")
    records.set_tier(ctx, ana, zoe_contact, inner)
    records.set_how_we_met(ctx, ana, zoe_contact, "Climbing gym")
    records.tag_contact(ctx, ana, zoe_contact, "climbers")
    records.add_note(ctx, ana, zoe_contact, "Owes me a coffee")
    interactions.log_interaction(ctx, ana, zoe_contact, "meeting", note="Coffee")
    cid = zoe_contact.id
    zoe = make_member(ctx, "Zoe", "Quinn", email="zoe@example.org")
    # Zoe has Ana among her own private contacts, recognised by another rule
    zoes = add(ctx, zoe, "Ana from LinkedIn")
    zoes.matched_member_id, zoes.match = ana.id, "name_company"
    records.add_note(ctx, zoe, zoes, "Ask about the climbing gym")
    ctx.session.flush()
    connect(ctx, zoe, ana)
    poll(kith)
    record = records.find_contact(ctx, ana.id, zoe.id)
    assert record is not None
    assert record.id == cid
    assert (record.name, record.email, record.company, record.title) == (
        "Zoe Quinn",
        "zoe@example.org",
        "Acme",
        "CTO",
    )  # kept as history
    view = records.contact_view(ctx, ana, zoe)
    assert view.tier is not None
    assert view.tier.id == inner
    assert [t.name for t in view.tags] == ["climbers"]
    assert [n.body for n in view.notes] == ["Owes me a coffee"]
    assert view.contact is not None
    assert view.contact.how_we_met == "Climbing gym"
    log = interactions.interactions(ctx, ana, zoe, PageRequest(1, 10))
    assert [i.note for i in log.items] == ["Coffee"]
    # both sides
    zoes_view = records.contact_view(ctx, zoe, ana)
    assert [n.body for n in zoes_view.notes] == ["Ask about the climbing gym"]
    assert records.find_contact(ctx, zoe.id, ana.id).id == zoes.id  # type: ignore[union-attr]
    # it is no longer a private contact
    a = bearer(ctx, ana)
    refused(client.get(f"{API}/contacts/{cid}", headers=a), 404, "contact_not_found")
    assert client.get(f"{API}/contacts", headers=a).json()["total"] == 0
    person = client.get(f"{API}/people/{zoe.handle}", headers=a).json()
    assert person["how_we_met"] == "Climbing gym"
    assert [n["body"] for n in person["notes"]] == ["Owes me a coffee"]


def test_connecting_merges_into_an_existing_record(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    ana, zoe = make_member(ctx, "Ana"), make_member(ctx, "Zoe", email="zoe@example.org")
    connect(ctx, ana, zoe)
    experts = tier_id(ctx, ana, "Industry experts")
    records.tag_contact(ctx, ana, zoe, "climbers")
    records.add_note(ctx, ana, zoe, "Kept from before")
    kith.clock.advance(days=3)  # type: ignore[attr-defined]
    send_message(ctx, ana, zoe, "hi")
    remove_connection(ctx, ana, zoe)  # Ana's notes about Zoe stay with her
    kith.clock.advance(days=10)  # type: ignore[attr-defined]
    imported = add(ctx, ana, "Zoe (LinkedIn)", email="zoe@example.org")
    imported.matched_member_id, imported.match = zoe.id, "email"
    records.set_tier(ctx, ana, imported, experts)
    records.set_how_we_met(ctx, ana, imported, "Conference")
    records.tag_contact(ctx, ana, imported, "climbers")
    records.tag_contact(ctx, ana, imported, "speakers")
    records.add_note(ctx, ana, imported, "From the import")
    later = kith.clock.now() - timedelta(days=1)
    interactions.log_interaction(ctx, ana, imported, "call", occurred_at=later, note="Phone")
    extra = add(ctx, ana, "Zoe, twice")
    extra.matched_member_id, extra.match = zoe.id, "name"
    records.add_note(ctx, ana, extra, "Duplicate row")
    ctx.session.flush()
    existing = records.find_contact(ctx, ana.id, zoe.id)
    assert existing is not None
    existing_id = existing.id
    ids = (imported.id, extra.id)
    # crossing invitations connect, and link, too
    send_invitation(ctx, zoe, ana)
    crossed = send_invitation(ctx, ana, zoe)
    assert crossed.connection is not None
    ctx.session.expire_all()
    record = records.find_contact(ctx, ana.id, zoe.id)
    assert record is not None
    assert record.id == existing_id
    assert record.tier_id == experts
    assert record.how_we_met == "Conference"
    assert record.last_interaction_at == later
    assert [t.name for t in record.tags] == ["climbers", "speakers"]
    notes = ctx.session.scalars(
        select(ContactNote.body)
        .where(ContactNote.contact_id == existing_id)
        .order_by(ContactNote.id)
    ).all()
    assert notes == ["Kept from before", "From the import", "Duplicate row"]
    kinds = ctx.session.scalars(
        select(Interaction.kind)
        .where(Interaction.contact_id == existing_id)
        .order_by(Interaction.id)
    ).all()
    assert sorted(kinds) == ["call", "message"]
    for gone in ids:
        assert ctx.session.get(Contact, gone) is None
    # an existing how we met and tier are kept over the imported ones
    assert linking.link_private_contacts(ctx, ana.id, zoe.id) == 0  # nothing left to link


def test_link_needs_a_connection_and_keeps_the_existing_fields(ctx: Ctx) -> None:
    ana, zoe = make_member(ctx, "Ana"), make_member(ctx, "Zoe")
    imported = add(ctx, ana, "Zoe")
    imported.matched_member_id, imported.match = zoe.id, "url"
    ctx.session.flush()
    assert linking.link_private_contacts(ctx, ana.id, zoe.id) == 0
    assert imported.other_id is None
    assert linking.link_private_contacts(ctx, ana.id, ana.id) == 0
    connect(ctx, ana, zoe)  # links on connect
    assert imported.other_id == zoe.id
    # the importer can call it again for members already connected: nothing more to do
    assert linking.link_private_contacts(ctx, ana.id, zoe.id) == 0
    inner = tier_id(ctx, ana, "Inner circle")
    records.set_tier(ctx, ana, zoe, inner)
    records.set_how_we_met(ctx, ana, zoe, "School")
    again = add(ctx, ana, "Zoe again")
    records.set_tier(ctx, ana, again, tier_id(ctx, ana, "Casual acquaintances"))
    records.set_how_we_met(ctx, ana, again, "Work")
    again.matched_member_id, again.match = zoe.id, "name"
    ctx.session.flush()
    assert linking.link_private_contacts(ctx, ana.id, zoe.id) == 1  # the importer's call
    record = records.find_contact(ctx, ana.id, zoe.id)
    assert record is not None
    assert (record.tier_id, record.how_we_met) == (inner, "School")


def test_a_block_forgets_the_match(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    zoes = add(ctx, ana, "Zoe", email="zoe@example.org")
    bens = add(ctx, ben, "Zoe too", email="zoe@example.org")
    zoe = make_member(ctx, "Zoe", email="zoe@example.org")
    zoes_own = add(ctx, zoe, "Ana")
    zoes_own.matched_member_id, zoes_own.match = ana.id, "name"
    ctx.session.flush()
    a = bearer(ctx, ana)
    assert client.get(f"{API}/contacts/{zoes.id}", headers=a).json()["on_kith"] is not None
    block(ctx, zoe, ana)
    for contact in (zoes, zoes_own, bens):
        ctx.session.refresh(contact)
    assert (zoes.matched_member_id, zoes.match) == (None, None)
    assert (zoes_own.matched_member_id, zoes_own.match) == (None, None)
    assert bens.matched_member_id == zoe.id  # others' matches stay
    seen = client.get(f"{API}/contacts/{zoes.id}", headers=a).json()
    assert (seen["on_kith"], seen["match"]) == (None, None)
    assert "Zoe" not in [
        n.actor.first_name
        for n in list_notifications(ctx, ana, PageRequest(1, 20)).items
        if n.actor
    ]
    assert ctx.session.scalar(
        select(Notification.id).where(
            Notification.member_id == ana.id, Notification.kind == "contact_joined"
        )
    )
