"""Races on real commits (each thread its own unit of work, released by one barrier):
one open request per member to meet, the weekly limit, and an intermediary's two
answers at once, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter
from functools import partial

from sqlalchemy import func, select

from kith.introductions import service
from kith.models import IntroductionRequest, Member
from kith.runtime import Kith
from tests.fixtures.factories import connect
from tests.fixtures.races import members, race, scalar


def _ask(kith: Kith, requester: int, middle: int, target: int) -> str:
    with kith.uow() as ctx:
        get = ctx.session.get_one
        service.ask(ctx, get(Member, requester), get(Member, middle), get(Member, target))
        return "asked"


def _answer(kith: Kith, middle: int, request_id: int, how: str) -> str:
    with kith.uow() as ctx:
        hannah = ctx.session.get_one(Member, middle)
        if how == "forward":
            service.forward(ctx, hannah, request_id, "")
        else:
            service.decline(ctx, hannah, request_id)
        return how


def _web(kith: Kith, n: int) -> list[int]:
    ids = members(kith, n)
    with kith.uow() as ctx:
        get = ctx.session.get_one
        ana = get(Member, ids[0])
        for other in ids[1:3]:  # Ana's connections
            connect(ctx, ana, get(Member, other))
        for target in ids[3:]:  # each a connection of both of hers
            for middle in ids[1:3]:
                connect(ctx, get(Member, middle), get(Member, target))
    return ids


def test_two_requests_for_one_member_at_once_make_one(committed_kith: Kith) -> None:
    ana, hannah, omar, alex = _web(committed_kith, 4)
    outcomes = race(
        [
            partial(_ask, committed_kith, ana, hannah, alex),
            partial(_ask, committed_kith, ana, omar, alex),
        ]
    )
    assert outcomes == Counter(asked=1, introduction_pending=1)
    count = select(func.count()).select_from(IntroductionRequest)
    assert scalar(committed_kith, count.where(IntroductionRequest.target_id == alex)) == 1


def test_the_weekly_limit_holds_under_concurrent_requests(committed_kith: Kith) -> None:
    committed_kith.settings.introductions_per_week = 1
    ana, hannah, _omar, alex, bea = _web(committed_kith, 5)
    outcomes = race(
        [
            partial(_ask, committed_kith, ana, hannah, alex),
            partial(_ask, committed_kith, ana, hannah, bea),
        ]
    )
    assert outcomes == Counter(asked=1, introduction_limit=1)


def test_forward_and_decline_at_once_leave_one_answer(committed_kith: Kith) -> None:
    ana, hannah, _omar, alex = _web(committed_kith, 4)
    with committed_kith.uow() as ctx:
        get = ctx.session.get_one
        request_id = service.ask(ctx, get(Member, ana), get(Member, hannah), get(Member, alex)).id
    outcomes = race(
        [
            partial(_answer, committed_kith, hannah, request_id, "forward"),
            partial(_answer, committed_kith, hannah, request_id, "decline"),
        ]
    )
    assert sorted(outcomes) in (
        ["forward", "introduction_closed"],
        ["decline", "introduction_closed"],
    )
    stored = select(IntroductionRequest.status).where(IntroductionRequest.id == request_id)
    with committed_kith.uow(write=False) as ctx:
        status = ctx.session.scalar(stored)
    assert status == ("forwarded" if "forward" in outcomes else "declined")
