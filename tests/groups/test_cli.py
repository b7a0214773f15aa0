"""``kith group``, against a throwaway SQLite file."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from kith.cli import app
from kith.groups import service
from kith.models import Group
from tests.fixtures.factories import make_member
from tests.fixtures.settings import runtime

runner = CliRunner()


def test_operators_list_hand_on_and_archive_groups(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert runner.invoke(app, ["db", "upgrade", "--url", url]).exit_code == 0
    kith = runtime(url)
    with kith.uow() as ctx:
        owner, bea = make_member(ctx, "Olga"), make_member(ctx, "Bea")
        group = service.create_group(ctx, owner, service.GroupDraft("Quiet coves", kind="unlisted"))
        group_id, bea_handle = group.id, bea.handle
    listed = runner.invoke(app, ["group", "list", "--url", url])
    assert listed.exit_code == 0, listed.output
    assert "Quiet coves" in listed.output
    assert "unlisted" in listed.output
    refused = runner.invoke(app, ["group", "transfer", str(group_id), bea_handle, "--url", url])
    assert refused.exit_code == 1
    assert "not_a_member" in refused.output
    missing = runner.invoke(app, ["group", "archive", "99999", "--url", url])
    assert "group_not_found" in missing.output
    archived = runner.invoke(app, ["group", "archive", str(group_id), "--url", url])
    assert archived.exit_code == 0, archived.output
    log = runner.invoke(app, ["group", "log", str(group_id), "--url", url])
    assert "archive" in log.output
    assert "By an operator." in log.output
    with kith.uow(write=False) as ctx:
        assert ctx.session.get_one(Group, group_id).archived_at is not None
    kith.db.dispose()
