"""Entities and accounts created by several requests at the same moment."""

from __future__ import annotations

from functools import partial

from sqlalchemy import func, select

from kith.accounts.service import sign_up
from kith.members.service import PositionInput, ProfileInput, update_profile
from kith.models import Company, Member, Position
from kith.runtime import Kith
from tests.fixtures.factories import PASSWORD
from tests.fixtures.races import members, race, scalar


def _join_new_company(kith: Kith, member_id: int) -> str:
    with kith.uow() as ctx:
        member = ctx.session.get_one(Member, member_id)
        update_profile(
            ctx,
            member,
            ProfileInput(
                positions=[PositionInput(company="Brand New Co", title="Founder", start_year=2024)]
            ),
        )
    return "ok"


def test_same_new_company_at_once_is_one_company(committed_kith: Kith) -> None:
    ids = members(committed_kith, 6)
    outcomes = race([partial(_join_new_company, committed_kith, i) for i in ids])
    assert outcomes == {"ok": 6}
    assert scalar(committed_kith, select(func.count()).select_from(Company)) == 1
    assert scalar(committed_kith, select(func.count()).select_from(Position)) == 6


def _sign_up(kith: Kith, n: int) -> str:
    with kith.uow() as ctx:
        sign_up(
            ctx,
            email="same@example.org",
            password=PASSWORD,
            first_name="Sam",
            last_name=f"Same{n}",
        )
    return "ok"


def test_same_email_at_once_makes_one_account(committed_kith: Kith) -> None:
    outcomes = race([partial(_sign_up, committed_kith, n) for n in range(5)])
    assert outcomes == {"ok": 1, "email_taken": 4}
    assert scalar(committed_kith, select(func.count()).select_from(Member)) == 1
