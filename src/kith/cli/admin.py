"""``kith admin``: what administrators do, from the command line — find, suspend,
reactivate and delete members, lift restrictions, decide requests to join, make and
revoke invitations, change the community settings, and read or export the audit log.

Every action names the administrator who takes it (``--as``): the audit log says who.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer
from sqlalchemy import func, or_, select

from kith.admin import applicants, service
from kith.cli._common import UrlOption, _member_by_key, console, err, fail, runtime
from kith.community import audit, invitations
from kith.community import settings as community
from kith.errors import KithError
from kith.models import Member
from kith.pagination import PageRequest
from kith.uow import Ctx

admin_app = typer.Typer(
    help="Administration: members, joining, settings, audit log.", no_args_is_help=True
)
settings_app = typer.Typer(help="The community settings.", no_args_is_help=True)
invitation_app = typer.Typer(help="Invitation links and codes to join.", no_args_is_help=True)
admin_app.add_typer(settings_app, name="settings")
admin_app.add_typer(invitation_app, name="invitations")

AsOption = Annotated[
    str, typer.Option("--as", help="The administrator taking the action (handle or email)")
]
Target = Annotated[str, typer.Argument(help="The member's handle or email address")]
Reason = Annotated[str, typer.Option("--reason", help="Why: kept in the audit log")]


def _target(ctx: Ctx, key: str) -> Member:
    """Any account that is not deleted (a suspended one too), by handle or email."""
    wanted = key.strip().lower()
    found = ctx.session.scalar(
        select(Member).where(
            or_(Member.handle == wanted, func.lower(Member.email) == wanted),
            Member.deleted_at.is_(None),
        )
    )
    if found is None:
        err.print(f"[red]error[/red] (member_not_found): There is no member '{key}'.")
        raise typer.Exit(code=1)
    return found


def _act(url: str | None, admin: str, action: str, target: str, reason: str) -> str:
    kith = runtime(url)
    try:
        with kith.uow() as ctx:
            actor = _member_by_key(ctx, admin)
            member = _target(ctx, target)
            label = f"{member.name} ({member.handle})"
            if action == "suspend":
                service.suspend(ctx, actor, member.id, reason)
            elif action == "reactivate":
                service.reactivate(ctx, actor, member.id, reason)
            elif action == "delete":
                service.delete_spam(ctx, actor, member.id, reason)
            else:
                service.lift_restriction(ctx, actor, member.id, reason)
    except KithError as exc:
        raise fail(exc) from exc
    return label


@admin_app.command("members")
def members(
    admin: AsOption,
    query: Annotated[str, typer.Argument(help="Part of a name, handle or email")] = "",
    status: Annotated[
        str, typer.Option(help="all, active, suspended, applicant or restricted")
    ] = "all",
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
    url: UrlOption = None,
) -> None:
    """Find members."""
    kith = runtime(url)
    try:
        with kith.uow(write=False) as ctx:
            found = service.find_members(
                ctx, _member_by_key(ctx, admin), PageRequest(1, limit), query=query, status=status
            )
            for row in found.items:
                m = row.member
                extra = " restricted" if row.restricted else ""
                console.print(f"{m.id}\t{m.handle}\t{m.email}\t{row.standing}{extra}\t{m.name}")
            console.print(f"{found.total} member{'s' if found.total != 1 else ''}")
    except KithError as exc:
        raise fail(exc) from exc


@admin_app.command("suspend")
def suspend(member: Target, admin: AsOption, reason: Reason, url: UrlOption = None) -> None:
    """Suspend a member: signed out everywhere and hidden until reactivated."""
    console.print(f"Suspended {_act(url, admin, 'suspend', member, reason)}.")


@admin_app.command("reactivate")
def reactivate(member: Target, admin: AsOption, reason: Reason, url: UrlOption = None) -> None:
    """End a member's suspension."""
    console.print(f"Reactivated {_act(url, admin, 'reactivate', member, reason)}.")


@admin_app.command("delete")
def delete(
    member: Target,
    admin: AsOption,
    reason: Reason,
    yes: Annotated[bool, typer.Option("--yes", help="Confirm: it can't be undone")] = False,
    url: UrlOption = None,
) -> None:
    """Delete a spam account."""
    if not yes:
        err.print(
            "[red]error[/red] (confirmation_required): Nothing was deleted. "
            "Add --yes to delete the account; it can't be undone."
        )
        raise typer.Exit(code=1)
    console.print(f"Deleted the account of {_act(url, admin, 'delete', member, reason)}.")


@admin_app.command("lift-restriction")
def lift_restriction(
    member: Target, admin: AsOption, reason: Reason, url: UrlOption = None
) -> None:
    """End a member's "I don't know this person" restriction."""
    console.print(f"Lifted the restriction of {_act(url, admin, 'lift', member, reason)}.")


@admin_app.command("requests")
def requests(admin: AsOption, url: UrlOption = None) -> None:
    """Requests to join waiting for a decision."""
    kith = runtime(url)
    try:
        with kith.uow(write=False) as ctx:
            found = applicants.pending(ctx, _member_by_key(ctx, admin), PageRequest(1, 1000))
            for r in found.items:
                console.print(f"{r.id}\t{r.email}\t{r.name}\t{r.created_at:%Y-%m-%d}")
            console.print(f"{found.total} waiting")
    except KithError as exc:
        raise fail(exc) from exc


def _decide(url: str | None, admin: str, request_id: int, approve: bool, reason: str) -> None:
    kith = runtime(url)
    try:
        with kith.uow() as ctx:
            actor = _member_by_key(ctx, admin)
            if approve:
                applicants.approve(ctx, actor, request_id, reason)
            else:
                applicants.decline(ctx, actor, request_id, reason)
    except KithError as exc:
        raise fail(exc) from exc


@admin_app.command("approve")
def approve(
    request_id: int,
    admin: AsOption,
    reason: Annotated[str, typer.Option()] = "",
    url: UrlOption = None,
) -> None:
    """Approve a request to join."""
    _decide(url, admin, request_id, True, reason)
    console.print(f"Approved request {request_id}.")


@admin_app.command("decline")
def decline(request_id: int, admin: AsOption, reason: Reason, url: UrlOption = None) -> None:
    """Decline a request to join (the reason is for administrators only)."""
    _decide(url, admin, request_id, False, reason)
    console.print(f"Declined request {request_id}.")


@settings_app.command("show")
def settings_show(url: UrlOption = None) -> None:
    """The settings in force (environment seeds overlaid with administrators' changes)."""
    kith = runtime(url)
    with kith.uow(write=False) as ctx:
        values = community.current(ctx).model_dump()
    for name, value in values.items():
        shown = ", ".join(value) if isinstance(value, tuple) else json.dumps(value)
        console.print(f"{name} = {shown}")


@settings_app.command("set")
def settings_set(
    changes: Annotated[list[str], typer.Argument(help="name=value pairs, e.g. join_mode=approval")],
    admin: AsOption,
    reason: Annotated[str, typer.Option()] = "",
    url: UrlOption = None,
) -> None:
    """Change settings: ``kith admin settings set join_mode=domains
    allowed_domains=example.org``."""
    parsed: dict[str, object] = {}
    for change in changes:
        name, sep, value = change.partition("=")
        if not sep:
            err.print(f"[red]error[/red] (invalid_setting): Write {change!r} as name=value.")
            raise typer.Exit(code=1)
        lowered = value.strip().lower()
        parsed[name.strip()] = (
            lowered in ("true", "yes", "on", "1")
            if lowered in ("true", "false", "yes", "no", "on", "off", "1", "0")
            else value
        )
    kith = runtime(url)
    try:
        with kith.uow() as ctx:
            community.update(ctx, _member_by_key(ctx, admin), parsed, reason=reason)
    except KithError as exc:
        raise fail(exc) from exc
    console.print("Settings saved.")


@invitation_app.command("create")
def invitation_create(
    admin: AsOption,
    uses: Annotated[int, typer.Option(help="How many sign-ups it admits")] = 1,
    days: Annotated[int, typer.Option(help="How many days it lasts")] = 14,
    label: Annotated[str, typer.Option(help="What it is for")] = "",
    email: Annotated[str | None, typer.Option(help="Only this address may use it")] = None,
    url: UrlOption = None,
) -> None:
    """Make an invitation link and code (shown this once)."""
    kith = runtime(url)
    try:
        with kith.uow() as ctx:
            made = invitations.create_code(
                ctx, _member_by_key(ctx, admin), max_uses=uses, days=days, label=label, email=email
            )
            code, link, invitation_id = made.code, made.link, made.invitation.id
    except KithError as exc:
        raise fail(exc) from exc
    console.print(f"Invitation {invitation_id}: code [bold]{code}[/bold]")
    console.print(f"Link: {link}")


@invitation_app.command("list")
def invitation_list(admin: AsOption, url: UrlOption = None) -> None:
    """Every invitation, newest first, with its uses and state."""
    kith = runtime(url)
    try:
        with kith.uow(write=False) as ctx:
            found = invitations.listed(ctx, _member_by_key(ctx, admin), PageRequest(1, 1000))
            now = ctx.clock.now()
            for i in found.items:
                state = invitations.state(i, now)
                what = i.label or i.email or ""
                console.print(f"{i.id}\t{i.hint}-…\t{i.uses}/{i.max_uses}\t{state}\t{what}")
    except KithError as exc:
        raise fail(exc) from exc


@invitation_app.command("revoke")
def invitation_revoke(invitation_id: int, admin: AsOption, url: UrlOption = None) -> None:
    """Revoke an invitation."""
    kith = runtime(url)
    try:
        with kith.uow() as ctx:
            actor = _member_by_key(ctx, admin)
            audit.require_admin(actor)
            invitations.revoke(ctx, actor, invitation_id)
    except KithError as exc:
        raise fail(exc) from exc
    console.print(f"Revoked invitation {invitation_id}.")


@admin_app.command("audit")
def audit_log(
    admin: AsOption,
    export: Annotated[str | None, typer.Option(help="csv or json: the whole log")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
    url: UrlOption = None,
) -> None:
    """The latest administrator actions, or the whole log exported (``--export csv``)."""
    kith = runtime(url)
    try:
        with kith.uow(write=False) as ctx:
            actor = _member_by_key(ctx, admin)
            if export in ("csv", "json"):
                text = (
                    audit.export_csv(ctx, actor)
                    if export == "csv"
                    else audit.export_json(ctx, actor)
                )
                typer.echo(text, nl=False)
                return
            if export is not None:
                err.print("[red]error[/red] (invalid_format): Export as csv or json.")
                raise typer.Exit(code=1)
            for e in audit.entries(ctx, actor, PageRequest(1, limit)).items:
                why = f" — {e.reason}" if e.reason else ""
                when = f"{e.created_at:%Y-%m-%d %H:%M}"
                console.print(f"{when}\t{e.admin_label}\t{e.action}\t{e.subject_label}{why}")
    except KithError as exc:
        raise fail(exc) from exc
