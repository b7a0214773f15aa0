"""The full JSON archive of a member's data: contents, privacy, statement count, and the
API, page and command-line downloads."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from kith.blocks.service import block
from kith.cli import app
from kith.clock import FrozenClock
from kith.config import Settings
from kith.connections.service import (
    ignore_invitation,
    report_unknown,
    send_invitation,
    withdraw_invitation,
)
from kith.follows.service import follow
from kith.members.service import EducationInput, PositionInput, ProfileInput, update_profile
from kith.messaging.service import send_message
from kith.models import ImportRun, Member
from kith.portability.archive import (
    ARCHIVE_FORMAT,
    ARCHIVE_KEYS,
    ARCHIVE_QUERY_COUNT,
    archive_json,
    member_archive,
)
from kith.relationships import interactions, records, tiers_tags
from kith.runtime import Kith
from kith.uow import Ctx
from kith.web.deps import SESSION_COOKIE
from tests.fixtures.factories import bearer, connect, make_member
from tests.fixtures.portability import meet_private, note_private, private_contact, tag_private
from tests.fixtures.settings import CHEAP_ARGON2, TEST_SECRET

PRIVATE_WORDS = ("bens-secret-tag", "Ben's note about Ana", "Ben met Ana at")


def a_bit_of_everything(ctx: Ctx, clock: FrozenClock) -> dict[str, Member]:
    """Ana, with a profile, connections both ways, invitations in every state both ways,
    messages both ways, follows, a block, tiers, tags, notes, interactions, a private
    contact and an import; and others who keep private data about her."""
    m = {
        key: make_member(ctx, first, last, handle=f"{first.lower()}-{last.lower()}")
        for key, first, last in (
            ("ana", "Ana", "Ruiz"),
            ("ben", "Ben", "Okafor"),
            ("cleo", "Cleo", "Dubois"),
            ("dan", "Dan", "Pires"),
            ("eve", "Eve", "Stone"),
            ("fay", "Fay", "Lund"),
            ("gus", "Gus", "Brandt"),
            ("hal", "Hal", "Moreau"),
            ("ivy", "Ivy", "Chen"),
            ("jon", "Jon", "Berg"),
            ("kim", "Kim", "Sato"),
            ("leo", "Leo", "Marsh"),
            ("mia", "Mia", "Rossi"),
            ("nia", "Nia", "Obi"),
            ("ola", "Ola", "Nowak"),
            ("pat", "Pat", "Kerr"),
        )
    }
    ana = m["ana"]
    # expired both ways: sent long ago
    send_invitation(ctx, ana, m["hal"], note="Long ago")
    send_invitation(ctx, m["mia"], ana, note="Long ago too")
    clock.advance(days=ctx.settings.invitation_expiry_days + 1)
    update_profile(
        ctx,
        ana,
        ProfileInput(
            headline="Platform engineer",
            about="Builds things.",
            location="Lisbon",
            industry="Technology",
            positions=[
                PositionInput("Globex", "Analyst", 2012, end_year=2016),
                PositionInput("Acme", "Engineer", 2017, start_month=3),
            ],
            education=[EducationInput("Uni Lisboa", "MSc", "Computing", 2008, 2012)],
            skills=["Python", "SQL"],
        ),
    )
    connect(ctx, ana, m["ben"])  # Ana invited Ben
    connect(ctx, m["cleo"], ana)  # Cleo invited Ana
    # sent by Ana
    send_invitation(ctx, ana, m["dan"], note="Hello Dan", context="Met at PyCon")
    ignore_invitation(ctx, m["eve"], send_invitation(ctx, ana, m["eve"]).invitation.id)
    report_unknown(ctx, m["fay"], send_invitation(ctx, ana, m["fay"]).invitation.id)
    withdraw_invitation(ctx, ana, send_invitation(ctx, ana, m["gus"]).invitation.id)
    send_invitation(ctx, ana, m["pat"])
    block(ctx, m["pat"], ana)  # closes Ana's invitation, silently
    # received by Ana
    send_invitation(ctx, m["ivy"], ana, note="Hi Ana")
    ignore_invitation(ctx, ana, send_invitation(ctx, m["jon"], ana).invitation.id)
    report_unknown(ctx, ana, send_invitation(ctx, m["kim"], ana).invitation.id)
    withdraw_invitation(ctx, m["leo"], send_invitation(ctx, m["leo"], ana).invitation.id)
    # messages both ways
    clock.advance(hours=1)
    send_message(ctx, ana, m["ben"], "Lunch on Friday?")
    clock.advance(minutes=5)
    send_message(ctx, m["ben"], ana, "Yes, see you there.")
    # follows and a block
    follow(ctx, ana, m["dan"])
    follow(ctx, m["nia"], ana)
    block(ctx, ana, m["ola"])
    # Ana's relationship data
    tiers_tags.ensure_default_tiers(ctx, ana)
    inner = tiers_tags.list_tiers(ctx, ana)[0]
    records.set_tier(ctx, ana, m["ben"], inner.id)
    records.tag_contact(ctx, ana, m["ben"], "mentor")
    records.set_how_we_met(ctx, ana, m["ben"], "Lisbon meetup")
    records.add_note(ctx, ana, m["ben"], "Ask about the platform team.")
    interactions.log_interaction(ctx, ana, m["ben"], "call", note="Quarterly catch-up")
    zoe = private_contact(
        ctx,
        ana,
        "Zoe Martin",
        email="zoe@example.com",
        company="Initech",
        title="Founder",
        connected=date(2024, 5, 1),
    )
    zoe.matched_member_id, zoe.match = m["cleo"].id, "name"
    tag_private(ctx, ana, zoe, "founders")
    note_private(ctx, zoe, "Invite to the spring dinner.")
    meet_private(ctx, zoe, clock.now() - timedelta(days=3), "Coffee")
    ctx.session.add(
        ImportRun(
            owner_id=ana.id,
            created_at=clock.now(),
            filename="Basic_LinkedInDataExport.zip",
            seconds=0.4,
            report=json.dumps(
                {
                    "files": ["Connections.csv"],
                    "counts": {"new": 1, "skipped": 2},
                    "rows": [{"line": 2}, {"line": 3}, {"line": 4}],
                }
            ),
        )
    )
    # what Ben keeps about Ana is his alone
    records.tag_contact(ctx, m["ben"], ana, "bens-secret-tag")
    records.add_note(ctx, m["ben"], ana, "Ben's note about Ana")
    records.set_how_we_met(ctx, m["ben"], ana, "Ben met Ana at a conference")
    ctx.session.flush()
    return m


def by_handle(items: list[dict[str, Any]], key: str | None = None) -> dict[str, dict[str, Any]]:
    return {(i[key] if key else i)["handle"]: i for i in items}


def test_archive_holds_everything_the_member_owns(ctx: Ctx, clock: FrozenClock) -> None:
    m = a_bit_of_everything(ctx, clock)
    ana = m["ana"]
    archive = member_archive(ctx, ana)
    text = archive_json(archive)
    assert json.loads(text) == archive  # plain JSON all the way down
    assert tuple(archive) == ARCHIVE_KEYS
    assert (archive["format"], archive["version"]) == (ARCHIVE_FORMAT, 1)
    assert archive["exported_at"] == clock.now().isoformat()

    account = archive["account"]
    assert (account["email"], account["handle"], account["role"]) == (
        ana.email,
        "ana-ruiz",
        "member",
    )
    assert account["settings"] == {
        "invite_policy": "everyone",
        "follow_policy": "everyone",
        "connections_visibility": "connections",
        "follow_primary": False,
    }

    profile = archive["profile"]
    assert (profile["headline"], profile["location"], profile["industry"]) == (
        "Platform engineer",
        "Lisbon",
        "Technology",
    )
    positions = profile["positions"]
    assert [(p["company"], p["title"], p["start_year"], p["current"]) for p in positions] == [
        ("Acme", "Engineer", 2017, True),
        ("Globex", "Analyst", 2012, False),
    ]
    assert profile["positions"][0]["start_month"] == 3
    assert profile["education"] == [
        {
            "school": "Uni Lisboa",
            "degree": "MSc",
            "field_of_study": "Computing",
            "start_year": 2008,
            "end_year": 2012,
        }
    ]
    assert profile["skills"] == ["Python", "SQL"]
    assert profile["career_stage"] == "mid_career"
    assert profile["career_stage_derived"] is True

    connections = by_handle(archive["connections"])
    assert set(connections) == {"ben-okafor", "cleo-dubois"}
    assert connections["ben-okafor"]["invited_by"] == "ana-ruiz"
    assert connections["cleo-dubois"]["invited_by"] == "cleo-dubois"
    assert connections["ben-okafor"]["url"].endswith("/in/ben-okafor")
    assert connections["ben-okafor"]["name"] == "Ben Okafor"

    sent = by_handle(archive["invitations"]["sent"], "to")
    assert {h: i["status"] for h, i in sent.items()} == {
        "hal-moreau": "expired",
        "ben-okafor": "accepted",
        "dan-pires": "pending",
        "eve-stone": "pending",  # ignored: silent to the sender
        "fay-lund": "pending",  # "I don't know this person": silent too
        "gus-brandt": "withdrawn",
    }  # Pat's block closed Ana's invitation to Pat: to Ana it does not exist, as in the API
    assert (sent["dan-pires"]["note"], sent["dan-pires"]["context"]) == (
        "Hello Dan",
        "Met at PyCon",
    )
    assert sent["gus-brandt"]["withdrawn_at"] is not None
    assert all("closed_at" not in i and "responded_at" not in i for i in sent.values())
    received = by_handle(archive["invitations"]["received"], "from")
    assert {h: i["status"] for h, i in received.items()} == {
        "mia-rossi": "expired",
        "cleo-dubois": "accepted",
        "ivy-chen": "pending",
        "jon-berg": "ignored",  # the recipient sees their own answer
        "kim-sato": "declined_unknown",
        "leo-marsh": "withdrawn",
    }
    assert received["ivy-chen"]["note"] == "Hi Ana"

    follows = archive["follows"]
    assert {f["handle"] for f in follows["following"]} == {"ben-okafor", "cleo-dubois", "dan-pires"}
    assert {f["handle"] for f in follows["followers"]} == {"ben-okafor", "cleo-dubois", "nia-obi"}
    assert [(b["handle"], b["unblocked_at"]) for b in archive["blocks"]] == [("ola-nowak", None)]

    [conversation] = archive["conversations"]
    assert conversation["with"]["handle"] == "ben-okafor"
    assert [(x["from"], x["body"]) for x in conversation["messages"]] == [
        ("me", "Lunch on Friday?"),
        ("ben-okafor", "Yes, see you there."),
    ]
    assert conversation["messages"][1]["sent_at"] > conversation["messages"][0]["sent_at"]

    relationships = archive["relationships"]
    assert [t["name"] for t in relationships["tiers"]][0] == "Inner circle"
    assert all("cadence_days" in t for t in relationships["tiers"])
    assert [t["name"] for t in relationships["tags"]] == ["founders", "mentor"]
    contacts = relationships["contacts"]
    ben = next(c for c in contacts if not c["private"] and c["member"]["handle"] == "ben-okafor")
    assert (ben["tier"], ben["tags"], ben["how_we_met"]) == (
        "Inner circle",
        ["mentor"],
        "Lisbon meetup",
    )
    assert [n["body"] for n in ben["notes"]] == ["Ask about the platform team."]
    assert ben["notes"][0]["created_at"]
    kinds = {(i["kind"], i["note"]) for i in ben["interactions"]}
    assert ("call", "Quarterly catch-up") in kinds
    assert any(i["kind"] == "message" and i["automatic"] for i in ben["interactions"])
    [zoe] = [c for c in contacts if c["private"]]
    assert {k: zoe[k] for k in ("name", "email", "company", "title", "source")} == {
        "name": "Zoe Martin",
        "email": "zoe@example.com",
        "company": "Initech",
        "title": "Founder",
        "source": "linkedin",
    }
    assert zoe["connected_on"] == "2024-05-01"
    assert zoe["url"] == "https://www.linkedin.com/in/zoe-martin"
    assert (zoe["matched_member"]["handle"], zoe["match"]) == ("cleo-dubois", "name")
    assert zoe["tags"] == ["founders"]
    assert [n["body"] for n in zoe["notes"]] == ["Invite to the spring dinner."]
    assert [(i["kind"], i["note"]) for i in zoe["interactions"]] == [("meeting", "Coffee")]

    kinds_seen = {n["kind"] for n in archive["notifications"]}
    assert {"invitation_received", "invitation_accepted", "new_follower"} <= kinds_seen
    assert any(n["actor"]["handle"] == "ivy-chen" for n in archive["notifications"])
    [run] = archive["imports"]
    assert run["filename"] == "Basic_LinkedInDataExport.zip"
    assert (run["files"], run["counts"], run["rows"]) == (
        ["Connections.csv"],
        {"new": 1, "skipped": 2},
        3,
    )


def test_archive_leaves_out_what_is_not_the_members(ctx: Ctx, clock: FrozenClock) -> None:
    m = a_bit_of_everything(ctx, clock)
    text = archive_json(member_archive(ctx, m["ana"]))
    for words in PRIVATE_WORDS:  # Ben's private data about Ana
        assert words not in text
    for key, other in m.items():
        if key != "ana":
            assert other.email not in text  # no other member's address
    assert m["ana"].password_hash not in text
    assert "password" not in text
    assert "digest" not in text
    # and Ben's archive holds none of Ana's private words
    bens = archive_json(member_archive(ctx, m["ben"]))
    for words in ("Lisbon meetup", "Ask about the platform team.", "Zoe Martin", "founders"):
        assert words not in bens
    assert "bens-secret-tag" in bens
    # Ben sees his invitation from Ana as accepted, and Ana's message as received
    [conversation] = json.loads(bens)["conversations"]
    assert conversation["messages"][0]["from"] == "ana-ruiz"


def test_archive_reads_a_fixed_number_of_statements(
    kith: Kith, ctx: Ctx, counted: list[str]
) -> None:
    ana = make_member(ctx, "Ana")
    update_profile(ctx, ana, ProfileInput(positions=[PositionInput("Acme", "Engineer", 2020)]))
    tiers_tags.ensure_default_tiers(ctx, ana)
    for size in (3, 30):
        for n in range(size):
            other = make_member(ctx, "Peer")
            connect(ctx, ana, other)
            send_message(ctx, ana, other, "Hello")
            send_message(ctx, other, ana, "Hi")
            records.tag_contact(ctx, ana, other, "peers")
            records.add_note(ctx, ana, other, "a note")
            send_invitation(ctx, make_member(ctx, "Stranger"), ana)
            contact = private_contact(ctx, ana, f"Private Person{size}x{n}")
            tag_private(ctx, ana, contact, "elsewhere")
            note_private(ctx, contact, "a private note")
        ctx.session.expire_all()
        ctx.session.refresh(ana)
        counted.clear()
        archive = member_archive(ctx, ana)
        assert len(counted) == ARCHIVE_QUERY_COUNT, "\n".join(counted)
        assert len(archive["conversations"]) == len(archive["connections"])
    assert len(archive["connections"]) == 33
    assert ARCHIVE_QUERY_COUNT == 30


def test_archive_download_through_the_api(client: TestClient, ctx: Ctx) -> None:
    ana = make_member(ctx, "Ana", "Ruiz", handle="ana-ruiz")
    ben = make_member(ctx, "Ben", "Okafor")
    connect(ctx, ana, ben)
    response = client.get("/api/v1/me/export/archive", headers=bearer(ctx, ana))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    disposition = response.headers["content-disposition"]
    assert disposition == 'attachment; filename="kith-ana-ruiz-archive.json"'
    body = response.json()
    assert body["account"]["handle"] == "ana-ruiz"
    assert [c["name"] for c in body["connections"]] == ["Ben Okafor"]
    anonymous = client.get("/api/v1/me/export/archive")
    assert anonymous.status_code == 401
    assert anonymous.json()["error"] == "not_authenticated"


def test_page_downloads_for_the_signed_in_member(client: TestClient, ctx: Ctx) -> None:
    from kith.accounts.service import issue_token

    ana = make_member(ctx, "Ana", "Ruiz", handle="ana-ruiz")
    ben = make_member(ctx, "Ben", "Okafor")
    connect(ctx, ana, ben)
    records.tag_contact(ctx, ana, ben, "mentor")
    tag_private(ctx, ana, private_contact(ctx, ana, "Zoe Martin", email="zoe@example.com"), "vc")
    for path in (
        "/me/data/export/connections.csv",
        "/me/data/export/connections.vcf",
        "/me/data/export/archive.json",
    ):
        client.cookies.clear()
        away = client.get(path, follow_redirects=False)
        assert away.status_code == 303
        assert away.headers["location"] == f"/signin?next={path}"
    client.cookies.set(SESSION_COOKIE, issue_token(ctx, ana, kind="session"))
    csv_ = client.get("/me/data/export/connections.csv")
    assert csv_.status_code == 200
    assert csv_.headers["content-type"].startswith("text/csv")
    assert 'filename="kith-ana-ruiz-connections.csv"' in csv_.headers["content-disposition"]
    assert "Ben,Okafor," in csv_.text
    assert "Zoe,Martin,https://www.linkedin.com/in/zoe-martin,zoe@example.com," in csv_.text
    card = client.get("/me/data/export/connections.vcf")
    assert card.status_code == 200
    assert card.headers["content-type"].startswith("text/vcard")
    assert 'filename="kith-ana-ruiz-connections.vcf"' in card.headers["content-disposition"]
    assert "CATEGORIES:vc\r\n" in card.text
    archive = client.get("/me/data/export/archive.json")
    assert archive.status_code == 200
    assert archive.headers["content-type"].startswith("application/json")
    assert 'filename="kith-ana-ruiz-archive.json"' in archive.headers["content-disposition"]
    assert archive.json()["relationships"]["contacts"][-1]["name"] == "Zoe Martin"


# -- the command line, against a throwaway SQLite file --------------------------------

runner = CliRunner()


def test_cli_writes_the_archive_and_private_contacts(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert runner.invoke(app, ["db", "upgrade", "--url", url]).exit_code == 0
    kith = Kith.from_settings(
        Settings(env="test", database_url=url, secret_key=TEST_SECRET, **CHEAP_ARGON2)
    )
    with kith.uow() as ctx:
        ana = make_member(ctx, "Ana", "Ruiz")
        connect(ctx, ana, make_member(ctx, "Ben", "Okafor"))
        tag_private(ctx, ana, private_contact(ctx, ana, "Zoe Martin"), "founders")
        handle, email = ana.handle, ana.email
    target = tmp_path / "ana.json"
    result = runner.invoke(app, ["export", "archive", handle, "-o", str(target), "--url", url])
    assert result.exit_code == 0, result.output
    assert f"Wrote the archive to {target}" in result.output.replace("\n", "")
    archive = json.loads(target.read_text(encoding="utf-8"))
    assert archive["account"]["email"] == email
    assert [c["name"] for c in archive["connections"]] == ["Ben Okafor"]
    out = runner.invoke(app, ["export", "archive", email, "--url", url])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["account"]["handle"] == handle
    missing = runner.invoke(app, ["export", "archive", "nobody", "--url", url])
    assert missing.exit_code == 1
    assert "member_not_found" in missing.output

    csv_target = tmp_path / "ana.csv"
    wrote = runner.invoke(
        app, ["export", "connections", handle, "-o", str(csv_target), "--url", url]
    )
    assert wrote.exit_code == 0, wrote.output
    assert "Wrote 1 connections and 1 private contacts" in wrote.output
    lines = csv_target.read_text(encoding="utf-8").splitlines()
    assert lines[2].startswith("Zoe,Martin,")
    assert ",founders," in lines[2]
    kith.db.dispose()
