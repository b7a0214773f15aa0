"""Asking at the same moment, on real commits (one thread each, released together): one
open request per pair and direction, whatever the timing; answers to one recommendation
at once leave one outcome."""

from __future__ import annotations

from sqlalchemy import func, select

from kith.models import Member, Recommendation
from kith.recommendations import service
from kith.runtime import Kith
from tests.fixtures.factories import connect
from tests.fixtures.races import members, race, scalar


def _ask(kith: Kith, asker: int, writer_handle: str) -> str:
    with kith.uow() as ctx:
        service.request(ctx, ctx.session.get_one(Member, asker), writer_handle, "client")
        return "asked"


def _answer(kith: Kith, member_id: int, rec_id: int, accept: bool) -> str:
    with kith.uow() as ctx:
        member = ctx.session.get_one(Member, member_id)
        if accept:
            service.accept(ctx, member, rec_id)
            return "accepted"
        service.decline(ctx, member, rec_id)
        return "declined"


def test_eight_requests_at_once_leave_one(committed_kith: Kith) -> None:
    kith = committed_kith
    ana_id, ben_id = members(kith, 2)
    with kith.uow() as ctx:
        ana, ben = ctx.session.get_one(Member, ana_id), ctx.session.get_one(Member, ben_id)
        connect(ctx, ana, ben)
        handle = ben.handle
    outcomes = race([lambda: _ask(kith, ana_id, handle) for _ in range(8)])
    assert outcomes == {"asked": 1, "recommendation_already_requested": 7}
    assert scalar(kith, select(func.count()).select_from(Recommendation)) == 1


def test_accept_and_decline_at_once_leave_one_answer(committed_kith: Kith) -> None:
    kith = committed_kith
    ana_id, ben_id = members(kith, 2)
    with kith.uow() as ctx:
        ana, ben = ctx.session.get_one(Member, ana_id), ctx.session.get_one(Member, ben_id)
        connect(ctx, ana, ben)
        rec_id = service.write(ctx, ben, ana.handle, "client", "Ana is thorough.").id
    outcomes = race([lambda a=i % 2 == 0: _answer(kith, ana_id, rec_id, a) for i in range(6)])
    assert outcomes["accepted"] + outcomes["declined"] == 1
    # After a decline the recommendation is gone for its recipient; else it is closed.
    assert outcomes["recommendation_closed"] + outcomes["recommendation_not_found"] == 5
