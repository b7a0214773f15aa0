"""SQL over the owner's connections, shared by the relationship modules: who they
are connected to, since when, and a case-insensitive "contains" for list filters."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, union_all

from kith.connections.queries import connection_between
from kith.errors import NotFound
from kith.models import Connection, Contact, Member
from kith.uow import Ctx


def connected_ids(owner_id: int) -> Select[tuple[int]]:
    """SQL: the ids of ``owner_id``'s connections."""
    lo = select(Connection.member_hi_id.label("id")).where(Connection.member_lo_id == owner_id)
    hi = select(Connection.member_lo_id.label("id")).where(Connection.member_hi_id == owner_id)
    sub = union_all(lo, hi).subquery()
    return select(sub.c.id)


def connection_with(owner_id: int, other: Any) -> Any:
    return or_(
        and_(Connection.member_lo_id == owner_id, Connection.member_hi_id == other),
        and_(Connection.member_hi_id == owner_id, Connection.member_lo_id == other),
    )


def require_connection(ctx: Ctx, owner: Member, other: Member) -> Connection:
    connection = connection_between(ctx.session, owner.id, other.id)
    if connection is None or owner.id == other.id:
        raise NotFound(f"You are not connected to {other.name}.", code="not_connected")
    return connection


def owner_connections(owner_id: int) -> Any:
    """SQL: (other, connected_at) for each of ``owner_id``'s connections; each half of
    the union uses one of the pair indexes."""
    lo = select(
        Connection.member_hi_id.label("other"), Connection.created_at.label("connected_at")
    ).where(Connection.member_lo_id == owner_id)
    hi = select(
        Connection.member_lo_id.label("other"), Connection.created_at.label("connected_at")
    ).where(Connection.member_hi_id == owner_id)
    return union_all(lo, hi).subquery("mine")


def silent_since_expr(mine: Any) -> Any:
    """SQL: when the owner last interacted with a connection, else when they connected."""
    return func.coalesce(Contact.last_interaction_at, mine.c.connected_at)


def contains_text(column: Any, text: str) -> ColumnElement[bool]:
    """``column`` holds ``text`` ignoring case; ``%`` and ``_`` typed are literal."""
    cond: ColumnElement[bool] = func.lower(column).contains(
        text.strip().lower()[:100], autoescape=True
    )
    return cond
