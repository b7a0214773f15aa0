"""The command line, against a throwaway SQLite file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from kith.cli import app
from kith.clock import FrozenClock
from kith.connections.service import send_invitation, status_for
from kith.models import Invitation, Member
from kith.security import verify_password
from tests.fixtures.factories import connect, make_member
from tests.fixtures.settings import runtime

runner = CliRunner()


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    result = runner.invoke(app, ["db", "upgrade", "--url", url])
    assert result.exit_code == 0, result.output
    return url


def test_member_create_admin(url: str) -> None:
    result = runner.invoke(
        app,
        [
            "member",
            "create",
            "ada@example.org",
            "--first-name",
            "Ada",
            "--last-name",
            "Lovelace",
            "--admin",
            "--password",
            "a long password",
            "--url",
            url,
        ],
    )
    assert result.exit_code == 0, result.output
    assert "ada-lovelace" in result.output
    assert "admin" in result.output
    kith = runtime(url)
    with kith.uow(write=False) as ctx:
        member = ctx.session.scalars(select(Member)).one()
        assert (member.email, member.handle, member.role) == (
            "ada@example.org",
            "ada-lovelace",
            "admin",
        )
        assert verify_password(member.password_hash, "a long password", kith.settings)
    kith.db.dispose()


def test_member_create_generates_a_password_and_refuses_duplicates(url: str) -> None:
    args = [
        "member",
        "create",
        "bob@example.org",
        "--first-name",
        "Bob",
        "--last-name",
        "Stone",
        "--url",
        url,
    ]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "Password:" in first.output
    assert "(member)" in first.output
    second = runner.invoke(app, args)
    assert second.exit_code == 1
    assert "email_taken" in second.output
    kith = runtime(url)
    with kith.uow(write=False) as ctx:
        assert ctx.session.scalars(select(Member.role)).all() == ["member"]
    kith.db.dispose()


def test_invitations_expire(url: str) -> None:
    now = datetime.now(UTC)
    kith = runtime(url, FrozenClock(now - timedelta(days=200)))
    with kith.uow() as ctx:
        a, b, c = make_member(ctx, "Ana"), make_member(ctx, "Ben"), make_member(ctx, "Cy")
        old = send_invitation(ctx, a, b).invitation.id
    kith.clock = FrozenClock(now - timedelta(days=10))
    with kith.uow() as ctx:
        young = send_invitation(ctx, a, c).invitation.id
    result = runner.invoke(app, ["invitations", "expire", "--url", url])
    assert result.exit_code == 0, result.output
    assert "Expired 1 invitation." in result.output
    with kith.uow(write=False) as ctx:
        statuses = dict(ctx.session.execute(select(Invitation.id, Invitation.status)).all())
        assert statuses == {old: "expired", young: "pending"}
        young_row = ctx.session.get_one(Invitation, young)
        assert status_for(ctx, young_row, young_row.sender_id) == "pending"
    again = runner.invoke(app, ["invitations", "expire", "--url", url])
    assert "Expired 0 invitations." in again.output
    kith.db.dispose()


def test_reminders_prints_who_is_due(url: str) -> None:
    from kith.relationships.records import set_tier
    from kith.relationships.tiers_tags import ensure_default_tiers, list_tiers
    from tests.fixtures.factories import connect

    kith = runtime(url, FrozenClock(datetime(2020, 1, 1, tzinfo=UTC)))
    with kith.uow() as ctx:
        ana = make_member(ctx, "Ana", "Ruiz")
        ben, cleo = make_member(ctx, "Ben", "Okafor"), make_member(ctx, "Cleo", "Park")
        connect(ctx, ana, ben)
        connect(ctx, ana, cleo)
        ensure_default_tiers(ctx, ana)
        set_tier(ctx, ana, ben, list_tiers(ctx, ana)[0].id)
        handle, email = ana.handle, ana.email
    result = runner.invoke(app, ["reminders", handle, "--url", url])
    assert result.exit_code == 0, result.output
    assert "Ben Okafor" in result.output
    assert "Inner circle" in result.output
    assert "Cleo" not in result.output
    by_email = runner.invoke(app, ["reminders", email.upper(), "--url", url])
    assert "Ben Okafor" in by_email.output
    missing = runner.invoke(app, ["reminders", "nobody", "--url", url])
    assert missing.exit_code == 1
    assert "member_not_found" in missing.output
    with kith.uow() as ctx:
        fresh = make_member(ctx, "Dev")
        fresh_handle = fresh.handle
    quiet = runner.invoke(app, ["reminders", fresh_handle, "--url", url])
    assert quiet.exit_code == 0
    assert "Nobody is due" in quiet.output


def test_insights_member_and_community(url: str) -> None:
    kith = runtime(url)
    with kith.uow() as ctx:
        ana = make_member(ctx, "Ana", industry="Technology")
        ben = make_member(ctx, "Ben", industry="Healthcare")
        connect(ctx, ana, ben)
        handle = ana.handle
    missing = runner.invoke(app, ["insights", "community", "--url", url])
    assert missing.exit_code == 1
    assert "not been computed yet" in missing.output
    result = runner.invoke(app, ["insights", "community", "--refresh", "--url", url])
    assert result.exit_code == 0, result.output
    assert "Computed in" in result.output
    assert "members" in result.output
    assert "Technology" in result.output
    result = runner.invoke(app, ["insights", "--member", handle, "--url", url])
    assert result.exit_code == 0, result.output
    assert "1 connections" in result.output or "1 connection" in result.output
    assert "Guideline A" in result.output
    assert "Guideline B" in result.output
    assert "Healthcare" in result.output
    unknown = runner.invoke(app, ["insights", "--member", "nobody-here", "--url", url])
    assert unknown.exit_code == 1
    assert "member_not_found" in unknown.output
    bare = runner.invoke(app, ["insights", "--url", url])
    assert bare.exit_code == 2


def test_export_connections_to_a_file_or_stdout(url: str, tmp_path: Path) -> None:
    from kith.relationships.records import tag_contact

    kith = runtime(url)
    with kith.uow() as ctx:
        ana = make_member(ctx, "Ana", "Ruiz")
        ben = make_member(ctx, "Ben", "Okafor")
        connect(ctx, ana, ben)
        tag_contact(ctx, ana, ben, "mentor")
        handle = ana.handle
    target = tmp_path / "ana.csv"
    result = runner.invoke(app, ["export", "connections", handle, "-o", str(target), "--url", url])
    assert result.exit_code == 0, result.output
    assert "Wrote 1 connections" in result.output
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On,Tags"
    )
    assert lines[1].startswith("Ben,Okafor,")
    assert ",mentor," in lines[1]
    card = runner.invoke(app, ["export", "connections", handle, "--format", "vcard", "--url", url])
    assert card.exit_code == 0, card.output
    assert "FN:Ben Okafor" in card.output
    bad = runner.invoke(app, ["export", "connections", handle, "--format", "xml", "--url", url])
    assert bad.exit_code == 2
    missing = runner.invoke(app, ["export", "connections", "nobody", "--url", url])
    assert missing.exit_code == 1
    assert "member_not_found" in missing.output
