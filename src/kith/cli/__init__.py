"""The ``kith`` command line: serve, worker, database, members, invitations, groups, demo data.

Each command group lives in its own module; this one assembles the application in
the order ``kith --help`` lists it (commands first, then the groups).
"""

from __future__ import annotations

import typer

from kith.cli import backup, demo, reminders, search, serve, worker
from kith.cli.admin import admin_app
from kith.cli.db import db_app
from kith.cli.groups import group_app
from kith.cli.insights import insights_app
from kith.cli.invitations import invitations_app
from kith.cli.members import member_app
from kith.cli.network import network_app
from kith.cli.portability import export_app, import_app

app = typer.Typer(help="Kith: a self-hostable professional network.", no_args_is_help=True)
app.command()(serve.serve)
app.command()(worker.worker)
app.command()(reminders.reminders)
app.command()(demo.demo)
app.command("search")(search.search)
app.command()(backup.backup)
app.command()(backup.restore)
app.add_typer(db_app, name="db")
app.add_typer(member_app, name="member")
app.add_typer(invitations_app, name="invitations")
app.add_typer(export_app, name="export")
app.add_typer(import_app, name="import")
app.add_typer(network_app, name="network")
app.add_typer(insights_app, name="insights")
app.add_typer(group_app, name="group")
app.add_typer(admin_app, name="admin")

__all__ = ["app", "main"]


def main() -> None:
    app(prog_name="kith")
