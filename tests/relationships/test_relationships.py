"""Private relationship data, keep in touch, moments, pruning and the organized
connection list, through the service and the API, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from kith.connections.queries import connection_between, is_following
from kith.members.service import EducationInput, PositionInput, ProfileInput, update_profile
from kith.messaging.service import send_message
from kith.models import Member, NetworkOutbox
from kith.pagination import PageRequest
from kith.relationships import interactions, pruning, reconnect, records, tiers_tags
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.factories import bearer, connect, make_member
from tests.fixtures.refusals import refusal, refused

API = "/api/v1/relationships"


def poll(kith: Kith) -> None:
    assert kith.network is not None
    kith.network.poll()


def tier_named(client: TestClient, headers: dict[str, str], name: str) -> int:
    tiers = client.get(f"{API}/tiers", headers=headers).json()
    return next(t["id"] for t in tiers if t["name"] == name)


def test_default_tiers_and_managing_them(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana = make_member(ctx, "Ana")
    a = bearer(ctx, ana)
    tiers = client.get(f"{API}/tiers", headers=a).json()
    assert [(t["name"], t["cadence_days"]) for t in tiers] == [
        ("Inner circle", 30),
        ("Industry experts", 90),
        ("Casual acquaintances", None),
    ]
    made = client.post(f"{API}/tiers", json={"name": "Mentors", "cadence_days": 60}, headers=a)
    assert made.status_code == 201
    refused(client.post(f"{API}/tiers", json={"name": " mentors "}, headers=a), 409, "tier_exists")
    refused(client.post(f"{API}/tiers", json={"name": ""}, headers=a), 422, "invalid_tier")
    refused(
        client.post(f"{API}/tiers", json={"name": "X", "cadence_days": 0}, headers=a),
        422,
        "invalid_cadence",
    )
    tid = made.json()["id"]
    renamed = client.patch(f"{API}/tiers/{tid}", json={"name": "My mentors"}, headers=a).json()
    assert renamed["name"] == "My mentors"
    assert renamed["cadence_days"] == 60
    stopped = client.patch(f"{API}/tiers/{tid}", json={"cadence_days": None}, headers=a).json()
    assert stopped["cadence_days"] is None
    assert client.delete(f"{API}/tiers/{tid}", headers=a).status_code == 204
    assert len(client.get(f"{API}/tiers", headers=a).json()) == 3


def test_private_data_about_a_connection(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    connect(ctx, ana, ben)
    poll(kith)
    a = bearer(ctx, ana)
    inner = tier_named(client, a, "Inner circle")
    person = client.patch(
        f"{API}/people/{ben.handle}",
        json={"tier_id": inner, "how_we_met": "PyCon Lisbon 2024"},
        headers=a,
    ).json()
    assert person["tier"]["name"] == "Inner circle"
    assert person["cadence_days"] == 30
    assert person["cadence_source"] == "tier"
    assert (
        client.post(
            f"{API}/people/{ben.handle}/tags", json={"name": "mentor"}, headers=a
        ).status_code
        == 201
    )
    client.post(f"{API}/people/{ben.handle}/tags", json={"name": "Mentor"}, headers=a)  # same tag
    note = client.post(
        f"{API}/people/{ben.handle}/notes", json={"body": "Likes climbing"}, headers=a
    )
    assert note.status_code == 201
    edited = client.patch(
        f"{API}/notes/{note.json()['id']}", json={"body": "Loves climbing"}, headers=a
    )
    assert edited.json()["body"] == "Loves climbing"
    logged = client.post(
        f"{API}/people/{ben.handle}/interactions",
        json={"kind": "call", "note": "Catch-up"},
        headers=a,
    )
    assert logged.status_code == 201
    person = client.get(f"{API}/people/{ben.handle}", headers=a).json()
    assert [t["name"] for t in person["tags"]] == ["mentor"]
    assert [n["body"] for n in person["notes"]] == ["Loves climbing"]
    assert person["how_we_met"] == "PyCon Lisbon 2024"
    assert person["last_interaction_at"] is not None
    # an own cadence wins over the tier's
    person = client.patch(f"{API}/people/{ben.handle}", json={"cadence_days": 7}, headers=a).json()
    assert (person["cadence_days"], person["cadence_source"]) == (7, "person")
    tags = client.get(f"{API}/tags", headers=a).json()
    assert [(t["name"], t["connections"]) for t in tags] == [("mentor", 1)]
    # refusals
    refused(
        client.post(f"{API}/people/{ben.handle}/notes", json={"body": " "}, headers=a),
        422,
        "empty_note",
    )
    refused(
        client.post(f"{API}/people/{ben.handle}/interactions", json={"kind": "dance"}, headers=a),
        422,
        "invalid_interaction",
    )
    future = (kith.clock.now() + timedelta(days=2)).isoformat()
    refused(
        client.post(
            f"{API}/people/{ben.handle}/interactions",
            json={"kind": "call", "occurred_at": future},
            headers=a,
        ),
        422,
        "invalid_interaction",
    )
    refused(
        client.patch(f"{API}/people/{ben.handle}", json={"how_we_met": "x" * 501}, headers=a),
        422,
        "how_we_met_too_long",
    )
    stranger = make_member(ctx, "Cleo")
    refused(
        client.patch(f"{API}/people/{stranger.handle}", json={"how_we_met": "?"}, headers=a),
        404,
        "not_connected",
    )
    refused(client.get(f"{API}/people/{stranger.handle}", headers=a), 404, "not_connected")


def test_another_member_can_never_read_or_change_private_data(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    ana, ben, eve = make_member(ctx, "Ana"), make_member(ctx, "Ben"), make_member(ctx, "Eve")
    connect(ctx, ana, ben)
    connect(ctx, eve, ben)
    tag = records.tag_contact(ctx, ana, ben, "secret-tag")
    tier = tiers_tags.create_tier(ctx, ana, "Secret tier", 10)
    records.set_tier(ctx, ana, ben, tier.id)
    note = records.add_note(ctx, ana, ben, "secret note")
    interaction = interactions.log_interaction(ctx, ana, ben, "meeting", note="secret meeting")
    poll(kith)
    e = bearer(ctx, eve)
    attempts = [
        (client.get(f"{API}/people/{ben.handle}", headers=e), None),
        (client.patch(f"{API}/tags/{tag.id}", json={"name": "mine"}, headers=e), "tag_not_found"),
        (client.delete(f"{API}/tags/{tag.id}", headers=e), "tag_not_found"),
        (
            client.patch(f"{API}/tiers/{tier.id}", json={"name": "mine"}, headers=e),
            "tier_not_found",
        ),
        (client.delete(f"{API}/tiers/{tier.id}", headers=e), "tier_not_found"),
        (client.patch(f"{API}/notes/{note.id}", json={"body": "x"}, headers=e), "note_not_found"),
        (client.delete(f"{API}/notes/{note.id}", headers=e), "note_not_found"),
        (client.delete(f"{API}/interactions/{interaction.id}", headers=e), "interaction_not_found"),
        (
            client.patch(f"{API}/people/{ben.handle}", json={"tier_id": tier.id}, headers=e),
            "tier_not_found",
        ),
        (client.delete(f"{API}/people/{ben.handle}/tags/{tag.id}", headers=e), "tag_not_found"),
        (client.get(f"{API}/connections?tag={tag.id}", headers=e), "tag_not_found"),
        (client.get(f"{API}/connections?tier={tier.id}", headers=e), "tier_not_found"),
        (
            client.post(
                f"{API}/connections/untag",
                json={"handles": [ben.handle], "tag_id": tag.id},
                headers=e,
            ),
            "tag_not_found",
        ),
    ]
    for response, code in attempts:
        assert "secret" not in response.text, response.text
        if code is not None:
            refused(response, 404, code)
    # Eve's own view of Ben has none of Ana's data
    own = client.get(f"{API}/people/{ben.handle}", headers=e).json()
    assert own["tags"] == []
    assert own["notes"] == []
    assert own["tier"] is None
    assert client.get(f"{API}/tags", headers=e).json() == []
    assert "secret" not in client.get(f"{API}/tiers", headers=e).text
    assert "secret" not in client.get(f"{API}/people/{ben.handle}/interactions", headers=e).text
    # and none of it shows on Ben's public profile or in Eve's connection list
    assert "secret" not in client.get(f"/api/v1/members/{ben.handle}", headers=e).text
    assert "secret" not in client.get(f"{API}/connections", headers=e).text
    # Ana's data is untouched
    view = records.contact_view(ctx, ana, ben)
    assert [t.name for t in view.tags] == ["secret-tag"]
    assert view.tier is not None
    assert [n.body for n in view.notes] == ["secret note"]


def test_messages_are_logged_as_interactions(ctx: Ctx, kith: Kith) -> None:
    ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    connect(ctx, ana, ben)
    send_message(ctx, ana, ben, "one")
    send_message(ctx, ben, ana, "two")
    kith.clock.advance(days=1)  # type: ignore[attr-defined]
    send_message(ctx, ana, ben, "three")
    log = interactions.interactions(ctx, ana, ben, PageRequest(1, 10))
    assert [(i.kind, i.count, i.automatic) for i in log.items] == [
        ("message", 1, True),
        ("message", 2, True),
    ]
    refusal("interaction_automatic", interactions.delete_interaction, ctx, ana, log.items[0].id)
    assert records.contact_view(ctx, ben, ana).contact.last_interaction_at == kith.clock.now()  # type: ignore[union-attr]


def test_due_to_reconnect_ordered_by_how_overdue(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana = make_member(ctx, "Ana")
    ben, cleo, dev, eve = (make_member(ctx, n) for n in ("Ben", "Cleo", "Dev", "Eve"))
    for other in (ben, cleo, dev, eve):
        connect(ctx, ana, other)
    tiers_tags.ensure_default_tiers(ctx, ana)
    tiers = {t.name: t for t in tiers_tags.list_tiers(ctx, ana)}
    records.set_tier(ctx, ana, ben, tiers["Inner circle"].id)  # 30 days
    records.set_tier(ctx, ana, cleo, tiers["Industry experts"].id)  # 90 days
    records.set_tier(ctx, ana, dev, tiers["Casual acquaintances"].id)  # never
    tag = records.tag_contact(ctx, ana, eve, "investors")
    tiers_tags.update_tag(ctx, ana, tag.id, cadence_days=10)
    poll(kith)
    a = bearer(ctx, ana)
    assert client.get(f"{API}/due", headers=a).json()["total"] == 0
    kith.clock.advance(days=31)  # type: ignore[attr-defined]
    due = client.get(f"{API}/due", headers=a).json()
    assert [i["member"]["handle"] for i in due["items"]] == [eve.handle, ben.handle]
    assert due["items"][0]["overdue_days"] == 21
    assert due["items"][1]["overdue_days"] == 1
    assert due["items"][1]["tier"] == "Inner circle"
    # a message resets the clock; snoozing hides for a while
    send_message(ctx, ana, ben, "Coffee soon?")
    client.post(f"{API}/people/{eve.handle}/snooze", json={}, headers=a)
    assert client.get(f"{API}/due", headers=a).json()["total"] == 0
    kith.clock.advance(days=60)  # type: ignore[attr-defined]
    a = bearer(ctx, ana)  # API tokens last 90 days
    response = client.get(f"{API}/due", headers=a)
    assert response.status_code == 200, response.text
    due = response.json()
    assert [i["member"]["handle"] for i in due["items"]] == [eve.handle, ben.handle, cleo.handle]
    refused(
        client.post(f"{API}/people/{eve.handle}/snooze", json={"days": 0}, headers=a),
        422,
        "invalid_snooze",
    )


def test_moments_from_profile_dates(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana, ben, cleo, dev = (make_member(ctx, n) for n in ("Ana", "Ben", "Cleo", "Dev"))
    for other in (ben, cleo, dev):
        connect(ctx, ana, other)
    now = kith.clock.now()  # 2026-01-01
    update_profile(
        ctx,
        ben,
        ProfileInput(positions=[PositionInput("Acme", "Engineer", now.year - 3, now.month)]),
    )
    update_profile(
        ctx,
        cleo,
        ProfileInput(positions=[PositionInput("Globex", "CTO", now.year, now.month)]),
    )
    update_profile(ctx, dev, ProfileInput(positions=[PositionInput("Initech", "Analyst", 2019, 6)]))
    poll(kith)
    found = client.get(f"{API}/moments", headers=bearer(ctx, ana)).json()
    assert [(m["member"]["handle"], m["kind"]) for m in found] == [
        (cleo.handle, "new_position"),
        (ben.handle, "anniversary"),
    ]
    assert found[1]["years"] == 3
    assert found[1]["suggested_message"] == "Congratulations on 3 years at Acme, Ben!"
    assert "CTO at Globex" in found[0]["suggested_message"]


def test_pruning_ranks_weakest_first_with_reasons(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana = make_member(ctx, "Ana", industry="Technology")
    update_profile(
        ctx,
        ana,
        ProfileInput(
            positions=[PositionInput("Acme", "Engineer", 2015)],
            education=[EducationInput("Lisbon University", end_year=2014)],
        ),
    )
    weak, colleague, friend, active = (make_member(ctx, n) for n in ("Weak", "Col", "Fri", "Act"))
    for other in (weak, colleague, friend, active):
        connect(ctx, ana, other)
    update_profile(ctx, colleague, ProfileInput(positions=[PositionInput("Acme", "PM", 2016)]))
    mutual = make_member(ctx, "Mutual")
    connect(ctx, ana, mutual)
    connect(ctx, friend, mutual)
    kith.clock.advance(days=200)  # type: ignore[attr-defined]
    send_message(ctx, ana, mutual, "hi")
    kith.clock.advance(days=200)  # type: ignore[attr-defined]
    send_message(ctx, ana, active, "hi")
    poll(kith)
    a = bearer(ctx, ana)
    page = client.get(f"{API}/prune", headers=a).json()
    handles = [i["member"]["handle"] for i in page["items"]]
    assert handles == [weak.handle, friend.handle, colleague.handle]
    first = page["items"][0]
    assert "No shared connections" in first["reasons"]
    assert "No shared company, school or industry" in first["reasons"]
    assert "You have never messaged each other" in first["reasons"]
    assert first["reasons"][0].startswith("No interaction since you connected")
    assert page["items"][2]["shared"] == ["Both worked at Acme"]
    assert page["items"][1]["mutual_connections"] == 1


def test_bulk_removal_previews_then_removes_through_the_one_rule(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    ana, ben, cleo, eve = (make_member(ctx, n) for n in ("Ana", "Ben", "Cleo", "Eve"))
    connect(ctx, ana, ben)
    connect(ctx, ana, cleo)
    poll(kith)
    a = bearer(ctx, ana)
    body = {"handles": [ben.handle, cleo.handle]}
    preview = client.post(f"{API}/prune/preview", json=body, headers=a).json()
    assert "endorsements and recommendations" in preview["explanation"]
    first = preview["items"][0]
    assert first["you_follow"]
    assert first["follows_you"]
    assert "you stop following Ben" in first["what_goes"]
    assert "Ben stops following you" in first["what_goes"]
    assert "no endorsements and no recommendations between you are hidden" in first["what_goes"]
    assert connection_between(ctx.session, ana.id, ben.id) is not None  # nothing changed yet
    refused(client.post(f"{API}/prune", json=body, headers=a), 422, "confirmation_required")
    # all or nothing: one stranger in the list and nobody is removed
    bad = {"handles": [ben.handle, eve.handle], "confirm": True}
    refused(client.post(f"{API}/prune", json=bad, headers=a), 404, "not_connected")
    assert connection_between(ctx.session, ana.id, ben.id) is not None
    done = client.post(f"{API}/prune", json={**body, "confirm": True}, headers=a)
    assert done.json() == {"removed": 2}
    for other in (ben, cleo):
        assert connection_between(ctx.session, ana.id, other.id) is None
        assert not is_following(ctx.session, ana.id, other.id)
        assert not is_following(ctx.session, other.id, ana.id)
    disconnects = ctx.session.scalar(
        select(func.count()).select_from(NetworkOutbox).where(NetworkOutbox.kind == "disconnect")
    )
    assert disconnects == 2
    refused(client.post(f"{API}/prune/preview", json={"handles": []}, headers=a), 422, "invalid")


def test_organized_connections_filter_sort_and_bulk_tag(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    ana = make_member(ctx, "Ana")
    ben = make_member(ctx, "Ben", "Adams", industry="Finance", location="Lisbon")
    cleo = make_member(ctx, "Cleo", "Brown", industry="Technology", location="Porto")
    dev = make_member(ctx, "Dev", "Chen", industry="Technology", location="Lisbon")
    for other in (ben, cleo, dev):
        connect(ctx, ana, other)
        kith.clock.advance(days=1)  # type: ignore[attr-defined]
    update_profile(ctx, cleo, ProfileInput(positions=[PositionInput("Acme", "PM", 2020)]))
    send_message(ctx, ana, dev, "hi")
    poll(kith)
    a = bearer(ctx, ana)

    def handles(query: str) -> list[str]:
        response = client.get(f"{API}/connections?{query}", headers=a)
        assert response.status_code == 200, response.text
        return [i["member"]["handle"] for i in response.json()["items"]]

    assert handles("sort=name") == [ben.handle, cleo.handle, dev.handle]
    assert handles("sort=recent") == [dev.handle, cleo.handle, ben.handle]
    assert handles("sort=oldest") == [ben.handle, cleo.handle, dev.handle]
    assert handles("sort=last_interaction")[0] == dev.handle
    assert handles("sort=least_interaction")[-1] == dev.handle
    assert handles("industry=technology") == [cleo.handle, dev.handle]
    assert handles("location=lisbon") == [ben.handle, dev.handle]
    assert handles("company=acme") == [cleo.handle]
    # typed % and _ are literal, not wildcards
    assert handles("location=%25") == handles("location=l_sbon") == []
    assert handles("q=n_a") == []  # as a wildcard, "_" would find "Ben Adams"
    refused(client.get(f"{API}/connections?sort=size", headers=a), 422, "invalid_sort")
    tagged = client.post(
        f"{API}/connections/tag",
        json={"handles": [ben.handle, dev.handle], "tag": "mentor"},
        headers=a,
    ).json()
    assert handles(f"tag={tagged['id']}") == [ben.handle, dev.handle]
    client.post(
        f"{API}/connections/untag",
        json={"handles": [ben.handle], "tag_id": tagged["id"]},
        headers=a,
    )
    assert handles(f"tag={tagged['id']}") == [dev.handle]
    inner = tier_named(client, a, "Inner circle")
    client.patch(f"{API}/people/{cleo.handle}", json={"tier_id": inner}, headers=a)
    assert handles(f"tier={inner}") == [cleo.handle]
    [row] = client.get(f"{API}/connections?tier={inner}", headers=a).json()["items"]
    assert row["tier"]["name"] == "Inner circle"


# The query counts the benchmark pins too: they do not grow with the network.
DUE_QUERIES = reconnect.DUE_QUERY_COUNT
PRUNE_QUERIES = pruning.PRUNE_QUERY_COUNT


def test_due_and_prune_query_counts_do_not_grow(kith: Kith, ctx: Ctx, counted: list[str]) -> None:
    kith.start_network(thread=False)
    ana = make_member(ctx, "Ana")
    tiers_tags.ensure_default_tiers(ctx, ana)
    inner = tiers_tags.list_tiers(ctx, ana)[0]
    for size in (3, 12):
        for _ in range(size):
            other = make_member(ctx, "Peer")
            connect(ctx, ana, other)
            records.set_tier(ctx, ana, other, inner.id)
            records.tag_contact(ctx, ana, other, "peers")
        poll(kith)
        kith.clock.advance(days=400)  # type: ignore[attr-defined]
        ctx.session.expire_all()
        ctx.session.refresh(ana)
        counted.clear()
        due = reconnect.due_to_reconnect(ctx, ana, PageRequest(1, 20))
        assert due.total >= size
        assert len(counted) == DUE_QUERIES, counted
        counted.clear()
        ctx.graph = kith.network
        pruned = pruning.prune_suggestions(ctx, ana, PageRequest(1, 20))
        assert pruned.total >= size
        assert len(counted) == PRUNE_QUERIES, counted


def test_members_deactivated_or_blocked_leave_the_lists(ctx: Ctx, kith: Kith) -> None:
    from kith.blocks.service import block

    ana, ben, cleo = (make_member(ctx, n) for n in ("Ana", "Ben", "Cleo"))
    connect(ctx, ana, ben)
    connect(ctx, ana, cleo)
    tiers_tags.ensure_default_tiers(ctx, ana)
    inner = tiers_tags.list_tiers(ctx, ana)[0]
    records.set_tier(ctx, ana, ben, inner.id)
    records.set_tier(ctx, ana, cleo, inner.id)
    block(ctx, ben, ana)
    cleo.is_active = False
    ctx.session.flush()
    kith.clock.advance(days=400)  # type: ignore[attr-defined]
    assert reconnect.due_to_reconnect(ctx, ana, PageRequest(1, 20)).total == 0
    assert reconnect.follow_ups(ctx, ana) == []
    assert isinstance(ben, Member)


def test_private_words_never_reach_people_search(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana, ben, eve = make_member(ctx, "Ana"), make_member(ctx, "Ben"), make_member(ctx, "Eve")
    connect(ctx, ana, ben)
    connect(ctx, eve, ben)
    records.tag_contact(ctx, ana, ben, "zanzibarmentor")
    records.add_note(ctx, ana, ben, "Quillfeather project lead")
    records.set_how_we_met(ctx, ana, ben, "Marmalade conference")
    assert kith.network is not None
    kith.network.poll()
    for viewer in (ana, eve):  # not even the owner finds people by private words
        for word in ("zanzibarmentor", "Quillfeather", "Marmalade"):
            response = client.get(
                "/api/v1/search/people", params={"q": word}, headers=bearer(ctx, viewer)
            )
            assert response.status_code == 200
            assert response.json()["total"] == 0, (viewer.first_name, word)
    found = client.get("/api/v1/search/people", params={"q": "Ben"}, headers=bearer(ctx, eve))
    assert found.json()["total"] == 1
    assert "zanzibarmentor" not in found.text
