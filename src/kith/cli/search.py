"""``kith search``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import or_, select

from kith.cli._common import UrlOption, console, err, fail, runtime
from kith.errors import KithError
from kith.models import Member
from kith.pagination import PageRequest
from kith.search.service import SearchQuery, search_people
from kith.search.suggestions import people_you_may_know

Many = Annotated[list[str] | None, typer.Option(help="Repeatable")]


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
    connections_of: Annotated[str, typer.Option(help="A member's handle or name")] = "",
    page: Annotated[int, typer.Option(help="Page number")] = 1,
    per_page: Annotated[int, typer.Option(help="Results per page")] = 20,
    suggest: Annotated[
        bool, typer.Option("--suggestions", help="People you may know instead of a search")
    ] = False,
    url: UrlOption = None,
) -> None:
    """Search people as a member sees them (degree, shared connections, ranking), or
    list their people you may know with ``--suggestions``."""
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
            for column in ("Name", "Handle", "Degree", "Shared", "Headline"):
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
