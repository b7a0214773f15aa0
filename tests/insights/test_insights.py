"""My insights and community insights through the services, the API and the pages,
on SQLite and PostgreSQL, checked against figures computed independently."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import networkx as nx
import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from kith.clock import FrozenClock
from kith.connections.service import ignore_invitation, send_invitation, withdraw_invitation
from kith.insights import service
from kith.insights.jobs import CommunityRefresher
from kith.members.service import (
    EducationInput,
    PositionInput,
    ProfileInput,
    career_stage,
    update_profile,
)
from kith.messaging.service import send_message
from kith.models import CommunityInsightsResult, Connection, Member
from kith.relationships.interactions import log_interaction
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.factories import bearer, connect, make_member
from tests.fixtures.pages import post, sign_in_as
from tests.fixtures.refusals import refused

START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def synced(kith: Kith) -> None:
    assert kith.network is not None
    kith.network.poll()


def profile(ctx: Ctx, member: Member, **fields: object) -> Member:
    return update_profile(ctx, member, ProfileInput(**fields))  # type: ignore[arg-type]


def graph_of(ctx: Ctx) -> nx.Graph:
    g = nx.Graph()
    g.add_nodes_from(ctx.session.scalars(select(Member.id).where(Member.is_active.is_(True))))
    g.add_edges_from(ctx.session.execute(select(Connection.member_lo_id, Connection.member_hi_id)))
    return g


@pytest.fixture
def story(ctx: Ctx, clock: FrozenClock) -> dict[str, Member]:
    """Ana's network, built over nine months."""
    clock.set(START)
    m = {
        name: make_member(ctx, name)
        for name in ("Ana", "Ben", "Cleo", "Dev", "Eve", "Finn", "Gus", "Hal", "Zed", "Yan")
    }
    profile(
        ctx,
        m["Ana"],
        industry="Technology",
        location="Berlin",
        positions=[PositionInput(company="Acme", title="Engineer", start_year=2019)],
    )
    profile(
        ctx,
        m["Ben"],
        industry="Technology",
        location="Berlin",
        career_stage="student",
        positions=[PositionInput(company="Acme", title="Intern", start_year=2025)],
    )
    profile(
        ctx,
        m["Cleo"],
        industry="Healthcare",
        location="Paris",
        positions=[PositionInput(company="Globex", title="Analyst", start_year=2024)],
    )
    send_invitation(ctx, m["Ana"], m["Hal"])  # will expire
    clock.advance(days=181)  # 2026-07-01
    connect(ctx, m["Ana"], m["Ben"])
    connect(ctx, m["Ben"], m["Zed"])
    connect(ctx, m["Zed"], m["Yan"])
    clock.advance(days=31)  # 2026-08-01
    connect(ctx, m["Cleo"], m["Ana"])
    clock.advance(days=31)  # 2026-09-01
    connect(ctx, m["Ana"], m["Dev"])
    send_invitation(ctx, m["Ana"], m["Eve"])
    ignored = send_invitation(ctx, m["Ana"], m["Finn"]).invitation
    ignore_invitation(ctx, m["Finn"], ignored.id)
    withdrawn = send_invitation(ctx, m["Ana"], m["Gus"]).invitation
    withdraw_invitation(ctx, m["Ana"], withdrawn.id)
    return m


def test_my_insights_in_the_api(
    client: TestClient, kith: Kith, ctx: Ctx, story: dict[str, Member]
) -> None:
    synced(kith)
    ana = story["Ana"]
    body = client.get("/api/v1/me/insights", headers=bearer(ctx, ana)).json()

    count = body["count"]
    assert count["count"] == 3
    assert count["stage"] == "mid_career"  # a position since 2019
    a, b = count["guidelines"]
    assert (a["guideline"], a["band"]["low"], a["band"]["high"], a["place"]) == (
        "Guideline A",
        500,
        1000,
        "below",
    )
    assert (b["guideline"], b["band"]["low"], b["band"]["high"], b["place"]) == (
        "Guideline B",
        1000,
        5000,
        "below",
    )
    assert "disagree" in count["disagreement"]
    assert count["industry"]["published_average"] == 673
    assert count["published_averages"]["Healthcare"] == 553

    shares = {k: {s["label"]: s["count"] for s in v} for k, v in body["composition"].items()}
    assert shares["industry"] == {"Technology": 1, "Healthcare": 1, "Not given": 1}
    assert shares["company"] == {"Acme": 1, "Globex": 1, "Not given": 1}
    assert shares["location"] == {"Berlin": 1, "Paris": 1, "Not given": 1}
    assert shares["seniority"] == {"Student": 1, "Early career": 1, "Not given": 1}

    growth = body["growth"]
    assert len(growth) == 24
    assert growth[-1]["month"] == "2026-09"
    assert [(g["month"], g["new"], g["total"]) for g in growth[-3:]] == [
        ("2026-07", 1, 1),
        ("2026-08", 1, 2),
        ("2026-09", 1, 3),
    ]
    assert all(g["new"] == 0 and g["total"] == 0 for g in growth[:-3])

    g = nx.Graph()
    for x, y in [("Ana", "Ben"), ("Ben", "Zed"), ("Zed", "Yan"), ("Cleo", "Ana"), ("Ana", "Dev")]:
        g.add_edge(story[x].id, story[y].id)
    dist = Counter_of(nx.single_source_shortest_path_length(g, ana.id))
    assert (body["reach"]["first"], body["reach"]["second"], body["reach"]["third"]) == (
        dist[1],
        dist[2],
        dist[3],
    )
    assert body["reach"]["third_estimated"] is False

    # Ignored (Finn) still reads pending; Hal's ran out; Gus's was withdrawn.
    assert body["invitations"] == {
        "sent": 6,
        "accepted": 2,
        "pending": 2,
        "expired": 1,
        "withdrawn": 1,
        "acceptance_rate": pytest.approx(2 / 5),
    }
    assert body["quality"] == {
        "industry_share": 0.5,
        "same_industry": 1,
        "known_industry": 2,
        "recent_days": 90,
        "recent_share": 0.0,
        "dormant_days": 365,
        "dormant_share": 0.0,
        "dormant": 0,
    }
    assert [a["href"] for a in body["actions"]] == ["/suggestions"]
    assert "Guideline A" in body["actions"][0]["reason"]
    assert body["standing"] == []
    assert body["community_computed_at"] is None
    assert body["notes"]


def Counter_of(dists: dict[int, int]) -> dict[int, int]:  # noqa: N802
    out = {1: 0, 2: 0, 3: 0}
    for d in dists.values():
        if d in out:
            out[d] += 1
    return out


def test_percentiles_come_from_the_last_community_result(
    client: TestClient, kith: Kith, ctx: Ctx, story: dict[str, Member]
) -> None:
    for i in range(6):
        other = make_member(ctx, f"Tess{i}")
        profile(ctx, other, industry="Technology", career_stage="mid_career")
        for friend in list(story.values())[1 : 1 + i]:
            connect(ctx, other, friend)
    synced(kith)
    kith.settings = kith.settings.model_copy(update={"insights_min_cohort": 3})
    admin = make_member(ctx, "Root", role="admin")
    refreshed = client.post("/api/v1/insights/community/refresh", headers=bearer(ctx, admin))
    assert refreshed.status_code == 200, refreshed.text
    assert refreshed.json()["state"] == "computed"

    g = graph_of(ctx)
    ana = story["Ana"]
    tech = [
        m.id for m in ctx.session.scalars(select(Member).where(Member.industry == "Technology"))
    ]
    now = kith.clock.now()
    stages = {m.id: career_stage(m, now) for m in ctx.session.scalars(select(Member))}
    mine = g.degree(ana.id)

    def pct(ids: list[int]) -> float:
        return 100 * sum(1 for i in ids if g.degree(i) < mine) / len(ids)

    body = client.get("/api/v1/me/insights", headers=bearer(ctx, ana)).json()
    standing = {s["cohort"]: s for s in body["standing"]}
    assert standing["industry"]["percentile"] == pytest.approx(pct(tech))
    assert standing["industry"]["cohort_size"] == len(tech)
    mid = [i for i, s in stages.items() if s == "mid_career"]
    assert standing["stage"]["percentile"] == pytest.approx(pct(mid))
    both = [i for i in tech if stages[i] == "mid_career"]
    assert standing["industry_stage"]["percentile"] == pytest.approx(pct(both))
    tech_degrees = [g.degree(i) for i in tech]
    assert body["count"]["industry"]["community_mean"] == pytest.approx(np.mean(tech_degrees))
    assert body["count"]["industry"]["community_median"] == pytest.approx(
        float(np.median(tech_degrees))
    )
    assert body["community_computed_at"] is not None
    assert body["notes"] == []

    # A group below the minimum size gets a sentence instead of a number.
    kith.settings = kith.settings.model_copy(update={"insights_min_cohort": 50})
    client.post("/api/v1/insights/community/refresh", headers=bearer(ctx, admin))
    body = client.get("/api/v1/me/insights", headers=bearer(ctx, ana)).json()
    assert all(s["percentile"] is None and s["note"] for s in body["standing"])


def test_actions_follow_the_figures(
    client: TestClient, kith: Kith, ctx: Ctx, clock: FrozenClock, story: dict[str, Member]
) -> None:
    synced(kith)
    ana = story["Ana"]
    clock.advance(days=200)  # nothing new for more than six months
    kith.settings = kith.settings.model_copy(update={"max_connections": 3})
    body = client.get("/api/v1/me/insights", headers=bearer(ctx, ana)).json()
    assert [a["href"] for a in body["actions"]] == ["/relationships/prune", "/suggestions"]

    kith.settings = kith.settings.model_copy(update={"max_connections": 30_000})
    body = client.get("/api/v1/me/insights", headers=bearer(ctx, ana)).json()
    assert [a["href"] for a in body["actions"]] == ["/suggestions", "/relationships"]
    assert "Sep 2026" in body["actions"][1]["reason"]

    # A newcomer without connections is pointed at people they may know.
    newcomer = make_member(ctx, "New")
    body = client.get("/api/v1/me/insights", headers=bearer(ctx, newcomer)).json()
    assert body["count"]["count"] == 0
    assert body["count"]["stage"] is None
    assert all(v["band"] is None and v["place"] is None for v in body["count"]["guidelines"])
    assert [a["href"] for a in body["actions"]] == ["/suggestions"]
    assert body["quality"]["industry_share"] is None
    assert body["invitations"]["acceptance_rate"] is None


def test_career_stages_in_bulk_follow_the_profile_rule(ctx: Ctx, clock: FrozenClock) -> None:
    clock.set(START)
    cases = [
        {},
        {"career_stage": "executive"},
        {"positions": [PositionInput(company="A", title="Chief of Staff", start_year=2025)]},
        {"positions": [PositionInput(company="A", title="Engineer", start_year=2025)]},
        {"positions": [PositionInput(company="A", title="Engineer", start_year=2022)]},
        {
            "positions": [
                PositionInput(company="A", title="Engineer", start_year=2010, end_year=2020)
            ]
        },
        {"education": [EducationInput(school="U", start_year=2023, end_year=2027)]},
        {"education": [EducationInput(school="U", start_year=2019, end_year=2024)]},
        {"education": [EducationInput(school="U", start_year=2010, end_year=2014)]},
        {
            "education": [EducationInput(school="U", start_year=2024, end_year=2028)],
            "positions": [PositionInput(company="A", title="Tutor", start_year=2025)],
        },
        {
            "education": [EducationInput(school="U", start_year=2024, end_year=2028)],
            "positions": [
                PositionInput(company="A", title="Tutor", start_year=2022, end_year=2023)
            ],
        },
        {"education": [EducationInput(school="U")]},
    ]
    members = []
    for i, fields in enumerate(cases):
        member = make_member(ctx, f"Stage{i}")
        profile(ctx, member, **fields)
        members.append(member)
    found = service.career_stages(ctx, [m.id for m in members])
    now = clock.now()
    assert found == {m.id: career_stage(m, now) for m in members}
    assert set(found.values()) >= {
        None,
        "student",
        "recent_graduate",
        "early_career",
        "mid_career",
        "executive",
    }


def test_community_insights_match_networkx(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    rng = np.random.default_rng(7)
    industries = ["Energy", "Healthcare", "Technology", ""]
    members = []
    for i in range(24):
        m = make_member(ctx, f"Pat{i}")
        profile(
            ctx,
            m,
            industry=industries[i % 4],
            positions=[PositionInput(company=f"Co{i % 5}", title="Analyst", start_year=2020)],
        )
        members.append(m)
    for a, b in rng.integers(0, 20, (30, 2)):  # the last four stay alone
        if a != b and not ctx.session.scalar(
            select(func.count())
            .select_from(Connection)
            .where(
                Connection.member_lo_id == min(members[a].id, members[b].id),
                Connection.member_hi_id == max(members[a].id, members[b].id),
            )
        ):
            connect(ctx, members[a], members[b])
    admin = make_member(ctx, "Root", role="admin")
    synced(kith)
    headers = bearer(ctx, admin)
    refused(client.get("/api/v1/insights/community", headers=headers), 503, "insights_not_ready")
    assert client.post("/api/v1/insights/community/refresh", headers=headers).status_code == 200
    body = client.get("/api/v1/insights/community", headers=headers).json()

    g = graph_of(ctx)
    deg = dict(g.degree())
    assert body["members"] == g.number_of_nodes() == 25
    assert body["connections"] == g.number_of_edges()
    assert body["mean"] == pytest.approx(np.mean(list(deg.values())))
    assert body["median"] == pytest.approx(float(np.median(list(deg.values()))))
    largest = max(nx.connected_components(g), key=len)
    assert body["largest_component_share"] == pytest.approx(len(largest) / 25)
    assert body["isolated"] == sum(1 for d in deg.values() if d == 0)
    lonely = sorted((i for i, d in deg.items() if d <= 2), reverse=True)
    by_id = {m.id: m.handle for m in [*members, admin]}
    assert [p["handle"] for p in body["welcome"]] == [by_id[i] for i in lonely]
    names = body["industries"]["names"]
    assert names == ["Energy", "Healthcare", "Technology"]
    ind = {m.id: m.industry for m in members}
    for i, x in enumerate(names):
        for j, y in enumerate(names):
            ties = sum(
                1
                for u, v in g.edges()
                if {ind.get(u), ind.get(v)} == {x, y} and (x != y or ind.get(u) == x)
            )
            assert body["industries"]["ties"][i][j] == ties
    assert body["companies"]["names"][:5] == sorted({f"Co{i % 5}" for i in range(24)})
    for b in body["bridges"]:
        assert b["handle"] in by_id.values()
        assert b["score"] > 0
    assert body["seconds"] >= 0
    assert body["computed_at"]


def test_refusals(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    member = make_member(ctx, "Mo")
    headers = bearer(ctx, member)
    refused(client.get("/api/v1/insights/community", headers=headers), 403, "admin_only")
    refused(client.post("/api/v1/insights/community/refresh", headers=headers), 403, "admin_only")
    assert ctx.session.scalar(select(func.count()).select_from(CommunityInsightsResult)) == 0
    refused(client.get("/api/v1/me/insights"), 401, "not_authenticated")
    refused(client.get("/api/v1/insights/community"), 401, "not_authenticated")

    sign_in_as(client, ctx, member)
    page = client.get("/insights/community")
    assert page.status_code == 403
    assert "Only the community&#39;s administrators can see community insights." in page.text
    response = post(client, kith, "/insights/community/refresh")
    assert response.status_code == 403
    assert ctx.session.scalar(select(func.count()).select_from(CommunityInsightsResult)) == 0
    # Members don't see a link to the community page.
    assert "/insights/community" not in client.get("/insights").text


def test_pages_show_charts(
    client: TestClient, kith: Kith, ctx: Ctx, story: dict[str, Member]
) -> None:
    synced(kith)
    admin = make_member(ctx, "Root", role="admin")
    sign_in_as(client, ctx, story["Ana"])
    page = client.get("/insights")
    assert page.status_code == 200
    assert len(re.findall(r'<svg class="chart', page.text)) >= 7
    assert "Guideline A" in page.text
    assert "Guideline B" in page.text
    assert 'href="/suggestions"' in page.text
    assert "<title" in page.text

    sign_in_as(client, ctx, admin)
    refused_page = client.get("/insights/community")
    assert refused_page.status_code == 503
    assert "have not been computed yet" in refused_page.text
    response = post(client, kith, "/insights/community/refresh")
    assert response.status_code == 303
    assert response.headers["location"] == "/insights/community"
    page = client.get("/insights/community")
    assert page.status_code == 200
    assert "chart-loglog" in page.text
    assert "chart-heatmap" in page.text
    assert f"/in/{story['Hal'].handle}" in page.text  # no connections: to welcome
    assert 'href="/insights/community"' in client.get("/insights").text


def test_background_refresh(kith: Kith, ctx: Ctx, clock: FrozenClock) -> None:
    make_member(ctx, "Ann")
    kith.start_network(thread=False)
    refresher = CommunityRefresher(kith)
    assert refresher.due()
    row = refresher.run_once()
    assert row.members == 1
    assert not refresher.due()
    clock.advance(minutes=kith.settings.insights_refresh_minutes)
    assert refresher.due()
    for _ in range(kith.settings.insights_kept_results + 2):
        refresher.run_once()
    kept = ctx.session.scalar(select(func.count()).select_from(CommunityInsightsResult))
    assert kept == kith.settings.insights_kept_results


def test_interaction_figures_follow_messages_and_logs(
    client: TestClient, kith: Kith, ctx: Ctx, clock: FrozenClock, story: dict[str, Member]
) -> None:
    synced(kith)
    ana, ben, cleo, dev = (story[n] for n in ("Ana", "Ben", "Cleo", "Dev"))
    body = client.get("/api/v1/me/insights", headers=bearer(ctx, ana)).json()["quality"]
    assert (body["recent_share"], body["dormant_share"], body["dormant"]) == (0.0, 0.0, 0)
    assert body["recent_days"] == 90
    assert body["dormant_days"] == 365

    send_message(ctx, ben, ana, "Coffee next week?")  # a message either way counts
    log_interaction(ctx, ana, cleo, "call")
    body = client.get("/api/v1/me/insights", headers=bearer(ctx, ana)).json()["quality"]
    assert body["recent_share"] == pytest.approx(2 / 3)

    # 100 days later nobody is recent; Dev (connected 2026-09-01, never contacted)
    # turns dormant a year after connecting, Ben and Cleo a year after the last contact
    clock.advance(days=100)
    body = client.get("/api/v1/me/insights", headers=bearer(ctx, ana)).json()
    assert body["quality"]["recent_share"] == 0.0
    assert body["quality"]["dormant_share"] == 0.0
    clock.advance(days=270)
    body = client.get("/api/v1/me/insights", headers=bearer(ctx, ana)).json()
    assert body["quality"]["dormant"] == 3
    assert body["quality"]["dormant_share"] == 1.0
    reconnect = [a for a in body["actions"] if a["href"] == "/relationships"]
    assert len(reconnect) == 1
    assert (
        "100 % of your connections have heard nothing from you for over 365 days"
        in (reconnect[0]["reason"])
    )
    sign_in_as(client, ctx, ana)
    page = client.get("/insights")
    assert "Dormant (no interaction for 365 days)" in page.text
