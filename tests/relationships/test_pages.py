"""Messaging and relationship pages through the TestClient, on SQLite and PostgreSQL:
every page renders, forms work, refusals read as the API says them, and nobody sees
or changes another member's private data through the pages."""

from __future__ import annotations

from fastapi.testclient import TestClient

from kith.connections.queries import connection_between
from kith.members.service import PositionInput, ProfileInput, update_profile
from kith.models import Member
from kith.relationships import interactions, records, tiers_tags
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.factories import connect, make_member
from tests.fixtures.pages import HTMX, alerts, post, sign_in_as


def poll(kith: Kith) -> None:
    assert kith.network is not None
    kith.network.poll()


def test_messages_pages_and_header_count(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana, ben = make_member(ctx, "Ana", "Ruiz"), make_member(ctx, "Ben", "Okafor")
    connect(ctx, ana, ben, note="Met at PyCon")
    poll(kith)
    sign_in_as(client, ctx, ana)
    page = client.get(f"/messages/with/{ben.handle}")
    assert page.status_code == 200
    assert "Met at PyCon" in page.text  # the follow-up prompt
    sent = post(client, kith, f"/messages/with/{ben.handle}", {"body": "Thanks for accepting!"})
    assert sent.status_code == 303
    assert "Thanks for accepting!" in client.get(f"/messages/with/{ben.handle}").text
    sign_in_as(client, ctx, ben)
    inbox = client.get("/messages").text
    assert 'class="badge" aria-label="1 unread messages">1</span>' in inbox
    assert "Thanks for accepting!" in inbox
    client.get(f"/messages/with/{ana.handle}")  # opening reads it
    assert '<span id="badge-messages" class="badge" hidden' in client.get("/messages").text
    # a refusal on the page is the API's sentence
    refused = post(client, kith, f"/messages/with/{ana.handle}", {"body": " "}, headers=HTMX)
    assert refused.status_code == 422
    assert alerts(refused.text) == ["Write something before sending."]


def test_strangers_see_why_they_cannot_write(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    poll(kith)
    sign_in_as(client, ctx, ana)
    page = client.get(f"/messages/with/{ben.handle}").text
    assert "once you are connected" in page
    assert 'name="body"' not in page


def test_message_requests_on_the_pages(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    for m in (ana, ben):
        update_profile(ctx, m, ProfileInput(positions=[PositionInput("Acme", "Engineer", 2020)]))
    poll(kith)
    sign_in_as(client, ctx, ana)
    assert "message request" in client.get(f"/messages/with/{ben.handle}").text
    post(client, kith, f"/messages/with/{ben.handle}", {"body": "Hi from the data team"})
    sign_in_as(client, ctx, ben)
    requests = client.get("/messages?box=requests").text
    assert "Hi from the data team" in requests
    assert "Accept" in requests
    cid = int(requests.split('id="conversation-')[1].split('"')[0])
    accepted = post(client, kith, f"/messages/{cid}/accept")
    assert accepted.status_code == 303
    assert accepted.headers["location"] == f"/messages/with/{ana.handle}"


def test_relationship_pages_render_and_forms_work(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    connect(ctx, ana, ben)
    poll(kith)
    sign_in_as(client, ctx, ana)
    for path in (
        "/relationships",
        "/relationships/tiers",
        "/relationships/connections",
        "/relationships/prune",
        f"/relationships/people/{ben.handle}",
    ):
        response = client.get(path)
        assert response.status_code == 200, (path, response.text[:500])
    tiers = {t.name: t for t in tiers_tags.list_tiers(ctx, ana)}
    inner = tiers["Inner circle"].id
    base = f"/relationships/people/{ben.handle}"
    for url, data in (
        (f"{base}/tier", {"tier_id": str(inner)}),
        (f"{base}/tags", {"name": "mentor"}),
        (f"{base}/how-we-met", {"text": "PyCon"}),
        (f"{base}/notes", {"body": "Talk about climbing"}),
        (f"{base}/interactions", {"kind": "call", "on": "2025-12-20", "note": "Intro call"}),
        (f"{base}/cadence", {"days": "14"}),
    ):
        response = post(client, kith, url, data)
        assert response.status_code == 303, (url, response.text[:400])
    page = client.get(base).text
    for text in ("mentor", "PyCon", "Talk about climbing", "Intro call", "Every 14 days"):
        assert text in page, text
    # bad input: the API's sentence, nothing saved
    bad = post(client, kith, f"{base}/cadence", {"days": "0"}, headers=HTMX)
    assert bad.status_code == 422
    assert "between 1 and 3650 days" in alerts(bad.text)[0]
    bad = post(client, kith, f"{base}/cadence", {"days": "soon"}, headers=HTMX)
    assert bad.status_code == 422
    assert records.contact_view(ctx, ana, ben).contact.cadence_days == 14  # type: ignore[union-attr]
    organized = client.get(f"/relationships/connections?tier={inner}").text
    assert ben.name in organized


def test_pages_never_show_or_change_another_members_private_data(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    ana, ben, eve = make_member(ctx, "Ana"), make_member(ctx, "Ben"), make_member(ctx, "Eve")
    connect(ctx, ana, ben)
    connect(ctx, eve, ben)
    tag = records.tag_contact(ctx, ana, ben, "secret-tag")
    tier = tiers_tags.create_tier(ctx, ana, "Secret tier", 10)
    note = records.add_note(ctx, ana, ben, "secret note")
    interaction = interactions.log_interaction(ctx, ana, ben, "meeting", note="secret meeting")
    poll(kith)
    sign_in_as(client, ctx, eve)
    for path in (
        f"/relationships/people/{ben.handle}",
        "/relationships",
        "/relationships/tiers",
        "/relationships/connections",
        f"/in/{ben.handle}",
    ):
        assert "secret" not in client.get(path).text, path
    for path in (
        f"/relationships/connections?tag={tag.id}",
        f"/relationships/connections?tier={tier.id}",
    ):
        response = client.get(path)
        assert response.status_code == 404
        assert "secret" not in response.text
    for url, data in (
        (f"/relationships/notes/{note.id}", {"body": "mine"}),
        (f"/relationships/notes/{note.id}/delete", {}),
        (f"/relationships/interactions/{interaction.id}/delete", {}),
        (f"/relationships/tiers/{tier.id}", {"name": "mine"}),
        (f"/relationships/tiers/{tier.id}/delete", {}),
        (f"/relationships/tags/{tag.id}", {"name": "mine"}),
        (f"/relationships/tags/{tag.id}/delete", {}),
        (f"/relationships/people/{ben.handle}/tier", {"tier_id": str(tier.id)}),
        (f"/relationships/people/{ben.handle}/tags/{tag.id}/remove", {}),
    ):
        response = post(client, kith, url, data)
        assert response.status_code == 404, (url, response.status_code)
        assert "secret" not in response.text
    view = records.contact_view(ctx, ana, ben)
    assert [t.name for t in view.tags] == ["secret-tag"]
    assert [n.body for n in view.notes] == ["secret note"]
    assert tiers_tags.get_tier(ctx, ana, tier.id).name == "Secret tier"


def test_pruning_on_the_pages_confirms_exactly_what_goes(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    ana, ben, cleo = make_member(ctx, "Ana"), make_member(ctx, "Ben"), make_member(ctx, "Cleo")
    connect(ctx, ana, ben)
    connect(ctx, ana, cleo)
    kith.clock.advance(days=400)  # type: ignore[attr-defined]
    poll(kith)
    sign_in_as(client, ctx, ana)
    listing = client.get("/relationships/prune").text
    assert ben.name in listing
    assert "You have never messaged each other" in listing
    review = client.get(f"/relationships/prune/review?handle={ben.handle}&handle={cleo.handle}")
    assert review.status_code == 200
    text = review.text.replace("&#39;", "'")
    assert "Remove 2 connections?" in text
    assert "you stop following Ben" in text
    assert "Ben stops following you" in text
    assert "no endorsements and no recommendations between you are hidden" in text
    assert connection_between(ctx.session, ana.id, ben.id) is not None
    done = client.post(
        "/relationships/prune",
        data={"csrf_token": _token(client, kith), "handle": [ben.handle, cleo.handle]},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"].endswith("removed=2")
    assert connection_between(ctx.session, ana.id, ben.id) is None
    assert connection_between(ctx.session, ana.id, cleo.id) is None
    nothing = client.get("/relationships/prune/review")
    assert nothing.status_code == 422


def test_bulk_tag_from_the_organized_list(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana, ben, cleo = make_member(ctx, "Ana"), make_member(ctx, "Ben"), make_member(ctx, "Cleo")
    connect(ctx, ana, ben)
    connect(ctx, ana, cleo)
    poll(kith)
    sign_in_as(client, ctx, ana)
    done = client.post(
        "/relationships/connections/bulk",
        data={
            "csrf_token": _token(client, kith),
            "action": "tag",
            "tag": "alumni",
            "handle": [ben.handle, cleo.handle],
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    [(tag, count)] = tiers_tags.list_tags(ctx, ana)
    assert (tag.name, count) == ("alumni", 2)
    assert isinstance(ana, Member)


def _token(client: TestClient, kith: Kith) -> str:
    from tests.fixtures.pages import csrf

    return csrf(client, kith)
