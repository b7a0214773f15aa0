"""``kith admin``: the same administration from the command line, with the audit log
naming the administrator given with ``--as``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from kith.cli import app
from kith.cli._common import runtime
from kith.models import AuditEntry, Member

runner = CliRunner()


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert runner.invoke(app, ["db", "upgrade", "--url", url]).exit_code == 0
    for email, extra in (("ada@example.org", ["--admin"]), ("ben@example.org", [])):
        name = email.split("@")[0].title()
        result = runner.invoke(
            app,
            [
                "member",
                "create",
                email,
                "--first-name",
                name,
                "--last-name",
                "Test",
                "--password",
                "a long password",
                "--url",
                url,
                *extra,
            ],
        )
        assert result.exit_code == 0, result.output
    return url


def run(url: str, *args: str) -> str:
    result = runner.invoke(app, ["admin", *args, "--url", url])
    assert result.exit_code == 0, result.output
    return result.output


def test_settings_invitations_suspension_and_audit(url: str) -> None:
    me = ("--as", "ada@example.org")
    run(
        url,
        "settings",
        "set",
        "join_mode=invitation",
        "public_profiles=yes",
        *me,
        "--reason",
        "Members only",
    )
    shown = run(url, "settings", "show")
    assert 'join_mode = "invitation"' in shown
    assert "public_profiles = true" in shown
    made = run(url, "invitations", "create", "--uses", "5", "--label", "Gala", *me)
    assert "/signup?code=" in made
    assert run(url, "invitations", "list", *me).split()[2:] == ["0/5", "active", "Gala"]
    run(url, "suspend", "ben@example.org", "--reason", "Spam", *me)
    assert "suspended" in run(url, "members", "--status", "suspended", *me)
    run(url, "reactivate", "ben-test", "--reason", "Appeal", *me)
    exported = json.loads(run(url, "audit", "--export", "json", *me))
    assert [e["action"] for e in exported] == [
        "settings_changed",
        "invitation_created",
        "member_suspended",
        "member_reactivated",
    ]
    assert exported[0]["reason"] == "Members only"
    # A member who is not an administrator is refused, and nothing changes.
    refused = runner.invoke(
        app,
        ["admin", "suspend", "ada@example.org", "--reason", "x", "--as", "ben-test", "--url", url],
    )
    assert refused.exit_code == 1
    assert "admin_only" in refused.output
    missing = runner.invoke(
        app, ["admin", "suspend", "nobody@example.org", "--reason", "x", *me, "--url", url]
    )
    assert "member_not_found" in missing.output
    with runtime(url).uow(write=False) as ctx:
        assert all(m.is_active for m in ctx.session.scalars(select(Member)))
        assert len(ctx.session.scalars(select(AuditEntry)).all()) == 4
