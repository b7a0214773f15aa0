"""``kith group``: list and inspect groups, hand one to a member, archive one."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import func, select

from kith.cli._common import UrlOption, _member_by_key, console, fail, runtime
from kith.errors import KithError
from kith.groups import service
from kith.models import Group, GroupAudit, GroupMember, Member

group_app = typer.Typer(help="Groups.", no_args_is_help=True)

GroupArg = Annotated[int, typer.Argument(help="The group's id", min=1, max=2**31 - 1)]


@group_app.command("list")
def group_list(
    query: Annotated[str, typer.Option("--q", help="Name contains")] = "",
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 50,
    url: UrlOption = None,
) -> None:
    """Every group (unlisted and archived ones too), the largest first."""
    kith = runtime(url)
    table = Table("id", "name", "kind", "members", "waiting", "owner", "archived")
    with kith.uow(write=False) as ctx:
        stmt = select(Group).order_by(Group.member_count.desc(), Group.id).limit(limit)
        if query.strip():
            stmt = stmt.where(
                func.lower(Group.name).contains(query.strip().lower(), autoescape=True)
            )
        groups = list(ctx.session.scalars(stmt))
        owners = dict(
            ctx.session.execute(
                select(GroupMember.group_id, Member.handle)
                .join(Member, Member.id == GroupMember.member_id)
                .where(
                    GroupMember.group_id.in_([g.id for g in groups]),
                    GroupMember.role == "owner",
                    GroupMember.status == "member",
                )
            ).all()
        )
        for g in groups:
            table.add_row(
                str(g.id),
                g.name,
                g.kind,
                f"{g.member_count:,}",
                f"{g.request_count:,}",
                owners.get(g.id, "—"),
                "yes" if g.archived_at else "",
            )
    console.print(table)


@group_app.command("log")
def group_log(
    group_id: GroupArg,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 50,
    url: UrlOption = None,
) -> None:
    """A group's audit log, newest first: what its owner and managers did."""
    kith = runtime(url)
    table = Table("when", "who", "action", "member", "post", "detail")
    with kith.uow(write=False) as ctx:
        try:
            service.any_group(ctx, group_id)
        except KithError as exc:
            raise fail(exc) from exc
        rows = ctx.session.scalars(
            select(GroupAudit)
            .where(GroupAudit.group_id == group_id)
            .order_by(GroupAudit.id.desc())
            .limit(limit)
        )
        for a in rows:
            table.add_row(
                a.created_at.strftime("%Y-%m-%d %H:%M"),
                a.actor.handle if a.actor else "—",
                a.action,
                a.subject.handle if a.subject else "",
                str(a.post_id or ""),
                a.detail,
            )
    console.print(table)


@group_app.command("transfer")
def group_transfer(
    group_id: GroupArg,
    member: Annotated[str, typer.Argument(help="A member of the group: handle or email")],
    url: UrlOption = None,
) -> None:
    """Make a member of the group its owner (for a group left without one, or at the
    owner's request); an archived group opens again."""
    kith = runtime(url)
    try:
        with kith.uow() as ctx:
            new_owner = _member_by_key(ctx, member)
            group = service.operator_transfer(ctx, group_id, new_owner)
            name, handle = group.name, new_owner.handle
    except KithError as exc:
        raise fail(exc) from exc
    console.print(f"[bold]{handle}[/bold] now owns “{name}”.")


@group_app.command("archive")
def group_archive(group_id: GroupArg, url: UrlOption = None) -> None:
    """Archive a group: its members keep reading it; it takes nothing new."""
    kith = runtime(url)
    try:
        with kith.uow() as ctx:
            name = service.operator_archive(ctx, group_id).name
    except KithError as exc:
        raise fail(exc) from exc
    console.print(f"Archived “{name}”.")
