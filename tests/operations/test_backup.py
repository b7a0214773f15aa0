"""``kith backup`` and ``kith restore``: a round trip gives back every table as it was."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import delete, inspect, text
from typer.testing import CliRunner

from kith.cli import app
from kith.demo.service import build_demo
from kith.models import Connection, Message
from kith.runtime import Kith
from tests.fixtures.factories import make_member


def _every_table(kith: Kith) -> dict[str, list[tuple[object, ...]]]:
    with kith.db.writer.connect() as conn:
        names = [n for n in inspect(conn).get_table_names() if not n.startswith("sqlite_")]
        return {
            name: sorted(
                (tuple(row) for row in conn.execute(text(f'SELECT * FROM "{name}"'))), key=repr
            )
            for name in names
        }


def test_a_backup_restores_every_table(committed_kith: Kith, tmp_path: Path) -> None:
    with committed_kith.uow() as ctx:
        build_demo(ctx, members=40, seed=5)
    before = _every_table(committed_kith)
    assert len(before["connections"]) > 0
    assert len(before["messages"]) > 0
    url = committed_kith.db.url
    runner = CliRunner()
    file = tmp_path / "kith.backup"

    done = runner.invoke(app, ["backup", str(file), "--url", url])
    assert done.exit_code == 0, done.output
    assert file.stat().st_size > 0
    assert not file.with_name("kith.backup.partial").exists()

    # Changes after the backup: one more member, connections and messages gone.
    with committed_kith.uow() as ctx:
        make_member(ctx, "Late")
        ctx.session.execute(delete(Message))
        ctx.session.execute(delete(Connection))
    assert _every_table(committed_kith) != before

    done = runner.invoke(app, ["restore", str(file), "--url", url, "--yes"])
    assert done.exit_code == 0, done.output
    committed_kith.db.dispose()  # pooled connections opened before the restore
    after = _every_table(committed_kith)
    assert set(after) == set(before)
    for name, rows in before.items():
        assert after[name] == rows, name


def test_restore_refuses_a_missing_file(tmp_path: Path) -> None:
    done = CliRunner().invoke(
        app, ["restore", str(tmp_path / "nothing"), "--url", f"sqlite:///{tmp_path}/x.db", "--yes"]
    )
    assert done.exit_code == 1
    assert "no backup file" in done.output
