"""Deleting one's account: what goes (searched for in every text column of every
table), what stays, the network engine, the page, the API and the command line, on
SQLite and PostgreSQL."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import MetaData, Table, func, insert, inspect, select
from typer.testing import CliRunner

from kith.accounts.credentials import sign_in
from kith.accounts.deletion import delete_account
from kith.accounts.service import SigninFailed, issue_token
from kith.blocks.service import block
from kith.cli import app as cli
from kith.connections.service import send_invitation
from kith.follows.service import follow
from kith.members.service import EducationInput, PositionInput, ProfileInput, update_profile
from kith.messaging.service import send_message
from kith.models import (
    AuthToken,
    CommunityInsightsResult,
    Company,
    Connection,
    Contact,
    ContactNote,
    Conversation,
    Follow,
    ImportRun,
    Invitation,
    Member,
    Message,
    NetworkOutbox,
    SearchDocument,
    SigninAttempt,
    SuggestionSeen,
)
from kith.models.former import placeholder_handle
from kith.network_sync import verify
from kith.relationships.interactions import log_interaction
from kith.relationships.records import add_note, set_how_we_met, set_tier, tag_contact
from kith.relationships.tiers_tags import create_tier
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.factories import PASSWORD, bearer, connect, make_member
from tests.fixtures.pages import alerts, post, sign_in_as
from tests.fixtures.refusals import refusal, refused

API = "/api/v1"
FIRST, LAST = "Grace", "Hopperwick"
EMAIL = "grace.hopperwick@example.org"
HANDLE = "grace-hopperwick"
NEEDLES = (FIRST, LAST, EMAIL, HANDLE)


@dataclass
class World:
    grace: Member
    ana: Member  # connected, messages both ways, keeps notes about Grace
    ben: Member  # connected
    cleo: Member  # follows Grace
    dev: Member  # Grace invited him (pending), Grace follows him
    eve: Member  # invited Grace (pending)
    fay: Member  # blocked by Grace
    hal: Member  # blocked Grace
    admin: Member
    ana_private_id: int  # Ana's private contact recognised as Grace


def build(ctx: Ctx, kith: Kith) -> World:
    """Grace with everything a member can have, and others with data about her."""
    grace = make_member(ctx, FIRST, LAST, email=EMAIL, handle=HANDLE)
    ana, ben, cleo, dev, eve, fay, hal = (
        make_member(ctx, n, "Other") for n in ("Ana", "Ben", "Cleo", "Dev", "Eve", "Fay", "Hal")
    )
    admin = make_member(ctx, "Root", "Admin", role="admin")
    update_profile(
        ctx,
        grace,
        ProfileInput(
            headline="Compiler writer at Hopperwick Analytics",
            about="I am Grace Hopperwick and I write compilers.",
            location="Arlington",
            industry="Technology",
            positions=[
                PositionInput(company="Hopperwick Analytics", title="Founder", start_year=2019),
                PositionInput(company="Acme", title="Engineer", start_year=2015, end_year=2019),
            ],
            education=[EducationInput(school="Hopperwick Institute", degree="PhD")],
            skills=["Hopperwick Method", "Compilers"],
        ),
    )
    update_profile(
        ctx,
        ana,
        ProfileInput(positions=[PositionInput(company="Acme", title="Analyst", start_year=2016)]),
    )
    connect(ctx, grace, ana, note="Ana, it's Grace Hopperwick from Acme")
    connect(ctx, ben, grace, note="Hello Grace")
    follow(ctx, cleo, grace)
    follow(ctx, grace, dev)
    send_invitation(ctx, grace, dev, note="Dev, Grace Hopperwick here", context="Grace's meetup")
    send_invitation(ctx, eve, grace, note="Dear Grace Hopperwick, let's connect")
    block(ctx, grace, fay)
    block(ctx, hal, grace)
    send_message(ctx, grace, ana, "Lunch on Tuesday? Grace Hopperwick")
    send_message(ctx, ana, grace, "Sure, see you then")
    send_message(ctx, grace, ana, "Great, signed Grace")

    # Grace's own relationship data.
    tier = create_tier(ctx, grace, "Hopperwick circle", 30)
    set_tier(ctx, grace, ana, tier.id)
    tag_contact(ctx, grace, ana, "Hopperwick alumni")
    set_how_we_met(ctx, grace, ana, "At Grace Hopperwick's first job")
    add_note(ctx, grace, ana, "Grace: remember Ana's birthday")
    log_interaction(ctx, grace, ben, "meeting", note="Grace Hopperwick met Ben for coffee")
    now = ctx.clock.now()
    private = Contact(
        owner_id=grace.id,
        name="Zed Private",
        email="zed@example.net",
        company="Hopperwick Analytics",
        source="linkedin",
        source_key="url:zed",
        created_at=now,
    )
    ctx.session.add(private)
    ctx.session.flush()
    ctx.session.add(
        ContactNote(
            contact_id=private.id,
            body="Zed knows Grace Hopperwick",
            created_at=now,
            updated_at=now,
        )
    )
    ctx.session.add(
        ImportRun(
            owner_id=grace.id,
            created_at=now,
            filename="grace-hopperwick-linkedin.zip",
            report=json.dumps({"owner": "Grace Hopperwick", "rows": 1}),
            profile=json.dumps({"first_name": "Grace", "email": EMAIL}),
        )
    )
    # What others keep about Grace: theirs, and free of her name.
    tag_contact(ctx, ana, grace, "Conference")
    add_note(ctx, ana, grace, "Met at the compilers conference")
    ana_private = Contact(
        owner_id=ana.id,
        name="G. H.",
        email="gh@elsewhere.example",
        source="linkedin",
        source_key="url:gh",
        matched_member_id=grace.id,
        match="name",
        created_at=now,
    )
    ctx.session.add(ana_private)
    # Ana's import report says whom on Kith a row of her file was matched to.
    row = {
        "line": 2,
        "name": "G. H.",
        "member_id": grace.id,
        "member_name": grace.name,
        "member_handle": grace.handle,
        "match": "name",
        "status": "matched",
    }
    report = {"rows": [row], "counts": {"matched": 1}}
    ctx.session.add(
        ImportRun(
            owner_id=ana.id,
            created_at=now,
            filename="Connections.csv",
            report=json.dumps(report, separators=(",", ":")),
        )
    )
    # Suggestions both ways, sessions, tokens and sign-in attempts.
    ctx.session.add_all(
        [
            SuggestionSeen(viewer_id=grace.id, member_id=cleo.id, shown=2),
            SuggestionSeen(viewer_id=cleo.id, member_id=grace.id, shown=1),
        ]
    )
    issue_token(ctx, grace, kind="session")
    issue_token(ctx, grace, kind="api")
    with pytest.raises(SigninFailed):
        sign_in(kith, email=EMAIL, password="not it", address="10.0.0.9", kind="api")
    sign_in(kith, email=EMAIL, password=PASSWORD, address="10.0.0.9", kind="api")
    ctx.session.flush()
    assert kith.network is not None
    kith.network.poll()
    return World(grace, ana, ben, cleo, dev, eve, fay, hal, admin, ana_private.id)


def sweep(ctx: Ctx, needles: tuple[str, ...] = NEEDLES) -> set[tuple[str, str, str]]:
    """(table, column, needle) for every text value in the database that contains a
    needle, case-insensitively. Every table the database has is reflected, not only
    the models' (SQLite's full-text tables, PostgreSQL's tsvector column)."""
    conn = ctx.session.connection()
    hits = set()
    for name in inspect(conn).get_table_names():
        table = Table(name, MetaData(), autoload_with=conn)
        for row in conn.execute(select(table)).mappings():
            for column, value in row.items():
                if isinstance(value, (dict, list)):
                    value = json.dumps(value)
                if isinstance(value, bytes):
                    value = value.decode("utf-8", "ignore")
                if not isinstance(value, str):
                    continue
                for needle in needles:
                    if needle.lower() in value.lower():
                        hits.add((name, column, needle))
    return hits


def delete_me(client: TestClient, headers: dict[str, str], body: Any = None) -> Any:
    kwargs: dict[str, Any] = {} if body is None else {"json": body}
    return client.request("DELETE", f"{API}/me", headers=headers, **kwargs)


def test_nothing_of_theirs_is_left_in_any_table(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    w = build(ctx, kith)
    before = sweep(ctx)
    tables = {table for table, _, _ in before}
    # The sweep sees every kind of place the member's words were (it is not vacuous).
    assert {
        "members",
        "search_documents",
        "invitations",
        "messages",
        "contacts",
        "contact_notes",
        "tiers",
        "tags",
        "interactions",
        "import_runs",
        "companies",
        "schools",
        "skills",
        "signin_attempts",
    } <= tables, tables
    response = delete_me(client, bearer(ctx, w.grace), {"password": PASSWORD})
    assert response.status_code == 204, response.text
    assert sweep(ctx) == set()

    ctx.session.expire_all()
    grace = ctx.session.get_one(Member, w.grace.id)
    assert (grace.name, grace.is_active) == ("Former member", False)
    assert grace.deleted_at == ctx.clock.now()
    assert grace.handle == placeholder_handle(grace.id)
    assert grace.email == f"deleted-{grace.id}@deleted.invalid"
    # The shared company stays for Ana; the ones only Grace used are gone.
    assert ctx.session.scalars(select(Company.name)).all() == ["Acme"]
    assert ctx.session.get(SearchDocument, grace.id) is None
    for model, column in (
        (AuthToken, AuthToken.member_id),
        (Contact, Contact.owner_id),
        (ImportRun, ImportRun.owner_id),
        (Follow, Follow.follower_id),
        (Follow, Follow.followee_id),
        (SuggestionSeen, SuggestionSeen.member_id),
        (SuggestionSeen, SuggestionSeen.viewer_id),
    ):
        count = ctx.session.scalar(
            select(func.count()).select_from(model).where(column == grace.id)
        )
        assert count == 0, model
    assert ctx.session.scalar(select(func.count()).select_from(SigninAttempt)) == 0
    # Invitations stay as history, closed and without words.
    invitations = ctx.session.scalars(
        select(Invitation).where(
            (Invitation.sender_id == grace.id) | (Invitation.recipient_id == grace.id)
        )
    ).all()
    assert len(invitations) == 4
    assert {i.status for i in invitations} == {"accepted", "cancelled"}
    assert all(i.note == "" and i.context == "" for i in invitations)


def test_the_engine_forgets_them_and_the_other_side_keeps_the_conversation(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    w = build(ctx, kith)
    assert kith.network is not None
    engine = kith.network.engine
    assert engine.is_connected(w.grace.id, w.ana.id)
    assert engine.degree(w.ana.id, w.ben.id) == 2  # through Grace
    ana = bearer(ctx, w.ana)
    handle = w.grace.handle
    assert delete_me(client, bearer(ctx, w.grace), {"password": PASSWORD}).status_code == 204

    engine = kith.network.engine
    assert engine.connection_count(w.grace.id) == 0
    assert not engine.is_connected(w.grace.id, w.ana.id)
    assert engine.degree(w.ana.id, w.ben.id) == 0
    assert verify(kith.network).ok
    outbox = ctx.session.scalars(select(NetworkOutbox).order_by(NetworkOutbox.id.desc())).first()
    assert outbox is not None
    assert (outbox.kind, outbox.a) == ("remove_member", w.grace.id)
    assert ctx.session.scalar(select(func.count()).select_from(Connection)) == 0

    inbox = client.get(f"{API}/messages", headers=ana).json()
    [entry] = inbox["items"]
    assert entry["with"]["name"] == "Former member"
    assert entry["with"]["former_member"] is True
    assert entry["with"]["url"] == ""
    assert entry["with"]["degree"] is None
    assert entry["unread"] == 0
    assert inbox["unread"] == 0
    conversation = client.get(f"{API}/messages/{entry['id']}", headers=ana).json()
    bodies = [(m["from_you"], m["body"]) for m in conversation["items"]]
    assert bodies == [(False, ""), (True, "Sure, see you then"), (False, "")]
    assert conversation["can_write"] is False
    former = conversation["conversation"]["with"]["handle"]
    refused(
        client.post(f"{API}/messages", json={"to": former, "body": "Hi?"}, headers=ana),
        404,
        "member_not_found",
    )
    # No profile, old handle or new: a 404 like any inactive member.
    refused(client.get(f"{API}/members/{former}", headers=ana), 404, "member_not_found")
    refused(client.get(f"{API}/members/{handle}", headers=ana), 404, "member_not_found")
    found = client.get(f"{API}/search/people", params={"q": FIRST}, headers=ana).json()
    assert found["items"] == []
    for beginning in ("Gra", "Form"):
        typed = client.get(f"{API}/search/typeahead", params={"q": beginning}, headers=ana)
        assert typed.json()["items"] == [], beginning
    suggested = client.get(f"{API}/suggestions", headers=bearer(ctx, w.ben)).json()
    assert former not in json.dumps(suggested)

    # What Ana keeps about Grace stays Ana's, on the anonymised row; her private
    # contact no longer points at Grace.
    ctx.session.expire_all()
    mine = ctx.session.scalar(
        select(Contact).where(Contact.owner_id == w.ana.id, Contact.other_id == w.grace.id)
    )
    assert mine is not None
    notes = ctx.session.scalars(select(ContactNote.body).where(ContactNote.contact_id == mine.id))
    assert notes.all() == ["Met at the compilers conference"]
    private = ctx.session.get_one(Contact, w.ana_private_id)
    assert (private.matched_member_id, private.match, private.name) == (None, None, "G. H.")
    [report] = ctx.session.scalars(select(ImportRun.report).where(ImportRun.owner_id == w.ana.id))
    [row] = json.loads(report)["rows"]
    assert (row["name"], row["member_id"], row["member_name"]) == ("G. H.", None, "")


def test_the_conversation_pages_show_a_former_member(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    w = build(ctx, kith)
    with kith.uow() as uow:
        delete_account(uow, uow.session.get_one(Member, w.grace.id), password=PASSWORD)
    former = placeholder_handle(w.grace.id)
    sign_in_as(client, ctx, w.ana)
    inbox = client.get("/messages").text
    assert "Former member" in inbox
    assert "Message removed" in inbox
    assert f"/in/{former}" not in inbox
    page = client.get(f"/messages/with/{former}")
    assert page.status_code == 200
    assert "Sure, see you then" in page.text
    assert "Lunch on Tuesday" not in page.text
    assert page.text.split('id="messages"')[1].count("Message removed") == 2
    assert "deleted their account" in page.text
    assert 'class="composer"' not in page.text
    assert f'href="/in/{former}"' not in page.text
    assert client.get(f"/in/{former}").status_code == 404
    assert client.get(f"/in/{HANDLE}").status_code == 404
    # Someone who never wrote with them finds no such page.
    sign_in_as(client, ctx, w.cleo)
    assert client.get(f"/messages/with/{former}").status_code == 404


def test_the_insights_stored_results_forget_them(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    w = build(ctx, kith)
    admin = bearer(ctx, w.admin)
    assert client.post(f"{API}/insights/community/refresh", headers=admin).status_code == 200
    report = client.get(f"{API}/insights/community", headers=admin).json()
    assert HANDLE in [p["handle"] for p in report["welcome"]]
    assert delete_me(client, bearer(ctx, w.grace), {"password": PASSWORD}).status_code == 204
    ctx.session.expire_all()
    for payload in ctx.session.scalars(select(CommunityInsightsResult.payload)):
        data = json.loads(payload)
        assert w.grace.id not in [i for i, _ in data["welcome"]]
        assert w.grace.id not in [b["id"] for b in data["bridges"]]
    after = client.get(f"{API}/insights/community", headers=admin)
    assert after.status_code == 200
    handles = [p["handle"] for p in after.json()["welcome"]]
    assert HANDLE not in handles
    assert placeholder_handle(w.grace.id) not in handles


def test_the_page_explains_confirms_and_signs_out(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    grace = make_member(ctx, FIRST, LAST, email=EMAIL)
    ana = make_member(ctx, "Ana")
    connect(ctx, grace, ana)
    assert kith.network is not None
    kith.network.poll()
    sign_in_as(client, ctx, grace)
    settings = client.get("/me/settings").text
    assert 'href="/settings/delete-account"' in settings
    page = client.get("/settings/delete-account")
    assert page.status_code == 200
    for words in ("What goes", "What stays", "Former member", "1 connection", 'name="password"'):
        assert words in page.text, words

    wrong = post(client, kith, "/settings/delete-account", {"password": "not my password"})
    assert wrong.status_code == 403
    assert alerts(wrong.text) == ["That password is not right; your account was not deleted."]
    empty = post(client, kith, "/settings/delete-account", {"password": ""})
    assert empty.status_code == 422
    assert alerts(empty.text) == [
        "Enter your password to confirm that you want to delete your account."
    ]
    ctx.session.expire_all()
    assert ctx.session.get_one(Member, grace.id).is_active

    done = post(client, kith, "/settings/delete-account", {"password": PASSWORD})
    assert done.status_code == 303
    assert done.headers["location"] == "/goodbye"
    assert "kith_session=" in done.headers["set-cookie"]  # the cookie is removed
    goodbye = client.get("/goodbye")
    assert goodbye.status_code == 200
    assert "Your account is deleted" in goodbye.text
    assert kith.network.engine.connection_count(grace.id) == 0
    # Signed out: the page now asks to sign in.
    again = client.get("/settings/delete-account", follow_redirects=False)
    assert again.status_code == 303
    assert again.headers["location"].startswith("/signin")


def test_signed_out_requests_are_sent_to_sign_in(client: TestClient, kith: Kith) -> None:
    page = client.get("/settings/delete-account", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/signin?next=/settings/delete-account"
    submitted = post(client, kith, "/settings/delete-account", {"password": PASSWORD})
    assert submitted.status_code == 303
    assert submitted.headers["location"].startswith("/signin")
    refused(delete_me(client, {}, {"password": PASSWORD}), 401, "not_authenticated")


def test_api_refusals_change_nothing(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    grace = make_member(ctx, FIRST, LAST, email=EMAIL)
    headers = bearer(ctx, grace)
    body = refused(delete_me(client, headers, {"password": "wrong"}), 403, "wrong_password")
    assert body["detail"] == "That password is not right; your account was not deleted."
    refused(delete_me(client, headers, {"password": ""}), 422, "confirmation_required")
    refused(delete_me(client, headers), 422, "confirmation_required")
    refused(delete_me(client, headers, {"pasword": PASSWORD}), 422, "invalid")
    assert client.get(f"{API}/me", headers=headers).status_code == 200
    assert delete_me(client, headers, {"password": PASSWORD}).status_code == 204
    # Every token went with the account.
    refused(delete_me(client, headers, {"password": PASSWORD}), 401, "not_authenticated")
    refused(client.get(f"{API}/me", headers=headers), 401, "not_authenticated")


def test_deleting_twice_or_unconfirmed_is_refused(ctx: Ctx) -> None:
    grace = make_member(ctx, FIRST, LAST, email=EMAIL)
    refusal("confirmation_required", delete_account, ctx, grace)
    refusal("confirmation_required", delete_account, ctx, grace, password="")
    refusal("wrong_password", delete_account, ctx, grace, password="nope")
    assert grace.is_active
    assert grace.deleted_at is None
    delete_account(ctx, grace, password=PASSWORD)
    refusal("account_deleted", delete_account, ctx, grace, password=PASSWORD)
    refusal("account_deleted", delete_account, ctx, grace, confirmed=True)


def test_no_sign_in_afterwards_and_the_address_is_free_again(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    grace = make_member(ctx, FIRST, LAST, email=EMAIL, handle=HANDLE)
    other = make_member(ctx, "Ana")
    delete_account(ctx, grace, confirmed=True)
    delete_account(ctx, other, confirmed=True)  # placeholders are unique
    ctx.session.flush()
    for email in (EMAIL, grace.email):
        refused(
            client.post(f"{API}/auth/token", json={"email": email, "password": PASSWORD}),
            401,
            "invalid_credentials",
        )
    signup = client.post(
        f"{API}/auth/signup",
        json={"email": EMAIL, "password": PASSWORD, "first_name": FIRST, "last_name": LAST},
    )
    assert signup.status_code == 201, signup.text
    assert signup.json()["handle"] == HANDLE
    new = ctx.session.scalar(select(Member).where(Member.email == EMAIL))
    assert new is not None
    assert new.id != grace.id
    assert new.is_active
    # Nobody can sign up into a placeholder.
    refused(
        client.post(
            f"{API}/auth/signup",
            json={
                "email": grace.email,
                "password": PASSWORD,
                "first_name": "X",
                "last_name": "Y",
                "handle": grace.handle,
            },
        ),
        422,
        "invalid_email",
    )


def test_thirty_thousand_connections_go_at_once(kith: Kith, ctx: Ctx) -> None:
    """Set-wise: one statement per table and one outbox row, not one per connection."""
    n = ctx.settings.max_connections
    hub = make_member(ctx, "Hub", "Member")
    now = ctx.clock.now()
    ctx.session.execute(
        insert(Member),
        [
            {
                "email": f"m{i}@example.org",
                "handle": f"bulk-{i}",
                "password_hash": "x",
                "role": "member",
                "is_active": True,
                "created_at": now,
                "first_name": "Bulk",
                "last_name": str(i),
                "headline": "",
                "about": "",
                "location": "",
                "industry": "",
                "invite_policy": "everyone",
                "follow_policy": "everyone",
                "connections_visibility": "connections",
                "follow_primary": False,
            }
            for i in range(n)
        ],
    )
    ids = ctx.session.scalars(select(Member.id).where(Member.first_name == "Bulk")).all()
    ctx.session.execute(
        insert(Connection),
        [
            {
                "member_lo_id": min(hub.id, i),
                "member_hi_id": max(hub.id, i),
                "inviter_id": i,
                "context": "",
                "created_at": now,
            }
            for i in ids
        ],
    )
    ctx.session.execute(
        insert(Follow),
        [{"follower_id": i, "followee_id": hub.id, "created_at": now} for i in ids]
        + [{"follower_id": hub.id, "followee_id": i, "created_at": now} for i in ids],
    )
    network = kith.start_network(thread=False)
    assert network.engine.connection_count(hub.id) == n
    started = time.perf_counter()
    with kith.uow() as uow:
        delete_account(uow, uow.session.get_one(Member, hub.id), confirmed=True)
    seconds = time.perf_counter() - started
    assert seconds < 30, f"{seconds:.1f}s"
    assert network.engine.connection_count(hub.id) == 0
    assert network.engine.num_edges == 0
    assert ctx.session.scalar(select(func.count()).select_from(Connection)) == 0
    assert ctx.session.scalar(select(func.count()).select_from(Follow)) == 0
    kinds = ctx.session.scalars(select(NetworkOutbox.kind)).all()
    assert kinds == ["remove_member"]


def test_the_former_member_s_messages_keep_their_place(ctx: Ctx) -> None:
    """The conversation keeps its numbering: only the former member's words go."""
    grace, ana = make_member(ctx, FIRST, LAST), make_member(ctx, "Ana")
    connect(ctx, grace, ana)
    for who, to, body in ((grace, ana, "one"), (ana, grace, "two"), (grace, ana, "three")):
        send_message(ctx, who, to, body)
    delete_account(ctx, grace, confirmed=True)
    ctx.session.expire_all()
    rows = ctx.session.execute(select(Message.seq, Message.body).order_by(Message.seq)).all()
    assert [tuple(r) for r in rows] == [(1, ""), (2, "two"), (3, "")]
    conversation = ctx.session.scalars(select(Conversation)).one()
    assert conversation.unread(ana.id) == 0


runner = CliRunner()


def test_the_command_line_deletes_with_yes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert runner.invoke(cli, ["db", "upgrade", "--url", url]).exit_code == 0
    made = runner.invoke(
        cli,
        ["member", "create", EMAIL, "--first-name", FIRST, "--last-name", LAST, "--url", url],
    )
    assert made.exit_code == 0, made.output
    unconfirmed = runner.invoke(cli, ["member", "delete", HANDLE, "--url", url])
    assert unconfirmed.exit_code == 1
    assert "confirmation_required" in unconfirmed.output
    done = runner.invoke(cli, ["member", "delete", EMAIL.upper(), "--yes", "--url", url])
    assert done.exit_code == 0, done.output
    assert "Deleted the account of Grace Hopperwick" in done.output
    missing = runner.invoke(cli, ["member", "delete", EMAIL, "--yes", "--url", url])
    assert missing.exit_code == 1
    assert "member_not_found" in missing.output
    twice = runner.invoke(cli, ["member", "delete", "former_member_1", "--yes", "--url", url])
    assert twice.exit_code == 1
    assert "account_deleted" in twice.output


def test_the_other_sides_archive_names_a_former_member_without_a_link(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    from kith.portability.archive import member_archive

    w = build(ctx, kith)
    assert delete_me(client, bearer(ctx, w.grace), {"password": PASSWORD}).status_code == 204
    ctx.session.expire_all()
    archive = member_archive(ctx, ctx.session.get_one(Member, w.ana.id))
    others = [c["with"] for c in archive["conversations"]]
    assert {"name": "Former member", "handle": None, "url": None} in others
    text = json.dumps(archive)
    assert HANDLE not in text
    assert placeholder_handle(w.grace.id) not in text
