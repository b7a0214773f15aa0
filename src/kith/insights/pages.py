"""Pages: My insights, and Community insights for administrators."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kith.connections.queries import blocked_between
from kith.endorsements.insights import community_skills, my_endorsements
from kith.graph.cards import person
from kith.groups.insights import community_groups
from kith.insights import charts, network_map, service
from kith.insights.map_pages import map_context
from kith.introductions import lists as introductions
from kith.members.service import view_member
from kith.search import suggestions
from kith.web.deps import KithDep, me
from kith.web.render import MemberId, nav_for, redirect, render

router = APIRouter()


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x * 100:.0f} %"


def _member_charts(found: service.MemberInsights) -> dict[str, Any]:
    count = found.count
    guideline_charts = [
        charts.guideline_bands(
            f"{v.guideline}: recommended connections by career stage",
            [(b.label, b.low, b.high) for _, b in v.bands],
            count.count,
        )
        for v in found.count.guidelines
    ]
    composition = {
        kind: charts.bars(
            f"My connections by {kind}",
            [(s.label, s.share, f"{s.count:,} ({s.share * 100:.0f} %)") for s in shares],
        )
        for kind, shares in found.composition.items()
        if shares
    }
    standing = (
        charts.bars(
            "Where I stand: share of members with fewer connections than me",
            [
                (s.label, s.percentile, f"{s.percentile:.0f} %")
                for s in found.standing
                if s.percentile is not None
            ],
        )
        if any(s.percentile is not None for s in found.standing)
        else None
    )
    growth = charts.columns(
        "New connections per month, and my total",
        [(m.month, m.new, m.total) for m in found.growth],
    )
    return {
        "guidelines": guideline_charts,
        "composition": composition,
        "standing": standing,
        "growth": growth,
    }


@router.get("/insights")
def my_insights(request: Request, kith: KithDep, member_id: MemberId) -> Response:
    with kith.uow(write=False) as ctx:
        member = me(ctx, member_id)
        found = service.member_insights(ctx, member)
        endorsed = my_endorsements(ctx, member)
        handle = member.handle
        introduced = introductions.summary(ctx, member)
        the_map = map_context(network_map.network_map(ctx, member))
        nav = nav_for(ctx, member)
        is_admin = member.is_admin
    reach = found.reach
    context = {
        **the_map,
        "i": found,
        "charts": _member_charts(found),
        "pct": _pct,
        "is_admin": is_admin,
        "endorsements": endorsed,
        "handle": handle,
        "introduced": introduced,
        "third_error": round(reach.third_relative_error * 100),
        # No or barely any connections: say what the page will show instead of
        # comparing a count of zero with everyone else's.
        "starting": found.count.count <= kith.settings.insights_barely_connected_max,
    }
    return render(request, "insights/mine.html", context, nav=nav)


def _expected_ratio(ties: list[list[int]]) -> tuple[list[list[float]], list[list[str]]]:
    """Each cell's connections against what equal mixing would give (1.0 = as expected)."""
    n = len(ties)
    volume = [sum(row) + row[i] for i, row in enumerate(ties)]  # diagonal counts twice
    total = sum(volume) or 1
    values, texts = [], []
    for i in range(n):
        vrow, trow = [], []
        for j in range(n):
            expected = volume[i] * volume[j] / total / (2 if i == j else 1)
            ratio = ties[i][j] / expected if expected else 0.0
            vrow.append(ratio)
            trow.append(f"{ties[i][j]:,} connections, {ratio:.1f}× what their sizes suggest")
        values.append(vrow)
        texts.append(trow)
    return values, texts


def degree_bands(histogram: list[list[int]], barely: int) -> list[dict[str, Any]]:
    """Members per band of connection counts, in words: none, barely connected
    (1..``barely``), then bands that widen as counts grow."""
    edges = sorted({0, 1, barely + 1} | {e for e in (10, 50, 200, 500) if e > barely + 1})
    total = sum(c for _, c in histogram) or 1
    out = []
    for i, low in enumerate(edges):
        high = edges[i + 1] - 1 if i + 1 < len(edges) else None
        members = sum(c for k, c in histogram if k >= low and (high is None or k <= high))
        if low == 0:
            label = "No connections"
        elif high is None:
            label = f"{low:,} or more"
        elif low == high:
            label = f"{low:,} connection" + ("" if low == 1 else "s")
        else:
            label = f"{low:,} to {high:,}"
        out.append({"label": label, "members": members, "share": members / total})
    return out


def _community_charts(report: dict[str, Any], bands: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "bands": charts.bars(
            "Members by number of connections",
            [
                (b["label"], b["share"], f"{b['members']:,} ({b['share'] * 100:.0f} %)")
                for b in bands
            ],
        ),
        "degrees": charts.loglog(
            "Members by number of connections, on logarithmic scales",
            [(int(k), int(c)) for k, c in report["degree_histogram"]],
        ),
    }
    for kind in ("industries", "companies", "schools"):
        groups = report[kind]
        if len(groups["names"]) >= 2:
            values, texts = _expected_ratio(groups["ties"])
            out[kind] = charts.heatmap(
                f"How connected {kind} are to each other (darker: more than their sizes suggest)",
                groups["names"],
                values,
                texts,
            )
    return out


def _bridge_word(score: float) -> str:
    """A bridge's score in words: how much of the link between two industries is theirs."""
    if score >= 0.5:
        return "The main link"
    if score >= 0.1:
        return "An important link"
    return "One of many links"


@router.get("/insights/community")
def community(request: Request, kith: KithDep, member_id: MemberId) -> Response:
    with kith.uow(write=False) as ctx:
        member = me(ctx, member_id)
        report = service.community_report(ctx, member)
        endorsed = community_skills(ctx)
        groups = community_groups(ctx)
        nav = nav_for(ctx, member)
    bands = degree_bands(report["degree_histogram"], report["barely_connected_max"])
    context = {
        "c": report,
        "bands": bands,
        "charts": _community_charts(report, bands),
        "pct": _pct,
        "bridge_word": _bridge_word,
        "endorsed": endorsed,
        "groups": groups,
    }
    return render(request, "insights/community.html", context, nav=nav)


@router.post("/insights/community/refresh")
def refresh(request: Request, kith: KithDep, member_id: MemberId) -> Response:
    refresher = getattr(request.app.state, "insights_refresher", None)
    if refresher is not None:
        with kith.uow(write=False) as ctx:
            service.require_admin(me(ctx, member_id))
        refresher.request()
    else:
        with kith.uow() as ctx:
            service.refresh_for(ctx, me(ctx, member_id))
    return redirect(request, "/insights/community")


@router.get("/insights/community/welcome/{handle}")
def welcome_suggestions(
    request: Request, handle: str, kith: KithDep, member_id: MemberId
) -> Response:
    """For an administrator welcoming a new member: people the newcomer may know, to
    suggest to them in a message or to introduce."""
    with kith.uow(write=False) as ctx:
        admin = me(ctx, member_id)
        service.require_admin(admin)
        newcomer = view_member(ctx, admin, handle)
        found = suggestions.people_you_may_know(
            ctx, newcomer, limit=ctx.settings.onboarding_suggestions * 2, record=False
        )
        people = [
            {**person(s.member), "location": s.member.location}
            for s in found
            if not blocked_between(ctx.session, admin.id, s.member.id)
        ]
        context = {"newcomer": person(newcomer), "people": people}
        nav = nav_for(ctx, admin)
    return render(request, "insights/welcome.html", context, nav=nav)
