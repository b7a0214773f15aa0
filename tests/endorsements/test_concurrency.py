"""Fifty members endorsing one skill at the same moment, on real commits (one thread
each, released together): every endorsement counted once, one grouped notification."""

from __future__ import annotations

from collections import Counter
from functools import partial

from sqlalchemy import func, select

from kith.endorsements import service as svc
from kith.models import Endorsement, Member, Notification
from kith.runtime import Kith
from tests.fixtures.endorsements import give_skills
from tests.fixtures.factories import connect
from tests.fixtures.races import members, race, scalar


def _endorse(kith: Kith, endorser: int, recipient: int, skill_id: int) -> str:
    with kith.uow() as ctx:
        get = ctx.session.get_one
        svc.endorse(ctx, get(Member, endorser), get(Member, recipient), skill_id)
        return "endorsed"


def _unendorse(kith: Kith, endorser: int, recipient: int, skill_id: int) -> str:
    with kith.uow() as ctx:
        get = ctx.session.get_one
        svc.unendorse(ctx, get(Member, endorser), get(Member, recipient), skill_id)
        return "taken back"


def test_fifty_endorsements_at_once_leave_exact_counts(committed_kith: Kith) -> None:
    kith = committed_kith
    recipient, *others = members(kith, 51)
    with kith.uow() as ctx:
        get = ctx.session.get_one
        for other in others:
            connect(ctx, get(Member, other), get(Member, recipient))
        skill_id = give_skills(ctx, get(Member, recipient), "Python")[0].id
    actions = [partial(_endorse, kith, m, recipient, skill_id) for m in others]
    # Some of them twice: still one each.
    actions += [partial(_endorse, kith, m, recipient, skill_id) for m in others[:10]]
    assert race(actions) == Counter(endorsed=60)
    assert scalar(kith, select(func.count()).where(Endorsement.skill_id == skill_id)) == 50
    with kith.uow(write=False) as ctx:
        assert svc.skill_count(ctx, recipient, skill_id) == 50
    note = select(Notification.detail).where(Notification.kind == "skill_endorsed")
    assert scalar(kith, select(func.count()).where(Notification.kind == "skill_endorsed")) == 1
    with kith.uow(write=False) as ctx:
        assert ctx.session.scalar(note) == "50"


def test_endorsing_and_taking_back_at_once_stays_true(committed_kith: Kith) -> None:
    kith = committed_kith
    recipient, endorser = members(kith, 2)
    with kith.uow() as ctx:
        get = ctx.session.get_one
        connect(ctx, get(Member, endorser), get(Member, recipient))
        skill_id = give_skills(ctx, get(Member, recipient), "Python")[0].id
    actions = [partial(_endorse, kith, endorser, recipient, skill_id) for _ in range(10)]
    actions += [partial(_unendorse, kith, endorser, recipient, skill_id) for _ in range(10)]
    assert race(actions) == Counter(endorsed=10, **{"taken back": 10})
    rows = scalar(kith, select(func.count()).where(Endorsement.skill_id == skill_id))
    assert rows in (0, 1)
    with kith.uow(write=False) as ctx:
        assert svc.skill_count(ctx, recipient, skill_id) == rows
