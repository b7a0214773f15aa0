"""Helpers for the search and people-you-may-know tests."""

from __future__ import annotations

from typing import Any

from kith.members.service import EducationInput, PositionInput, ProfileInput, update_profile
from kith.models import Member
from kith.runtime import Kith
from kith.uow import Ctx


def profile(
    ctx: Ctx,
    member: Member,
    *,
    positions: list[tuple[Any, ...]] | None = None,
    education: list[tuple[Any, ...]] | None = None,
    **fields: Any,
) -> Member:
    """Edit a profile through the real service. Positions are (company, title,
    start_year, start_month, end_year, end_month); education (school, degree, field,
    start_year, end_year)."""
    data = ProfileInput(**fields)
    if positions is not None:
        data.positions = [PositionInput(c, t, *rest) for c, t, *rest in positions]
    if education is not None:
        data.education = [EducationInput(*e) for e in education]
    return update_profile(ctx, member, data)


def synced(kith: Kith) -> None:
    """Apply what the factories wrote to the engine (they bypass the request's unit of work)."""
    assert kith.network is not None
    kith.network.poll()
