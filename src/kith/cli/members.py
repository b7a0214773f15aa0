"""``kith member``: create and delete members."""

from __future__ import annotations

import secrets
from typing import Annotated

import typer
from sqlalchemy import func, or_, select

from kith.accounts import two_factor
from kith.accounts.credentials import set_password
from kith.accounts.deletion import delete_account
from kith.accounts.service import NewPassword, sign_up
from kith.cli._common import UrlOption, console, err, fail, runtime
from kith.errors import KithError
from kith.models import Member

member_app = typer.Typer(help="Members.", no_args_is_help=True)


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
                operator=True,
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


@member_app.command("set-password")
def member_set_password(
    member: Annotated[str, typer.Argument(help="The member's handle or email address")],
    password: Annotated[
        str | None, typer.Option(help="The new password (default: generated and printed)")
    ] = None,
    url: UrlOption = None,
) -> None:
    """Set a member's password and end their sessions: the way back in for an
    administrator when the identity provider is down (password sign-in stays open to
    administrators in SSO-only mode)."""
    chosen = password or secrets.token_urlsafe(12)
    kith = runtime(url)
    key = member.strip().lower()
    try:
        fresh = NewPassword.of(kith.settings, chosen)
        with kith.uow() as ctx:
            found = ctx.session.scalar(
                select(Member).where(
                    or_(Member.handle == key, func.lower(Member.email) == key),
                    Member.is_active.is_(True),
                )
            )
            if found is None:
                err.print(f"[red]error[/red] (member_not_found): There is no member '{member}'.")
                raise typer.Exit(code=1)
            handle = found.handle
            set_password(ctx, found, fresh)
    except KithError as exc:
        raise fail(exc) from exc
    console.print(f"Set the password of [bold]{handle}[/bold]; their sessions ended.")
    if password is None:
        console.print(f"Password: [bold]{chosen}[/bold]")


@member_app.command("two-factor-off")
def member_two_factor_off(
    member: Annotated[str, typer.Argument(help="The member's handle or email address")],
    url: UrlOption = None,
) -> None:
    """Turn a member's two-factor sign-in off (they lost their phone and their recovery
    codes); they can set it up again after signing in."""
    kith = runtime(url)
    key = member.strip().lower()
    with kith.uow() as ctx:
        found = ctx.session.scalar(
            select(Member).where(
                or_(Member.handle == key, func.lower(Member.email) == key),
                Member.is_active.is_(True),
            )
        )
        if found is None:
            err.print(f"[red]error[/red] (member_not_found): There is no member '{member}'.")
            raise typer.Exit(code=1)
        handle = found.handle
        two_factor.forget(ctx, found.id)
    console.print(f"Two-factor sign-in is off for [bold]{handle}[/bold].")
