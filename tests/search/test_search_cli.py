"""``kith search`` and ``kith db reindex`` against a throwaway SQLite file."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import delete, func, select
from typer.testing import CliRunner

from kith.cli import app
from kith.models import Member, SearchDocument
from tests.fixtures.factories import connect, make_member
from tests.fixtures.search import profile
from tests.fixtures.settings import runtime

runner = CliRunner()


def test_kith_search_and_reindex(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert runner.invoke(app, ["db", "upgrade", "--url", url]).exit_code == 0
    kith = runtime(url)
    with kith.uow() as ctx:
        vera = make_member(ctx, "Vera", "Viewer", handle="vera")
        ana = make_member(ctx, "Ana", "Ruiz")
        ben = make_member(ctx, "Ben", "Okafor")
        connect(ctx, vera, ana)
        connect(ctx, ana, ben)
        profile(ctx, ben, headline="Chef", positions=[("Bistro Uno", "Head chef", 2020, 1)])
    result = runner.invoke(app, ["search", "chef", "--as", "vera", "--network", "2", "--url", url])
    assert result.exit_code == 0, result.output
    assert "Ben Okafor" in result.output
    assert "2nd" in result.output
    assert "Ana Ruiz" in result.output  # the shared connection
    assert "1 result, page 1 of 1" in result.output
    assert "Bistro Uno (1)" in result.output
    result = runner.invoke(app, ["search", "--as", "vera", "--suggestions", "--url", url])
    assert result.exit_code == 0, result.output
    assert "including Ana Ruiz" in result.output
    refused = runner.invoke(app, ["search", "chef", "--as", "nobody", "--url", url])
    assert refused.exit_code == 1
    assert "member_not_found" in refused.output
    refused = runner.invoke(app, ["search", "--as", "vera", "--network", "5", "--url", url])
    assert refused.exit_code == 1
    assert "invalid_network" in refused.output
    assert runner.invoke(app, ["search", "chef", "--url", url]).exit_code == 2
    # Documents lost behind the application's back come back with reindex.
    with kith.uow() as ctx:
        ctx.session.execute(delete(SearchDocument))
    result = runner.invoke(app, ["db", "reindex", "--url", url])
    assert result.exit_code == 0, result.output
    assert "Indexed 3 members." in result.output
    with kith.uow() as ctx:
        assert ctx.session.scalar(select(func.count()).select_from(SearchDocument)) == 3
        assert ctx.session.scalar(select(func.count()).select_from(Member)) == 3
    result = runner.invoke(app, ["search", "bistro", "--as", "vera", "--url", url])
    assert "Ben Okafor" in result.output
