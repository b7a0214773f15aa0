"""Endorsements in the insights, on both databases: a member's top skills and who
endorsed them by degree now; the community's most endorsed skills by industry, only
from current connections."""

from __future__ import annotations

from fastapi.testclient import TestClient

from kith.connections.service import remove_connection
from kith.endorsements.insights import community_skills, my_endorsements
from kith.endorsements.service import endorse
from kith.models import Member
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.endorsements import give_skills
from tests.fixtures.factories import connect, make_member
from tests.fixtures.pages import page_text, sign_in_as


def test_my_top_skills_by_degree_and_the_community_by_industry(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    ana = make_member(ctx, "Ana", industry="Software")
    ben, cai, dee = (make_member(ctx, n, industry="Finance") for n in ("Ben", "Cai", "Dee"))
    for m in (ben, cai, dee):
        connect(ctx, ana, m)
    connect(ctx, ben, cai)
    python, sql = give_skills(ctx, ana, "Python", "SQL")
    (risk,) = give_skills(ctx, ben, "Risk")
    for m in (ben, cai, dee):
        endorse(ctx, m, ana, python.id)
    endorse(ctx, ben, ana, sql.id)
    endorse(ctx, cai, ben, risk.id)
    remove_connection(ctx, ana, cai)  # Cai is now 2nd degree: hidden
    sign_in_as(client, ctx, ana)
    ctx.session.commit()
    assert kith.network is not None
    kith.network.poll()

    with kith.uow(write=False) as c:
        me = c.session.get_one(Member, ana.id)
        mine = my_endorsements(c, me)
        assert mine.top == [("Python", 2), ("SQL", 1)]
        assert mine.by_degree == [("1st", 2), ("2nd", 1)]
        assert community_skills(c) == [
            ("Software", [("Python", 2), ("SQL", 1)]),
            ("Finance", [("Risk", 1)]),
        ]
    page = page_text(client.get("/insights").text)
    assert "Your endorsements" in page
    assert "Python 2 endorsements" in page
