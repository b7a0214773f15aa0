"""Pages: My insights, and Community insights for administrators."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kith.insights import charts, service
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
        nav = nav_for(ctx, member)
        is_admin = member.is_admin
    reach = found.reach
    context = {
        "i": found,
        "charts": _member_charts(found),
        "pct": _pct,
        "is_admin": is_admin,
        "third_error": round(reach.third_relative_error * 100),
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
            trow.append(f"{ties[i][j]:,} connections, {ratio:.1f}× what even mixing would give")
        values.append(vrow)
        texts.append(trow)
    return values, texts


def _community_charts(report: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "degrees": charts.loglog(
            "Members by number of connections (log-log)",
            [(int(k), int(c)) for k, c in report["degree_histogram"]],
        )
    }
    for kind in ("industries", "companies", "schools"):
        groups = report[kind]
        if len(groups["names"]) >= 2:
            values, texts = _expected_ratio(groups["ties"])
            out[kind] = charts.heatmap(
                f"How connected {kind} are to each other (darker: more than even mixing)",
                groups["names"],
                values,
                texts,
            )
    return out


@router.get("/insights/community")
def community(request: Request, kith: KithDep, member_id: MemberId) -> Response:
    with kith.uow(write=False) as ctx:
        member = me(ctx, member_id)
        report = service.community_report(ctx, member)
        nav = nav_for(ctx, member)
    context = {"c": report, "charts": _community_charts(report), "pct": _pct}
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
