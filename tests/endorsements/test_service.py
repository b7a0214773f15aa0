"""Endorsing skills (kith.endorsements.service and views), on both databases: only the
1st degree, the recipient's choices, the connection rule, proof lines, deletion."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from kith.accounts.deletion import delete_account
from kith.blocks.service import block, unblock
from kith.connections.service import remove_connection
from kith.endorsements import service as svc
from kith.endorsements import views
from kith.errors import KithError
from kith.models import Endorsement, Member, Notification, Position
from kith.pagination import PageRequest
from kith.relationships.pruning import removal_preview, remove_connections
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.endorsements import give_skills
from tests.fixtures.factories import PASSWORD, connect, make_member


def _code(action: Callable[[], object]) -> str:
    with pytest.raises(KithError) as refused:
        action()
    return refused.value.code


def test_only_first_degree_connections_endorse(ctx: Ctx) -> None:
    ana, ben, cai = (make_member(ctx, n) for n in ("Ana", "Ben", "Cai"))
    connect(ctx, ana, ben)
    connect(ctx, ben, cai)
    python, sql = give_skills(ctx, ana, "Python", "SQL")
    assert svc.endorse(ctx, ben, ana, python.id) == 1
    assert svc.endorse(ctx, ben, ana, python.id) == 1  # idempotent
    # Cai is 2nd degree: refused.
    assert _code(lambda: svc.endorse(ctx, cai, ana, python.id)) == "not_connected"
    assert _code(lambda: svc.endorse(ctx, ana, ana, python.id)) == "cannot_endorse_self"
    other = give_skills(ctx, cai, "Go")[0]
    assert _code(lambda: svc.endorse(ctx, ben, ana, other.id)) == "skill_not_found"
    assert _code(lambda: svc.endorse(ctx, ben, ana, 2**63 - 1)) == "skill_not_found"
    # A skill closed to endorsements reads as no such skill.
    svc.set_skill_closed(ctx, ana, sql.id, True)
    assert _code(lambda: svc.endorse(ctx, ben, ana, sql.id)) == "skill_not_found"
    svc.set_skill_closed(ctx, ana, sql.id, False)
    assert svc.endorse(ctx, ben, ana, sql.id) == 1
    # Stop receiving: refused in words; what was received stays.
    svc.set_receiving(ctx, ana, False)
    assert _code(lambda: svc.endorse(ctx, ben, ana, python.id)) == "endorsements_off"
    assert svc.skill_count(ctx, ana.id, python.id) == 1
    svc.set_receiving(ctx, ana, True)
    assert svc.unendorse(ctx, ben, ana, python.id) == 0
    assert svc.unendorse(ctx, ben, ana, python.id) == 0  # nothing to take back
    assert ctx.session.scalar(select(func.count()).select_from(Endorsement)) == 1


def test_top_skills_pin_reorder_and_limit(ctx: Ctx) -> None:
    ana = make_member(ctx, "Ana")
    a, b, c, d = give_skills(ctx, ana, "Python", "SQL", "Go", "Rust")
    assert svc.set_top_skills(ctx, ana, [c.id, a.id]) == [c.id, a.id]
    assert _code(lambda: svc.set_top_skills(ctx, ana, [a.id, b.id, c.id, d.id])) == (
        "too_many_top_skills"
    )
    assert _code(lambda: svc.set_top_skills(ctx, ana, [2**63 - 1])) == "skill_not_found"
    ranks = {k: v.top_rank for k, v in svc.choices(ctx, ana.id).items()}
    assert ranks == {c.id: 1, a.id: 2}  # a refusal changed nothing
    svc.set_top_skills(ctx, ana, [a.id, b.id, c.id])
    ranks = {k: v.top_rank for k, v in svc.choices(ctx, ana.id).items()}
    assert ranks == {a.id: 1, b.id: 2, c.id: 3}


def test_hide_and_show_one_endorsement(ctx: Ctx) -> None:
    ana, ben, cai = (make_member(ctx, n) for n in ("Ana", "Ben", "Cai"))
    connect(ctx, ana, ben)
    connect(ctx, ana, cai)
    (python,) = give_skills(ctx, ana, "Python")
    svc.endorse(ctx, ben, ana, python.id)
    svc.endorse(ctx, cai, ana, python.id)
    bens = ctx.session.scalar(select(Endorsement).where(Endorsement.endorser_id == ben.id))
    assert bens is not None
    assert _code(lambda: svc.set_hidden(ctx, ben, bens.id, True)) == "endorsement_not_found"
    assert _code(lambda: svc.set_hidden(ctx, ana, 2**63 - 1, True)) == "endorsement_not_found"
    svc.set_hidden(ctx, ana, bens.id, True)
    assert svc.skill_count(ctx, ana.id, python.id) == 1
    svc.set_hidden(ctx, ana, bens.id, False)
    assert svc.skill_count(ctx, ana.id, python.id) == 2


def test_removal_block_and_pruning_hide_and_reconnecting_restores(ctx: Ctx) -> None:
    ana, ben, cai = (make_member(ctx, n) for n in ("Ana", "Ben", "Cai"))
    connect(ctx, ana, ben)
    connect(ctx, ana, cai)
    (python,) = give_skills(ctx, ana, "Python")
    (go,) = give_skills(ctx, ben, "Go")
    svc.endorse(ctx, ben, ana, python.id)
    svc.endorse(ctx, cai, ana, python.id)
    svc.endorse(ctx, ana, ben, go.id)
    # The pruning preview counts both directions, per person.
    preview = removal_preview(ctx, ana, [ben, cai])
    assert [(p.member.id, p.endorsements) for p in preview] == [(ben.id, 2), (cai.id, 1)]
    assert "2 endorsements and no recommendations between you are hidden." in preview[0].sentence
    rows = ctx.session.scalar(select(func.count()).select_from(Endorsement))

    remove_connection(ctx, ana, ben)
    assert svc.skill_count(ctx, ana.id, python.id) == 1
    assert svc.skill_count(ctx, ben.id, go.id) == 0
    connect(ctx, ana, ben)
    assert svc.skill_count(ctx, ana.id, python.id) == 2
    assert svc.skill_count(ctx, ben.id, go.id) == 1

    remove_connections(ctx, ana, [ben, cai])
    assert svc.skill_count(ctx, ana.id, python.id) == 0
    connect(ctx, cai, ana)
    assert svc.skill_count(ctx, ana.id, python.id) == 1

    block(ctx, cai, ana)
    assert svc.skill_count(ctx, ana.id, python.id) == 0
    ctx.clock.advance(hours=49)  # type: ignore[attr-defined]
    unblock(ctx, cai, ana)
    assert svc.skill_count(ctx, ana.id, python.id) == 0  # not connected again yet
    connect(ctx, cai, ana)
    assert svc.skill_count(ctx, ana.id, python.id) == 1
    # No row was rewritten along the way.
    assert ctx.session.scalar(select(func.count()).select_from(Endorsement)) == rows


def test_notifications_are_grouped_per_skill(ctx: Ctx) -> None:
    ana, ben, cai = (make_member(ctx, n) for n in ("Ana", "Ben", "Cai"))
    connect(ctx, ana, ben)
    connect(ctx, ana, cai)
    python, sql = give_skills(ctx, ana, "Python", "SQL")
    svc.endorse(ctx, ben, ana, python.id)
    svc.endorse(ctx, cai, ana, python.id)
    svc.unendorse(ctx, cai, ana, python.id)
    svc.endorse(ctx, cai, ana, python.id)  # again: not counted twice
    svc.endorse(ctx, ben, ana, sql.id)
    notes = ctx.session.scalars(
        select(Notification)
        .where(Notification.member_id == ana.id, Notification.kind == "skill_endorsed")
        .order_by(Notification.id)
    ).all()
    assert [(n.skill_id, n.actor_id, n.detail) for n in notes] == [
        (python.id, cai.id, "2"),
        (sql.id, ben.id, "1"),
    ]


def test_the_profile_shows_proof_from_the_viewers_network(kith: Kith) -> None:
    kith.start_network(thread=False)
    with kith.uow() as ctx:
        ana, vic, ben, cai, dee, eve = (
            make_member(ctx, n) for n in ("Ana", "Vic", "Ben", "Cai", "Dee", "Eve")
        )
        for m in (vic, ben, cai, dee, eve):
            connect(ctx, ana, m)
        connect(ctx, vic, ben)
        connect(ctx, vic, cai)
        connect(ctx, vic, dee)
        python, sql = give_skills(ctx, ana, "Python", "SQL")
        give_skills(ctx, ben, "Python")
        from kith.members.service import get_or_create_company

        acme = get_or_create_company(ctx, "Acme")
        for m in (ana, ben, eve):
            ctx.session.add(
                Position(member_id=m.id, company_id=acme.id, title="Dev", start_year=2020)
            )
        for m in (ben, cai, dee, eve):
            svc.endorse(ctx, m, ana, python.id)
        connect(ctx, eve, ben)
        svc.endorse(ctx, eve, ben, python.id)
        svc.endorse(ctx, dee, ana, sql.id)
        ids = ana.id, vic.id, ben.id
    with kith.uow(write=False) as ctx:
        ana_m, vic_m = ctx.session.get_one(Member, ids[0]), ctx.session.get_one(Member, ids[1])
        view = views.skills_view(ctx, vic_m, ana_m)
        first = view.skills[0]
        assert (first.name, first.count, first.known_count) == ("Python", 4, 3)
        assert first.known_line.startswith("endorsed by ")
        assert "1 other you know" in first.known_line
        assert first.colleagues_line == "2 colleagues at Acme"
        assert first.themselves_line == "1 person who is endorsed for this skill themselves"
        assert view.can_endorse
        name, page = views.endorsers(ctx, vic_m, ana_m, python.id, PageRequest(1, 2))
        assert name == "Python"
        assert page.total == 4
        assert [e.degree for e in page.items] == [1, 1]


def test_deleting_an_account_removes_what_it_gave_and_received(ctx: Ctx) -> None:
    ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    connect(ctx, ana, ben)
    (python,) = give_skills(ctx, ana, "Python")
    (go,) = give_skills(ctx, ben, "Go")
    svc.endorse(ctx, ben, ana, python.id)
    svc.endorse(ctx, ana, ben, go.id)
    delete_account(ctx, ben, password=PASSWORD)
    assert ctx.session.scalar(select(func.count()).select_from(Endorsement)) == 0
