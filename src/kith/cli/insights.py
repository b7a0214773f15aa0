"""``kith insights``: a member's or the community's."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from kith.cli._common import UrlOption, console, err, fail, runtime
from kith.clock import moment_text
from kith.errors import KithError
from kith.insights.service import latest_community, member_insights, refresh_community
from kith.members.service import get_member

insights_app = typer.Typer(
    help="Network insights: a member's (--member HANDLE) or the community's.",
    invoke_without_command=True,
)


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
    console.print(f"Computed {moment_text(result.computed_at)} in {result.seconds:.1f} s")
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
