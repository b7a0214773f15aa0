"""``kith export`` and ``kith import``: a member's data, out and in."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from kith.cli._common import UrlOption, _member_by_key, console, err, fail, runtime
from kith.errors import KithError
from kith.pagination import PageRequest
from kith.portability import inviting, profile_import, reports
from kith.portability.archive import archive_download
from kith.portability.export import connections_csv, connections_vcard, exported_connections

export_app = typer.Typer(help="Export a member's data.")
import_app = typer.Typer(help="Import a member's data from elsewhere.", no_args_is_help=True)


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
    kith = runtime(url)
    with kith.uow(write=False) as ctx:
        archive = archive_download(ctx, _member_by_key(ctx, member))
    if output is None:
        sys.stdout.write(archive.body)
    else:
        output.write_text(archive.body, encoding="utf-8", newline="")
        console.print(f"Wrote the archive to {output}.")


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

            run_id = profile_import.run_import(
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
            applied = (
                profile_import.apply_import(ctx, owner, run_id, take=take or [])
                if profile
                else None
            )
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
