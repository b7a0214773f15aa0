"""Races on real commits (each thread its own unit of work, released by one barrier),
on SQLite and PostgreSQL: a group's counts stay exact."""

from __future__ import annotations

from collections import Counter
from functools import partial

from sqlalchemy import func, select

from kith.groups import service
from kith.models import Group, GroupMember, Member
from kith.runtime import Kith
from tests.fixtures.races import members, race, scalar


def _join(kith: Kith, member_id: int, group_id: int) -> str:
    with kith.uow() as ctx:
        return service.join(ctx, ctx.session.get_one(Member, member_id), group_id, [])


def _group(kith: Kith, kind: str) -> int:
    owner = members(kith, 1, "Olga")[0]
    with kith.uow() as ctx:
        draft = service.GroupDraft(name="Queue", kind=kind)
        return service.create_group(ctx, ctx.session.get_one(Member, owner), draft).id


def test_fifty_requests_for_a_one_seat_queue_keep_exact_counts(committed_kith: Kith) -> None:
    committed_kith.settings.group_request_queue_max = 1
    group_id = _group(committed_kith, "private")
    askers = members(committed_kith, 50)
    outcomes = race([partial(_join, committed_kith, m, group_id) for m in askers])
    assert outcomes == Counter(requested=1, group_requests_full=49)
    waiting = select(func.count()).where(
        GroupMember.group_id == group_id, GroupMember.status == "requested"
    )
    assert scalar(committed_kith, waiting) == 1
    counts = select(Group.request_count + 1000 * Group.member_count).where(Group.id == group_id)
    assert scalar(committed_kith, counts) == 1 * 1000 + 1


def test_fifty_joins_at_once_count_fifty(committed_kith: Kith) -> None:
    group_id = _group(committed_kith, "public")
    joiners = members(committed_kith, 50)
    outcomes = race([partial(_join, committed_kith, m, group_id) for m in joiners])
    assert outcomes == Counter(member=50)
    rows = select(func.count()).where(GroupMember.group_id == group_id)
    assert scalar(committed_kith, rows) == 51
    assert scalar(committed_kith, select(Group.member_count).where(Group.id == group_id)) == 51
