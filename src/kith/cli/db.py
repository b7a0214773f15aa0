"""``kith db``: the database schema."""

from __future__ import annotations

import tempfile

import typer

from kith.cli._common import UrlOption, console, runtime
from kith.db import Database
from kith.search_index import rebuild

# kith.migrations and alembic are imported inside the commands that use them: alembic adds
# ~120 ms to every start of `kith`, `--help` and shell completion included (-X importtime).

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade(url: UrlOption = None, revision: str = "head") -> None:
    """Create or migrate the database schema."""
    from kith.migrations import upgrade

    kith = runtime(url)
    upgrade(kith.db.writer, revision)
    console.print(f"Database at [bold]{revision}[/bold]: {kith.db.writer.url!r}")


@db_app.command("check")
def db_check(url: UrlOption = None) -> None:
    """Fail if the models and the migrations disagree (migrates ``--url`` first)."""
    from kith.migrations import check, upgrade

    kith = runtime(url)
    upgrade(kith.db.writer)
    check(kith.db.writer)
    console.print("Models and migrations agree.")


@db_app.command("revision")
def db_revision(message: str) -> None:
    """Autogenerate a migration from the models (against a scratch SQLite database)."""
    from alembic import command

    from kith.migrations import alembic_config, upgrade

    with tempfile.TemporaryDirectory() as scratch:
        db = Database(f"sqlite:///{scratch}/revision.db")
        upgrade(db.writer)
        command.revision(alembic_config(db.writer), message=message, autogenerate=True)
        db.dispose()


@db_app.command("reindex")
def db_reindex(url: UrlOption = None) -> None:
    """Rebuild every member's search document (they are kept current on their own;
    this is for data loaded behind the application's back)."""
    kith = runtime(url)
    with kith.uow() as ctx:
        count = rebuild(ctx.session)
    console.print(f"Indexed {count:,} member{'s' if count != 1 else ''}.")
