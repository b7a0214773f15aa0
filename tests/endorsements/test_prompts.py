"""Endorsement prompts, on both databases: about connections only, never for a closed
skill, one already endorsed or one dismissed, at most three a day; answered on the
pages beside "Due to reconnect" and after connecting."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from kith.endorsements import prompts as pr
from kith.endorsements import service as svc
from kith.models import Endorsement
from kith.relationships.records import set_cadence
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.endorsements import give_skills
from tests.fixtures.factories import connect, make_member
from tests.fixtures.pages import HTMX, page_text, post, sign_in_as


def test_prompts_follow_the_rules_and_the_daily_allowance(ctx: Ctx) -> None:
    vic = make_member(ctx, "Vic")
    people = [make_member(ctx, n) for n in ("Ana", "Ben", "Cai", "Dee", "Eve")]
    stranger = make_member(ctx, "Zed")
    for p in people:
        connect(ctx, vic, p)
    ana, ben, cai, dee, eve = people
    a_sql, a_python = give_skills(ctx, ana, "SQL", "Python")
    (b_go,) = give_skills(ctx, ben, "Go")
    (c_rust,) = give_skills(ctx, cai, "Rust")
    give_skills(ctx, dee, "Java")
    give_skills(ctx, eve, "Kotlin")
    give_skills(ctx, stranger, "Perl")
    svc.set_top_skills(ctx, ana, [a_python.id])
    svc.set_skill_closed(ctx, cai, c_rust.id, True)  # closed: never asked
    svc.endorse(ctx, vic, ben, b_go.id)  # already endorsed: never asked

    asked = pr.prompts(ctx, vic, [ana, ben, cai, dee, eve, stranger])
    assert [p.question for p in asked] == [
        "Does Ana know Python?",  # her top skill first
        "Does Dee know Java?",
        "Does Eve know Kotlin?",
    ]
    assert pr.answer(ctx, vic, ana, a_python.id, True) == "You endorsed Ana for Python"
    assert pr.answer(ctx, vic, dee, asked[1].skill_id, False) == "We won't ask about that again"
    # Two answered today: one more at most, and never the answered ones.
    assert [p.question for p in pr.prompts(ctx, vic, [ana, dee, eve])] == ["Does Ana know SQL?"]
    pr.answer(ctx, vic, eve, asked[2].skill_id, False)
    assert pr.prompts(ctx, vic, [ana, dee, eve]) == []
    ctx.clock.advance(days=1)  # type: ignore[attr-defined]
    assert [p.question for p in pr.prompts(ctx, vic, [ana, dee, eve])] == ["Does Ana know SQL?"]
    # Someone who stops receiving is not asked about.
    svc.set_receiving(ctx, ana, False)
    assert pr.prompts(ctx, vic, [ana]) == []
    assert (
        ctx.session.scalar(select(Endorsement.id).where(Endorsement.skill_id == a_sql.id)) is None
    )


def test_prompts_on_the_network_and_relationships_pages(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    vic, ana = make_member(ctx, "Vic"), make_member(ctx, "Ana")
    connect(ctx, vic, ana)
    (python,) = give_skills(ctx, ana, "Python")
    sign_in_as(client, ctx, vic)
    ctx.session.commit()
    assert kith.network is not None
    kith.network.poll()
    network = page_text(client.get("/mynetwork").text)
    assert "Endorse your new connections" in network
    assert "Does Ana know Python?" in network

    answered = post(
        client,
        kith,
        "/me/endorsement-prompts",
        {"handle": ana.handle, "skill": str(python.id), "answer": "yes"},
        headers=HTMX,
    )
    assert answered.status_code == 200, answered.text
    assert "You endorsed Ana for Python" in page_text(answered.text)
    assert svc.skill_count(ctx, ana.id, python.id) == 1
    assert "Does Ana know Python?" not in page_text(client.get("/mynetwork").text)

    # Beside "Due to reconnect": a connection now due.
    ben = make_member(ctx, "Ben")
    connect(ctx, vic, ben)
    give_skills(ctx, ben, "Go")
    set_cadence(ctx, vic, ben, 7)
    ctx.clock.advance(days=20)  # type: ignore[attr-defined]
    sign_in_as(client, ctx, vic)
    ctx.session.commit()
    kith.network.poll()
    dashboard = page_text(client.get("/relationships").text)
    assert "Does Ben know Go?" in dashboard
