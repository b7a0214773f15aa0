"""The ``kith`` command line: serve, database, members, invitations, demo data."""

from __future__ import annotations

import secrets
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from kith.config import Settings, get_settings
from kith.errors import KithError
from kith.runtime import Kith

if TYPE_CHECKING:
    from kith.db import Ctx
    from kith.models import Member

app = typer.Typer(help="Kith: a self-hostable professional network.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
member_app = typer.Typer(help="Members.", no_args_is_help=True)
invitations_app = typer.Typer(help="Invitations.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(member_app, name="member")
app.add_typer(invitations_app, name="invitations")

console = Console()
err = Console(stderr=True)


def _settings(url: str | None = None) -> Settings:
    base = get_settings()
    return base.model_copy(update={"database_url": url}) if url else base


def runtime(url: str | None = None) -> Kith:
    return Kith.from_settings(_settings(url))


def fail(exc: KithError) -> typer.Exit:
    err.print(f"[red]error[/red] ({exc.code}): {exc.message}")
    return typer.Exit(code=1)


UrlOption = Annotated[
    str | None, typer.Option("--url", help="Database URL (default: KITH_DATABASE_URL)")
]


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes")] = 1,
) -> None:
    """Serve the web pages and the API."""
    import uvicorn

    console.print(f"Kith on [bold]http://{host}:{port}[/bold]  (API docs at /docs)")
    uvicorn.run(
        "kith.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
    )


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
    import tempfile

    from alembic import command

    from kith.db import Database
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
    from kith.search.index import rebuild

    kith = runtime(url)
    with kith.uow() as ctx:
        count = rebuild(ctx.session)
    console.print(f"Indexed {count:,} member{'s' if count != 1 else ''}.")


@member_app.command("create")
def member_create(
    email: str,
    first_name: Annotated[str, typer.Option("--first-name", prompt=True)],
    last_name: Annotated[str, typer.Option("--last-name", prompt=True)],
    handle: Annotated[str | None, typer.Option(help="Profile handle")] = None,
    admin: Annotated[bool, typer.Option("--admin", help="Make an administrator")] = False,
    password: Annotated[
        str | None, typer.Option(help="Password (default: generated and printed)")
    ] = None,
    url: UrlOption = None,
) -> None:
    """Create a member (``--admin`` for an operator of the community)."""
    from kith.accounts.service import sign_up

    chosen = password or secrets.token_urlsafe(12)
    kith = runtime(url)
    try:
        with kith.uow() as ctx:
            member = sign_up(
                ctx,
                email=email,
                password=chosen,
                first_name=first_name,
                last_name=last_name,
                handle=handle,
                role="admin" if admin else "member",
            )
            handle_out = member.handle
    except KithError as exc:
        raise fail(exc) from exc
    console.print(f"Created [bold]{handle_out}[/bold] ({'admin' if admin else 'member'}).")
    if password is None:
        console.print(f"Password: [bold]{chosen}[/bold]")


@member_app.command("delete")
def member_delete(
    member: Annotated[str, typer.Argument(help="The member's handle or email address")],
    yes: Annotated[
        bool, typer.Option("--yes", help="Confirm: the deletion can't be undone")
    ] = False,
    url: UrlOption = None,
) -> None:
    """Delete a member's account: their profile, connections, follows, invitations,
    relationship data and the text of their messages (see docs/portability.md)."""
    from sqlalchemy import func, or_, select

    from kith.accounts.deletion import delete_account
    from kith.models import Member

    if not yes:
        err.print(
            "[red]error[/red] (confirmation_required): Nothing was deleted. "
            "Add --yes to delete the account; it can't be undone."
        )
        raise typer.Exit(code=1)
    kith = runtime(url)
    key = member.strip().lower()
    try:
        with kith.uow() as ctx:
            found = ctx.session.scalar(
                select(Member).where(or_(Member.handle == key, func.lower(Member.email) == key))
            )
            if found is None:
                err.print(f"[red]error[/red] (member_not_found): There is no member '{member}'.")
                raise typer.Exit(code=1)
            name, handle = found.name, found.handle
            delete_account(ctx, found, confirmed=True)
    except KithError as exc:
        raise fail(exc) from exc
    console.print(f"Deleted the account of {name} ({handle}); they are now a former member.")


@invitations_app.command("expire")
def invitations_expire(url: UrlOption = None) -> None:
    """Mark invitations older than the expiry period as expired (optional tidy-up:
    expiry is always decided from timestamps)."""
    from kith.connections.service import expire_invitations

    kith = runtime(url)
    with kith.uow() as ctx:
        count = expire_invitations(ctx)
    console.print(f"Expired {count} invitation{'s' if count != 1 else ''}.")


export_app = typer.Typer(help="Export a member's data.")
app.add_typer(export_app, name="export")


@export_app.command("connections")
def export_connections(
    member: Annotated[str, typer.Argument(help="The member's handle or email address")],
    format: Annotated[
        str, typer.Option(help="csv (LinkedIn's columns plus Kith's) or vcard")
    ] = "csv",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout)")
    ] = None,
    url: UrlOption = None,
) -> None:
    """Write a member's connections, then their private contacts, with their private
    tags, tier and notes."""
    from kith.portability.export import connections_csv, connections_vcard, exported_connections

    writers = {"csv": connections_csv, "vcard": connections_vcard}
    if format not in writers:
        err.print("[red]error[/red] (invalid): --format is csv or vcard.")
        raise typer.Exit(code=2)
    kith = runtime(url)
    with kith.uow(write=False) as ctx:
        owner = _member_by_key(ctx, member)
        rows = exported_connections(ctx, owner)
        text = writers[format](rows)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8", newline="")
        private = sum(1 for r in rows if r.is_private)
        also = f" and {private:,} private contacts" if private else ""
        console.print(f"Wrote {len(rows) - private:,} connections{also} to {output}.")


@export_app.command("archive")
def export_archive(
    member: Annotated[str, typer.Argument(help="The member's handle or email address")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout)")
    ] = None,
    url: UrlOption = None,
) -> None:
    """Write everything a member owns as one JSON document (the full archive)."""
    from kith.portability.archive import archive_download

    kith = runtime(url)
    with kith.uow(write=False) as ctx:
        archive = archive_download(ctx, _member_by_key(ctx, member))
    if output is None:
        sys.stdout.write(archive.body)
    else:
        output.write_text(archive.body, encoding="utf-8", newline="")
        console.print(f"Wrote the archive to {output}.")


import_app = typer.Typer(help="Import a member's data from elsewhere.", no_args_is_help=True)
app.add_typer(import_app, name="import")


@import_app.command("linkedin")
def import_linkedin(
    files: Annotated[
        list[Path], typer.Argument(help="The LinkedIn export zip, or CSV files from it")
    ],
    member: Annotated[str, typer.Option("--member", help="The member's handle or email")],
    invite: Annotated[
        str,
        typer.Option(
            help="Invite the matched members: none, certain (address or email) or likely "
            "(also name and company); within the invitation limits"
        ),
    ] = "none",
    profile: Annotated[
        bool, typer.Option(help="Also fill empty profile fields and add positions, schools, skills")
    ] = False,
    take: Annotated[
        list[str] | None,
        typer.Option(help="With --profile: a conflicting field to overwrite (repeatable)"),
    ] = None,
    url: UrlOption = None,
) -> None:
    """Import a LinkedIn data export for a member: match people to members, keep the rest
    as private contacts, print the report. Importing the same file again changes nothing."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from kith.pagination import PageRequest
    from kith.portability import inviting, reports, service

    levels = {"none": set(), "certain": {"certain"}, "likely": {"certain", "likely"}}
    if invite not in levels:
        err.print("[red]error[/red] (invalid): --invite is none, certain or likely.")
        raise typer.Exit(code=2)
    uploads = []
    for path in files:
        if not path.is_file():
            err.print(f"[red]error[/red] (import_unreadable): {path} is not a file.")
            raise typer.Exit(code=1)
        uploads.append((path.name, path.read_bytes()))
    kith = runtime(url)
    try:
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=console,
        ) as bar:
            task = bar.add_task("Matching people", total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            run_id = service.run_import(
                kith, lambda ctx: _member_by_key(ctx, member), uploads, progress=progress
            )
        with kith.uow() as ctx:
            owner = _member_by_key(ctx, member)
            report = reports.report_of(reports.get_import(ctx, owner, run_id))
            outcomes: list[inviting.InviteOutcome] = []
            left_out = 0
            if levels[invite]:
                matches = inviting.imported_matches(
                    ctx, owner, PageRequest(1, 100_000), import_id=run_id
                ).items
                wanted = [
                    m.contact.id
                    for m in matches
                    if m.state == "invite" and m.confidence in levels[invite]
                ]
                # surest first: the best INVITE_BATCH_MAX, the rest said below
                left_out = max(0, len(wanted) - inviting.INVITE_BATCH_MAX)
                outcomes = inviting.invite_matches(ctx, owner, wanted[: inviting.INVITE_BATCH_MAX])
            applied = service.apply_import(ctx, owner, run_id, take=take or []) if profile else None
    except KithError as exc:
        raise fail(exc) from exc
    c = report.counts
    # every row is in exactly one of these, so they add up to the rows read
    console.print(
        f"Import {report.id}: {report.total:,} rows in {report.seconds:.1f} s — "
        f"{c.get('new', 0):,} new private contacts, {c.get('updated', 0):,} updated, "
        f"{c.get('unchanged', 0):,} already imported, {c.get('connected', 0):,} already "
        f"connected, {c.get('profile', 0):,} of your own profile, {c.get('skipped', 0):,} "
        f"not used; {c.get('matched', 0):,} of the private contacts found on Kith."
    )
    for source in report.sources:
        if source.status == "not_used":
            console.print(f"  [dim]not used by Kith yet[/dim] {source.name}: {source.holds}")
    for r in report.rows:
        if r.status == "skipped":
            who = f" ({r.name})" if r.name else ""
            console.print(f"  [yellow]not used[/yellow] {r.file} line {r.line}{who}: {r.detail}")
        elif r.warning:
            console.print(
                f"  [yellow]warning[/yellow] {r.file} line {r.line} ({r.name}): {r.warning}"
            )
    if outcomes:
        sent = sum(1 for o in outcomes if o.status != "refused")
        console.print(f"Invitations: {sent} of {len(outcomes)} sent.")
        for o in outcomes:
            if o.status == "refused":
                console.print(f"  [yellow]not sent[/yellow] {o.name}: {o.detail}")
    if left_out:
        console.print(
            f"  [yellow]not invited[/yellow] {left_out:,} more found on Kith: at most "
            f"{inviting.INVITE_BATCH_MAX} people are invited at a time; invite them "
            "from the import report on Your data."
        )
    if applied is not None:
        console.print(
            f"Profile: {len(applied.fields)} fields, {len(applied.positions)} positions, "
            f"{len(applied.education)} schools, {len(applied.skills)} skills added."
        )


def _member_by_key(ctx: Ctx, member: str) -> Member:
    """An active member by handle or email address; exits with a message otherwise."""
    from sqlalchemy import func, or_, select

    from kith.models import Member

    key = member.strip().lower()
    found = ctx.session.scalar(
        select(Member).where(
            or_(Member.handle == key, func.lower(Member.email) == key),
            Member.is_active.is_(True),
        )
    )
    if found is None:
        err.print(f"[red]error[/red] (member_not_found): There is no member '{member}'.")
        raise typer.Exit(code=1)
    return found


@app.command()
def reminders(
    member: Annotated[str, typer.Argument(help="The member's handle or email address")],
    limit: Annotated[int, typer.Option(help="How many to list")] = 50,
    url: UrlOption = None,
) -> None:
    """Print who a member is due to reconnect with, most overdue first."""
    from kith.pagination import PageRequest
    from kith.relationships.service import due_to_reconnect

    kith = runtime(url)
    with kith.uow(write=False) as ctx:
        owner = _member_by_key(ctx, member)
        due = due_to_reconnect(ctx, owner, PageRequest(1, max(1, min(limit, 10_000))))
        name = owner.name
        rows = [
            (
                e.display_name,
                e.member.handle if e.member else f"contact {e.contact_id}, {e.email or 'no email'}",
                e.tier or "",
                f"every {e.cadence_days} days",
                f"{e.last_interaction_at:%d %b %Y}" if e.last_interaction_at else "never",
                f"{e.overdue_days:,} days" if e.overdue_days else "0 days",
            )
            for e in due.items
        ]
    if not rows:
        console.print(f"Nobody is due: {name} is in touch with everyone on a cadence.")
        return
    console.print(f"[bold]Due to reconnect for {name}[/bold] ({due.total}, most overdue first)")
    for person, handle, tier, cadence, last, overdue in rows:
        in_tier = f"{tier}, " if tier else ""
        console.print(
            f"{person} ({handle}): {overdue} overdue; {in_tier}{cadence}; last interaction {last}",
            soft_wrap=True,
        )


def main() -> None:
    app(prog_name="kith")


network_app = typer.Typer(help="The in-memory network engine.", no_args_is_help=True)
app.add_typer(network_app, name="network")


@network_app.command("verify")
def network_verify(url: UrlOption = None) -> None:
    """Build the engine from the database (or its snapshot), follow the outbox, and
    compare it with the connections table."""
    from kith.graph.sync import verify

    kith = runtime(url)
    sync = kith.start_network(thread=False)
    diff = verify(sync)
    status = sync.status()
    console.print(
        f"engine: {status.num_edges:,} connections, outbox cursor {status.cursor}, "
        f"{status.holes} pending gaps"
    )
    if diff.ok:
        console.print("[green]The engine agrees with the database.[/green]")
        return
    for a, b in diff.missing_in_engine:
        err.print(f"missing in engine: {a} - {b}")
    for a, b in diff.extra_in_engine:
        err.print(f"in engine but not in database: {a} - {b}")
    raise typer.Exit(code=1)


@network_app.command("snapshot")
def network_snapshot(
    path: Annotated[
        str | None, typer.Argument(help="Where to write (default: KITH_NETWORK_SNAPSHOT)")
    ] = None,
    url: UrlOption = None,
) -> None:
    """Write a memory-mappable snapshot so that app processes start in seconds."""
    from pathlib import Path

    kith = runtime(url)
    target = Path(path) if path else kith.settings.network_snapshot
    if target is None:
        target = kith.settings.data_dir / "network.snapshot"
    sync = kith.start_network(thread=False)
    written = sync.save_snapshot(target)
    console.print(f"Wrote {written} ({sync.engine.num_edges:,} connections, cursor {sync.cursor}).")


@app.command()
def demo(
    members: Annotated[int, typer.Option(help="How many members")] = 2000,
    seed: Annotated[int, typer.Option(help="Same seed, same community")] = 1,
    mean_connections: Annotated[
        float | None, typer.Option(help="Mean connections per member (default: by size)")
    ] = None,
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Do nothing when the database has members")
    ] = False,
    url: UrlOption = None,
) -> None:
    """Load a believable demo community (names, careers, a clustered network,
    pending invitations, follows) into an empty database."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from kith.demo.service import DEMO_PASSWORD, build_demo, is_empty, refuse_in_production

    settings = _settings(url)
    try:
        refuse_in_production(settings)
    except KithError as exc:
        raise fail(exc) from exc
    kith = Kith.from_settings(settings)
    with kith.uow(write=False) as ctx:
        empty = is_empty(ctx)
    if not empty:
        if if_empty:
            console.print(
                "The database already has members; keeping it. Demo sign-in: "
                f"[bold]demo@kith.example[/bold] / [bold]{DEMO_PASSWORD}[/bold]"
            )
            return
        err.print("[red]error[/red]: the database already has members; use an empty one.")
        raise typer.Exit(code=1)
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,}"),
        TimeElapsedColumn(),
        console=console,
    ) as bar:
        tasks: dict[str, object] = {}

        def progress(step: str, done: int) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(step, total=None)
            bar.update(tasks[step], advance=done)  # type: ignore[arg-type]

        with kith.uow() as ctx:
            result = build_demo(
                ctx,
                members=members,
                seed=seed,
                mean_connections=mean_connections,
                progress=progress,
            )
    console.print(
        f"Demo community: {result.members:,} members, {result.connections:,} connections, "
        f"{result.invitations:,} pending invitations, {result.follows:,} follows."
    )
    console.print(
        f"Sign in as [bold]{result.demo_email}[/bold] with password [bold]{result.password}[/bold] "
        f"(administrator: {result.admin_email}, same password)."
    )


Many = Annotated[list[str] | None, typer.Option(help="Repeatable")]


@app.command("search")
def search(
    keywords: Annotated[str, typer.Argument(help="Name, title, company, school, skill...")] = "",
    as_member: Annotated[
        str, typer.Option("--as", help="Search as this member (handle or email)")
    ] = "",
    first_name: Annotated[str, typer.Option(help="First name starts with")] = "",
    last_name: Annotated[str, typer.Option(help="Last name starts with")] = "",
    title: Annotated[str, typer.Option(help="A current title contains")] = "",
    company: Annotated[list[str] | None, typer.Option(help="Current company (repeatable)")] = None,
    past_company: Many = None,
    school: Many = None,
    location: Many = None,
    industry: Many = None,
    network: Annotated[
        list[str] | None, typer.Option(help="1, 2 or 3 (3rd and beyond); repeatable")
    ] = None,
    connections_of: Annotated[str, typer.Option(help="A member's handle")] = "",
    page: Annotated[int, typer.Option(help="Page number")] = 1,
    per_page: Annotated[int, typer.Option(help="Results per page")] = 20,
    suggest: Annotated[
        bool, typer.Option("--suggestions", help="People you may know instead of a search")
    ] = False,
    url: UrlOption = None,
) -> None:
    """Search people as a member sees them (degree, shared connections, ranking), or
    list their people you may know with ``--suggestions``."""
    from rich.table import Table
    from sqlalchemy import or_, select

    from kith.models import Member
    from kith.pagination import PageRequest
    from kith.search.service import SearchQuery, search_people
    from kith.search.suggestions import people_you_may_know

    if not as_member:
        err.print("[red]error[/red]: say whose view to search with --as HANDLE (or email).")
        raise typer.Exit(code=2)
    kith = runtime(url)
    kith.start_network(thread=False)
    try:
        with kith.uow(write=suggest) as ctx:
            key = as_member.strip().lower()
            viewer = ctx.session.scalar(
                select(Member).where(
                    or_(Member.handle == key, Member.email == key), Member.is_active.is_(True)
                )
            )
            if viewer is None:
                err.print(f"[red]error[/red] (member_not_found): no member '{as_member}'.")
                raise typer.Exit(code=1)
            table = Table(show_lines=False)
            for column in ("Name", "Handle", "Degree", "Mutual", "Headline"):
                table.add_column(column)
            if suggest:
                table.add_column("Why")
                for s in people_you_may_know(ctx, viewer, limit=per_page):
                    table.add_row(
                        s.member.name,
                        s.member.handle,
                        s.badge.label,
                        str(s.badge.mutual),
                        s.member.headline,
                        "; ".join(s.reasons),
                    )
                console.print(table)
                return
            query = SearchQuery.of(
                keywords=keywords,
                first_name=first_name,
                last_name=last_name,
                title=title,
                company=company,
                past_company=past_company,
                school=school,
                location=location,
                industry=industry,
                network=network,
                connections_of=connections_of,
            )
            req = PageRequest.of(
                page, per_page, default=ctx.settings.page_size, maximum=ctx.settings.max_page_size
            )
            result = search_people(ctx, viewer, query, req)
            table.add_column("Shared")
            for h in result.page.items:
                table.add_row(
                    h.member.name,
                    h.member.handle,
                    h.badge.label,
                    str(h.badge.mutual),
                    h.member.headline,
                    ", ".join(m.name for m in h.shared),
                )
            console.print(table)
            console.print(
                f"{result.page.total:,} result{'s' if result.page.total != 1 else ''}, "
                f"page {result.page.page} of {result.page.pages}"
                + (" (best matches only)" if result.truncated else "")
            )
            for name, facets in result.facets.items():
                if facets:
                    console.print(
                        f"[bold]{name}[/bold]: "
                        + ", ".join(f"{f.value} ({f.count})" for f in facets)
                    )
    except KithError as exc:
        raise fail(exc) from exc
    finally:
        kith.stop_network()


insights_app = typer.Typer(
    help="Network insights: a member's (--member HANDLE) or the community's.",
    invoke_without_command=True,
)
app.add_typer(insights_app, name="insights")


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f} %"


@insights_app.callback()
def insights_member(
    typer_ctx: typer.Context,
    member: Annotated[
        str | None, typer.Option("--member", help="A member's handle: their insights")
    ] = None,
    url: UrlOption = None,
) -> None:
    """A member's insights: connection count against the guidelines and this
    community, composition, growth, reach, invitations, and what would help."""
    if typer_ctx.invoked_subcommand is not None:
        return
    if member is None:
        err.print("Give --member HANDLE, or use `kith insights community`.")
        raise typer.Exit(code=2)
    from rich.table import Table

    from kith.insights.service import member_insights
    from kith.members.service import get_member

    kith = runtime(url)
    kith.start_network(thread=False)
    try:
        with kith.uow(write=False) as ctx:
            found = member_insights(ctx, get_member(ctx, member))
    except KithError as exc:
        raise fail(exc) from exc
    c = found.count
    console.print(f"[bold]{member}[/bold]: {c.count:,} connections; career stage {c.stage_label}")
    table = Table(title="Against the published guidelines")
    for column in ("guideline", "range for this stage", "where"):
        table.add_column(column)
    for v in c.guidelines:
        table.add_row(v.guideline, v.band.text() if v.band else "–", v.place or "–")
    console.print(table)
    console.print(c.disagreement)
    if c.industry is not None:
        published = c.industry.published_average
        mean = c.industry.community_mean
        console.print(
            f"{c.industry.industry}: published average "
            f"{'–' if published is None else f'{published:,}'}, this community "
            f"{'–' if mean is None else f'{mean:,.0f}'}"
        )
    if found.standing:
        table = Table(title="Where they stand in this community")
        for column in ("group", "members", "percentile"):
            table.add_column(column)
        for s in found.standing:
            pct = "–" if s.percentile is None else f"{s.percentile:.0f}"
            table.add_row(s.label, f"{s.cohort_size:,}", pct)
        console.print(table)
    for note in found.notes:
        console.print(f"[dim]{note}[/dim]")
    for kind, shares in found.composition.items():
        table = Table(title=f"Connections by {kind}")
        for column in (kind, "connections", "share"):
            table.add_column(column)
        for share in shares:
            table.add_row(share.label, f"{share.count:,}", _pct(share.share))
        console.print(table)
    r = found.reach
    third = (
        f"≈ {r.third:,} (± {r.third_relative_error * 100:.0f} %)"
        if r.third_estimated
        else f"{r.third:,}"
    )
    console.print(f"Reach: 1st {r.first:,}, 2nd {r.second:,}, 3rd {third}")
    recent = [m for m in found.growth if m.new]
    console.print(
        "Growth: "
        + (", ".join(f"{m.month} +{m.new}" for m in recent[-6:]) or "no new connections")
        + f" (total {found.growth[-1].total:,})"
    )
    inv = found.invitations
    console.print(
        f"Invitations: {inv.sent} sent, {inv.accepted} accepted, {inv.pending} pending, "
        f"{inv.expired} expired; acceptance rate {_pct(inv.acceptance_rate)}"
    )
    q = found.quality
    console.print(
        f"In their industry: {_pct(q.industry_share)}; interacted with in the last "
        f"{q.recent_days} days: {_pct(q.recent_share)}; dormant: {_pct(q.dormant_share)}"
    )
    for action in found.actions:
        console.print(f"→ {action.label} ({action.href}): {action.reason}")


@insights_app.command("community")
def insights_community(
    refresh: Annotated[
        bool, typer.Option("--refresh", help="Recompute now (else: the last stored result)")
    ] = False,
    url: UrlOption = None,
) -> None:
    """The community's insights, as last computed (or recomputed now with --refresh)."""
    from rich.table import Table

    from kith.insights.service import latest_community, refresh_community

    kith = runtime(url)
    if refresh:
        kith.start_network(thread=False)
        with kith.uow() as ctx:
            row = refresh_community(ctx)
        console.print(f"Computed in {row.seconds:.1f} s.")
    with kith.uow(write=False) as ctx:
        result = latest_community(ctx)
    if result is None:
        err.print("Community insights have not been computed yet; run with --refresh.")
        raise typer.Exit(code=1)
    d = result.data
    console.print(f"Computed {result.computed_at:%d %b %Y %H:%M} UTC in {result.seconds:.1f} s")
    table = Table(title="Community")
    table.add_column("figure")
    table.add_column("value", justify="right")
    rows = [
        ("members", f"{d['members']:,}"),
        ("connections", f"{d['connections']:,}"),
        ("average connections", f"{d['mean']:,.1f}"),
        ("median connections", f"{d['median']:,.0f}"),
        ("most connections", f"{d['max']:,}"),
        ("in the largest connected group", _pct(d["largest_component_share"])),
        ("separate groups (2+ members)", f"{d['components']:,}"),
        ("without connections", f"{d['isolated']:,}"),
        (f"barely connected (1-{d['barely_connected_max']})", f"{d['barely_connected']:,}"),
        ("connections within one industry", _pct(d["industries"]["within_share"])),
        ("connections within one company", _pct(d["companies"]["within_share"])),
        ("connections within one school", _pct(d["schools"]["within_share"])),
    ]
    for name, value in rows:
        table.add_row(name, value)
    console.print(table)
    ind = d["industries"]
    table = Table(title="Industries")
    for column in ("industry", "members", "average", "median", "inside", "outside"):
        table.add_column(column)
    for i, name in enumerate(ind["names"]):
        table.add_row(
            name,
            f"{ind['members'][i]:,}",
            f"{ind['mean'][i]:,.0f}",
            f"{ind['median'][i]:,.0f}",
            f"{ind['internal'][i]:,}",
            f"{ind['external'][i]:,}",
        )
    console.print(table)
    table = Table(title="Members who bridge industries")
    for column in ("member id", "industry", "links most", "score"):
        table.add_column(column)
    for b in d["bridges"][:10]:
        table.add_row(str(b["id"]), b["industry"], b["other_industry"], f"{b['score']:.3f}")
    console.print(table)
