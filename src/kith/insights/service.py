"""Network insights: a member's own figures, and the community's for its operators.

A member's figures take graph facts (connection count, neighbours, reach) from the
network engine and only the member's own rows from the database: their
connections' dates, their connections' attributes by id, their invitations. The
community figures are computed in the background from the engine's CSR arrays
(:mod:`kith.insights.community`), stored as one JSON document per run in
``community_insights``, and served from the newest run; percentiles "within my
industry and career stage" compare a member's live connection count with the
distributions of that run.

Every figure is built by its own small function and collected in
:class:`MemberInsights`, so adding a figure is adding a field and a function.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import delete, func, select

from kith.clock import as_utc, month_text
from kith.connections.queries import expiry_cutoff
from kith.connections.service import status_for
from kith.errors import Forbidden, KithError
from kith.graph import service as graph
from kith.insights import community, profiles
from kith.insights.guidelines import GUIDELINES, PUBLISHED_INDUSTRY_AVERAGES, Band
from kith.members.service import CAREER_STAGES, career_stage
from kith.models import (
    CommunityInsightsResult,
    Company,
    Connection,
    Invitation,
    Member,
    School,
)
from kith.network import Reach
from kith.relationships.pruning import interaction_counts
from kith.uow import Ctx

log = logging.getLogger("kith.insights")

SUGGESTIONS_PATH = "/suggestions"
RECONNECT_PATH = "/relationships"
PRUNE_PATH = "/relationships/prune"
MAX_ACTIONS = 2
NOT_GIVEN = "Not given"
STAGE_KEYS = tuple(CAREER_STAGES)


class InsightsNotReady(KithError):
    status = 503
    code = "insights_not_ready"


def require_admin(member: Member) -> None:
    """Community insights are for the community's administrators."""
    if not member.is_admin:
        raise Forbidden(
            "Only the community's administrators can see community insights.",
            code="admin_only",
        )


# --------------------------------------------------------------------------- community
def career_stages(ctx: Ctx, ids: Sequence[int] | None = None) -> dict[int, str | None]:
    """Career stage (explicit or derived) of the given members, or of every member."""
    found = profiles.load(ctx, ids, with_locations=False, with_company_names=False)
    return {int(mid): found.stage_key(i) for i, mid in enumerate(found.ids.tolist())}


def _codes(values: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    """Codes for strings ("" -> -1) and the sorted distinct names."""
    names = sorted({v for v in values if v})
    index = {name: i for i, name in enumerate(names)}
    return np.fromiter((index.get(v, -1) for v in values), dtype=np.int32), names


def _names(ctx: Ctx, model: type[Company] | type[School]) -> list[str]:
    rows = ctx.session.connection().execute(select(model.id, model.name)).all()
    names = [""] * (max((r[0] for r in rows), default=0) + 1)
    for rid, name in rows:
        names[rid] = name
    return names


def community_attributes(ctx: Ctx, num_nodes: int) -> community.Attributes:
    """Per-member codes for the community job, indexed by member id."""
    found = profiles.load(ctx, None, with_locations=False, with_company_names=False)
    n = max(num_nodes, int(found.ids[-1]) + 1 if found.ids.size else 0)

    def spread(values: np.ndarray, fill: int = -1) -> np.ndarray:
        out = np.full(n, fill, dtype=np.int32)
        out[found.ids] = values
        return out

    active = np.zeros(n, dtype=np.bool_)
    active[found.ids] = found.active
    industry, industry_names = _codes(found.industry)
    return community.Attributes(
        active=active,
        industry=spread(industry),
        industry_names=industry_names,
        stage=spread(found.stage),
        stage_names=list(profiles.STAGE_KEYS),
        company=spread(found.company),
        company_names=_names(ctx, Company),
        school=spread(found.school),
        school_names=_names(ctx, School),
    )


def refresh_community(ctx: Ctx) -> CommunityInsightsResult:
    """Compute every community figure now and store them as the newest result."""
    eng = graph.engine(ctx)
    started = time.perf_counter()
    indptr, indices = eng.csr()
    attrs = community_attributes(ctx, int(indptr.size - 1))
    st = ctx.settings
    limits = community.Limits(
        barely_connected_max=st.insights_barely_connected_max,
        welcome_listed=st.insights_welcome_listed,
        bridges_listed=st.insights_bridges_listed,
        top_groups=st.insights_top_groups,
        min_cohort=st.insights_min_cohort,
    )
    payload = community.compute(indptr, indices, attrs, limits)
    seconds = time.perf_counter() - started
    row = CommunityInsightsResult(
        computed_at=ctx.clock.now(),
        seconds=round(seconds, 3),
        members=payload["members"],
        connections=payload["connections"],
        payload=json.dumps(payload, separators=(",", ":")),
    )
    ctx.session.add(row)
    ctx.session.flush()
    with _parsed_lock:  # ids can be reused after a rollback: parse the new one afresh
        _parsed.clear()
    keep = select(CommunityInsightsResult.id).order_by(CommunityInsightsResult.id.desc())
    kept = list(ctx.session.scalars(keep.limit(st.insights_kept_results)))
    ctx.session.execute(
        delete(CommunityInsightsResult).where(CommunityInsightsResult.id.not_in(kept))
    )
    log.info(
        "community insights: %d members, %d connections in %.1fs",
        row.members,
        row.connections,
        seconds,
    )
    return row


@dataclass(frozen=True)
class CommunityResult:
    id: int
    computed_at: datetime
    seconds: float
    data: dict[str, Any]


_parsed: dict[tuple[int, datetime, float, int, int], CommunityResult] = {}
_parsed_lock = threading.Lock()


def forget_member(ctx: Ctx, member_id: int) -> None:
    """An account was deleted: take the member out of the lists of members in every
    stored result (the welcome list, bridges), so no stored run names them. Names are
    read from the members table when a report is shown; the counts and distributions
    follow at the next refresh."""
    changed = False
    for row in ctx.session.scalars(select(CommunityInsightsResult)):
        data = json.loads(row.payload or "{}")
        welcome = [w for w in data.get("welcome", []) if int(w[0]) != member_id]
        bridges = [b for b in data.get("bridges", []) if int(b["id"]) != member_id]
        if len(welcome) != len(data.get("welcome", [])) or len(bridges) != len(
            data.get("bridges", [])
        ):
            data["welcome"], data["bridges"] = welcome, bridges
            row.payload = json.dumps(data, separators=(",", ":"))
            changed = True
    if changed:
        ctx.session.flush()
        ctx.on_commit(_forget_parsed)


def _forget_parsed() -> None:
    with _parsed_lock:
        _parsed.clear()


def latest_community(ctx: Ctx) -> CommunityResult | None:
    """The newest stored community result (parsed once per process and result)."""
    head = ctx.session.execute(
        select(
            CommunityInsightsResult.id,
            CommunityInsightsResult.computed_at,
            CommunityInsightsResult.seconds,
            CommunityInsightsResult.members,
            CommunityInsightsResult.connections,
        )
        .order_by(CommunityInsightsResult.id.desc())
        .limit(1)
    ).first()
    if head is None:
        return None
    rid, computed_at, seconds, members, connections = head
    key = (rid, as_utc(computed_at), float(seconds), members, connections)
    with _parsed_lock:
        cached = _parsed.get(key)
    if cached is not None:
        return cached
    payload = ctx.session.scalar(
        select(CommunityInsightsResult.payload).where(CommunityInsightsResult.id == rid)
    )
    result = CommunityResult(rid, key[1], key[2], json.loads(payload or "{}"))
    with _parsed_lock:
        _parsed.clear()
        _parsed[key] = result
    return result


def community_for(ctx: Ctx, viewer: Member) -> CommunityResult:
    """The newest community figures, for an administrator."""
    require_admin(viewer)
    result = latest_community(ctx)
    if result is None:
        raise InsightsNotReady(
            "Community insights have not been computed yet; they are computed in the "
            "background and will appear in a minute or two.",
            headers={"Retry-After": "60"},
        )
    return result


def is_stale(ctx: Ctx, result: CommunityResult | None) -> bool:
    minutes = ctx.settings.insights_refresh_minutes
    if result is None:
        return True
    return minutes > 0 and (ctx.clock.now() - result.computed_at).total_seconds() >= minutes * 60


def members_by_id(ctx: Ctx, ids: Sequence[int]) -> dict[int, Member]:
    """Active members among ``ids``."""
    out: dict[int, Member] = {}
    for part in profiles.parts(ids):
        for m in ctx.session.scalars(
            select(Member).where(Member.id.in_(part), Member.is_active.is_(True))
        ):
            out[m.id] = m
    return out


# --------------------------------------------------------------------------- a member
@dataclass(frozen=True)
class GuidelineVerdict:
    guideline: str
    band: Band | None  # the band for the member's career stage, if known
    place: str | None  # below, within, above
    bands: list[tuple[str, Band]]  # every stage's band, for the table


@dataclass(frozen=True)
class IndustryComparison:
    industry: str
    published_average: int | None
    community_mean: float | None
    community_median: float | None


@dataclass(frozen=True)
class CountFigures:
    count: int
    stage: str | None
    stage_label: str
    guidelines: list[GuidelineVerdict]
    disagreement: str
    industry: IndustryComparison | None
    published_averages: dict[str, int]


@dataclass(frozen=True)
class Standing:
    cohort: str  # industry, stage, industry_stage
    label: str
    percentile: float | None
    cohort_size: int
    note: str = ""


@dataclass(frozen=True)
class Share:
    label: str
    count: int
    share: float


@dataclass(frozen=True)
class Month:
    month: str  # YYYY-MM
    new: int
    total: int


@dataclass(frozen=True)
class InvitationFigures:
    sent: int
    accepted: int
    pending: int
    expired: int
    withdrawn: int
    acceptance_rate: float | None  # accepted / (accepted + pending + expired)


@dataclass(frozen=True)
class Quality:
    industry_share: float | None  # of connections with a known industry
    same_industry: int
    known_industry: int
    recent_days: int
    recent_share: float | None  # interacted with in the last ``recent_days``
    dormant_days: int
    dormant_share: float | None  # silent for ``dormant_days`` (the pruning rule)
    dormant: int


@dataclass(frozen=True)
class Action:
    label: str
    href: str
    reason: str


@dataclass(frozen=True)
class MemberInsights:
    count: CountFigures
    standing: list[Standing]
    composition: dict[str, list[Share]]
    growth: list[Month]
    reach: Reach
    invitations: InvitationFigures
    quality: Quality
    actions: list[Action]
    community_computed_at: datetime | None = None
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Neighbour:
    industry: str
    location: str
    company: str
    stage: str | None


def _neighbours(ctx: Ctx, ids: Sequence[int]) -> list[_Neighbour]:
    """Attributes of the member's connections, by id, in four queries per 5,000."""
    found = profiles.load(ctx, sorted(ids))
    return [
        _Neighbour(found.industry[i], found.location[i], found.company_name[i], found.stage_key(i))
        for i in range(found.ids.size)
        if found.active[i]
    ]


def _shares(values: Iterable[str], shown: int) -> list[Share]:
    counts = Counter(v or NOT_GIVEN for v in values)
    total = sum(counts.values())
    if not total:
        return []
    given = sorted(
        ((k, c) for k, c in counts.items() if k != NOT_GIVEN), key=lambda kc: (-kc[1], kc[0])
    )
    top, rest = given[:shown], given[shown:]
    out = [Share(k, c, c / total) for k, c in top]
    other = sum(c for _, c in rest)
    if other:
        out.append(Share("Other", other, other / total))
    if counts.get(NOT_GIVEN):
        out.append(Share(NOT_GIVEN, counts[NOT_GIVEN], counts[NOT_GIVEN] / total))
    return out


def _composition(ctx: Ctx, neighbours: list[_Neighbour]) -> dict[str, list[Share]]:
    shown = ctx.settings.insights_composition_shown
    return {
        "industry": _shares((n.industry for n in neighbours), shown),
        "company": _shares((n.company for n in neighbours), shown),
        "location": _shares((n.location for n in neighbours), shown),
        "seniority": _shares(
            (CAREER_STAGES.get(n.stage or "", "") for n in neighbours), len(CAREER_STAGES)
        ),
    }


def _count_figures(
    ctx: Ctx, member: Member, count: int, stage: str | None, result: CommunityResult | None
) -> CountFigures:
    verdicts = []
    for g in GUIDELINES:
        band = g.bands.get(stage or "")
        verdicts.append(
            GuidelineVerdict(
                guideline=g.name,
                band=band,
                place=band.place(count) if band else None,
                bands=[(CAREER_STAGES[k], b) for k, b in g.bands.items()],
            )
        )
    a, b = verdicts
    if a.band and b.band and a.place != b.place:
        disagreement = (
            f"The two guidelines disagree about you: by guideline A you are {a.place} "
            f"the range ({a.band.text()}), by guideline B {b.place} it ({b.band.text()})."
        )
    elif a.band and b.band:
        disagreement = (
            f"Both guidelines put you {a.place} their ranges, although the ranges "
            f"themselves disagree ({a.band.text()} and {b.band.text()})."
        )
    else:
        disagreement = (
            "The two guidelines disagree: for the same career stage, guideline B's "
            "ranges are up to five times guideline A's."
        )
    industry = None
    if member.industry:
        mean = median = None
        if result is not None:
            names: list[str] = result.data["industries"]["names"]
            if member.industry in names:
                i = names.index(member.industry)
                mean = float(result.data["industries"]["mean"][i])
                median = float(result.data["industries"]["median"][i])
        industry = IndustryComparison(
            member.industry, PUBLISHED_INDUSTRY_AVERAGES.get(member.industry), mean, median
        )
    return CountFigures(
        count=count,
        stage=stage,
        stage_label=CAREER_STAGES.get(stage or "", "Not known"),
        guidelines=verdicts,
        disagreement=disagreement,
        industry=industry,
        published_averages=dict(PUBLISHED_INDUSTRY_AVERAGES),
    )


def _standing(
    ctx: Ctx, member: Member, count: int, stage: str | None, result: CommunityResult | None
) -> list[Standing]:
    """Percentiles within the member's industry, career stage, and both."""
    if result is None:
        return []
    cohorts: dict[str, dict[str, Any]] = result.data["cohorts"]
    stage_label = CAREER_STAGES.get(stage or "", "")
    wanted = [
        ("industry", member.industry, member.industry),
        ("stage", stage or "", stage_label),
        ("industry_stage", f"{member.industry}|{stage}", f"{member.industry}, {stage_label}"),
    ]
    out = []
    for kind, key, label in wanted:
        if kind == "industry" and not member.industry:
            continue
        if kind == "stage" and not stage:
            continue
        if kind == "industry_stage" and not (member.industry and stage):
            continue
        found = cohorts[kind].get(key)
        if found is None:
            out.append(
                Standing(
                    kind,
                    label,
                    None,
                    0,
                    f"Fewer than {ctx.settings.insights_min_cohort} members are in this "
                    "group, too few to compare with.",
                )
            )
        else:
            out.append(Standing(kind, label, community.percentile(found, count), int(found["n"])))
    return out


def _connection_dates(ctx: Ctx, member: Member) -> list[datetime]:
    s = ctx.session
    dates = list(
        s.scalars(select(Connection.created_at).where(Connection.member_lo_id == member.id))
    )
    dates += list(
        s.scalars(select(Connection.created_at).where(Connection.member_hi_id == member.id))
    )
    return [as_utc(d) for d in dates]


def _month_key(d: datetime) -> tuple[int, int]:
    return d.year, d.month


def _growth(ctx: Ctx, dates: list[datetime]) -> list[Month]:
    """New connections per month over the last ``insights_growth_months``, with totals."""
    now = ctx.clock.now()
    months = []
    y, m = now.year, now.month
    for _ in range(ctx.settings.insights_growth_months):
        months.append((y, m))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    months.reverse()
    per = Counter(_month_key(d) for d in dates)
    total = sum(c for k, c in per.items() if k < months[0])
    out = []
    for key in months:
        total += per.get(key, 0)
        out.append(Month(f"{key[0]:04d}-{key[1]:02d}", per.get(key, 0), total))
    return out


def _invitations(ctx: Ctx, member: Member) -> InvitationFigures:
    """Invitations the member sent, as the member sees them: an ignored invitation
    stays pending until it expires, so the rate never reveals who ignored them.

    The rows are counted by everything :func:`status_for` looks at (stored status,
    withdrawn or not, past the expiry date or not), and each group is then judged
    by ``status_for`` itself, so the sender's view has one definition."""
    now = ctx.clock.now()
    cutoff = expiry_cutoff(now, ctx.settings.invitation_expiry_days)
    withdrawn = Invitation.withdrawn_at.is_not(None)
    expired = Invitation.created_at <= cutoff
    groups = ctx.session.execute(
        select(Invitation.status, withdrawn, expired, func.count())
        .where(Invitation.sender_id == member.id)
        .group_by(Invitation.status, withdrawn, expired)
    ).all()
    seen: Counter[str] = Counter()
    for status, was_withdrawn, past_expiry, count in groups:
        probe = Invitation(
            sender_id=member.id,
            status=status,
            created_at=cutoff if past_expiry else now,
            withdrawn_at=now if was_withdrawn else None,
        )
        seen[status_for(ctx, probe, member.id)] += int(count)
    accepted, pending, expired_count = seen["accepted"], seen["pending"], seen["expired"]
    decided = accepted + pending + expired_count
    return InvitationFigures(
        sent=sum(seen.values()),
        accepted=accepted,
        pending=pending,
        expired=expired_count,
        withdrawn=seen["withdrawn"],
        acceptance_rate=accepted / decided if decided else None,
    )


def _quality(ctx: Ctx, member: Member, neighbours: list[_Neighbour]) -> Quality:
    known = [n for n in neighbours if n.industry]
    same = sum(1 for n in known if n.industry == member.industry)
    share = same / len(known) if member.industry and known else None
    days = ctx.settings.insights_recent_days
    counts = interaction_counts(ctx, member, recent_days=days)
    total = counts.connections
    return Quality(
        share,
        same if member.industry else 0,
        len(known),
        days,
        counts.recent / total if total else None,
        ctx.settings.dormant_days,
        counts.dormant / total if total else None,
        counts.dormant,
    )


def _actions(
    ctx: Ctx,
    count: CountFigures,
    standing: list[Standing],
    quality: Quality,
    dates: list[datetime],
) -> list[Action]:
    """The one or two things that would most improve the figures above, by rule."""
    st = ctx.settings
    out: list[Action] = []
    if count.count >= st.insights_prune_fraction * st.max_connections:
        out.append(
            Action(
                "Review connections to prune",
                PRUNE_PATH,
                f"You have {count.count:,} of the {st.max_connections:,} connections a member "
                "can have; removing dormant ones makes room for people you work with.",
            )
        )
    reasons = []
    if count.count == 0:
        reasons.append("You have no connections yet.")
    else:
        below = [v for v in count.guidelines if v.place == "below"]
        if below:
            reasons.append(
                f"You have fewer connections than {below[0].guideline} suggests "
                f"for your career stage ({below[0].band.text() if below[0].band else ''})."
            )
        low = [(s.label, s.percentile) for s in standing if s.percentile is not None]
        low = [(label, p) for label, p in low if p < 25]
        if low and not below:
            label, percentile = low[0]
            reasons.append(
                f"You have fewer connections than {100 - percentile:.0f} % of members in {label}."
            )
    if quality.industry_share is not None and quality.known_industry:
        pct = quality.industry_share * 100
        if quality.industry_share < st.insights_industry_share_low:
            reasons.append(f"Only {pct:.0f} % of your connections work in your industry.")
        elif quality.industry_share > st.insights_industry_share_high and count.count >= 20:
            reasons.append(
                f"{pct:.0f} % of your connections work in your industry; people from "
                "neighbouring fields widen what you hear about."
            )
    if reasons:
        out.append(Action("See people you may know", SUGGESTIONS_PATH, " ".join(reasons)))
    revive = []
    if dates:
        newest = max(dates)
        months = (ctx.clock.now() - newest).days / 30.44
        if months >= st.insights_stalled_months:
            revive.append(
                f"Your network has not grown since {month_text(newest.year, newest.month)}; "
                "the connections you already have are the quickest to revive."
            )
    if (
        quality.dormant_share is not None
        and quality.dormant_share >= st.insights_dormant_share_high
    ):
        revive.append(
            f"{quality.dormant_share * 100:.0f} % of your connections have heard nothing from "
            f"you for over {st.dormant_days} days."
        )
    if revive:
        out.append(Action("Reconnect with people you know", RECONNECT_PATH, " ".join(revive)))
    return out[:MAX_ACTIONS]


def member_insights(ctx: Ctx, member: Member) -> MemberInsights:
    """Everything on "My insights" for ``member``."""
    eng = graph.engine(ctx)
    result = latest_community(ctx)
    ids = eng.neighbors(member.id).tolist()
    count = len(ids)
    stage = career_stage(member, ctx.clock.now())
    neighbours = _neighbours(ctx, ids)
    dates = _connection_dates(ctx, member)
    count_figures = _count_figures(ctx, member, count, stage, result)
    standing = _standing(ctx, member, count, stage, result)
    quality = _quality(ctx, member, neighbours)
    notes = []
    if result is None:
        notes.append(
            "Where you stand in this community appears once the community figures have "
            "been computed (they are refreshed in the background)."
        )
    return MemberInsights(
        count=count_figures,
        standing=standing,
        composition=_composition(ctx, neighbours),
        growth=_growth(ctx, dates),
        reach=graph.reach(ctx, member),  # blocks taken out, as everywhere
        invitations=_invitations(ctx, member),
        quality=quality,
        actions=_actions(ctx, count_figures, standing, quality, dates),
        community_computed_at=result.computed_at if result else None,
        notes=notes,
    )


# --------------------------------------------------------------------------- reports
def community_report(ctx: Ctx, viewer: Member) -> dict[str, Any]:
    """The newest community figures with the listed members' names, for an admin."""
    result = community_for(ctx, viewer)
    data = result.data
    ids = [int(i) for i, _ in data["welcome"]] + [int(b["id"]) for b in data["bridges"]]
    found = members_by_id(ctx, ids)
    welcome = [
        {"handle": found[i].handle, "name": found[i].name, "connections": int(d)}
        for i, d in data["welcome"]
        if i in found
    ]
    bridges = [
        {
            "handle": found[b["id"]].handle,
            "name": found[b["id"]].name,
            "connections": graph.engine(ctx).connection_count(b["id"]),
            **{k: v for k, v in b.items() if k != "id"},
        }
        for b in data["bridges"]
        if b["id"] in found
    ]
    skip = {"welcome", "bridges", "cohorts", "stages"}
    return {
        **{k: v for k, v in data.items() if k not in skip},
        "stages": data["stages"],
        "computed_at": result.computed_at,
        "seconds": result.seconds,
        "welcome": welcome,
        "bridges": bridges,
    }


def refresh_for(ctx: Ctx, viewer: Member) -> CommunityInsightsResult:
    """An administrator's "recompute now"."""
    require_admin(viewer)
    return refresh_community(ctx)
