"""What profiles show: the one rule, computed from the current connections.

A recommendation is shown when its recipient accepted it and has not hidden it, and
its writer and recipient are connected now (a connection never stands beside a block,
and a block is checked as well). Nothing is stored about a removal: removing a
connection (one by one, by pruning, by a block) hides what was given between the two,
and connecting again brings it back.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_, exists, func, or_, select

from kith.connections.queries import block_exists
from kith.models import Connection, Member, Recommendation
from kith.uow import Ctx

__all__ = ["between_counts", "connected_now", "shown"]


def connected_now(a: ColumnElement[int] | int, b: ColumnElement[int] | int) -> ColumnElement[bool]:
    """SQL: members ``a`` and ``b`` are connected (either order of the pair)."""
    return exists().where(
        or_(
            and_(Connection.member_lo_id == a, Connection.member_hi_id == b),
            and_(Connection.member_lo_id == b, Connection.member_hi_id == a),
        )
    )


def shown() -> ColumnElement[bool]:
    """SQL: the recommendation is on its recipient's and its writer's profiles."""
    author = Recommendation.author_id.expression
    recipient = Recommendation.recipient_id.expression
    return and_(
        Recommendation.status == "accepted",
        Recommendation.hidden.is_(False),
        connected_now(author, recipient),
        ~block_exists(author, recipient),
        exists().where(Member.id == author, Member.is_active.is_(True)),
        exists().where(Member.id == recipient, Member.is_active.is_(True)),
    )


def between_counts(ctx: Ctx, owner_id: int, others: Sequence[int]) -> dict[int, int]:
    """For each of ``others``: how many recommendations between them and ``owner_id``
    (either direction) are shown now, and so would be hidden by removing the
    connection. One statement."""
    if not others:
        return {}
    other = func.coalesce(
        func.nullif(Recommendation.author_id, owner_id), Recommendation.recipient_id
    )
    rows = ctx.session.execute(
        select(other, func.count())
        .where(
            shown(),
            or_(
                and_(Recommendation.author_id == owner_id, Recommendation.recipient_id.in_(others)),
                and_(Recommendation.recipient_id == owner_id, Recommendation.author_id.in_(others)),
            ),
        )
        .group_by(other)
    ).all()
    counts = {int(o): 0 for o in others}
    counts.update({int(r[0]): int(r[1]) for r in rows})
    return counts
