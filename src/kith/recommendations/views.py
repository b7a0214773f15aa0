"""Reading recommendations: the inbox's boxes, a profile's received and given ones, and
one recommendation as its reader sees it (what each side reads is decided in
:mod:`kith.recommendations.states`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, and_, select
from sqlalchemy.orm import joinedload

from kith.connections.queries import block_exists
from kith.errors import Invalid
from kith.models import Member, Recommendation
from kith.pagination import Page, PageRequest, paginate_counted, paginate_rows
from kith.recommendations.states import BOXES, LABELS, RELATION_LABELS, box_filter, status_for
from kith.recommendations.visibility import shown
from kith.uow import Ctx

__all__ = ["DIRECTIONS", "RecView", "box_page", "profile_page", "view_of"]

DIRECTIONS = ("received", "given")
BOX_REFUSAL = "Choose a box: " + ", ".join(BOXES) + "."
DIRECTION_REFUSAL = "Choose a direction: received or given."


@dataclass(frozen=True)
class RecView:
    """One recommendation as ``role`` (author, recipient or reader) sees it."""

    id: int
    role: str
    author: Member
    recipient: Member
    relation: str
    relation_text: str
    about: str
    message: str
    body: str
    status: str
    label: str
    hidden: bool
    revision_note: str
    imported_on: date | None
    created_at: datetime
    written_at: datetime | None
    accepted_at: datetime | None

    @property
    def other(self) -> Member:
        """The other side: the recipient for its writer, else the writer."""
        return self.recipient if self.role == "author" else self.author


def _about(rec: Recommendation) -> str:
    if rec.position is not None:
        return f"{rec.position.title} at {rec.position.company.name}"
    if rec.education is not None:
        return rec.education.school.name
    return ""


def view_of(rec: Recommendation, viewer_id: int) -> RecView:
    """``rec`` as ``viewer_id`` sees it (who was already found to be allowed to)."""
    role = (
        "author"
        if viewer_id == rec.author_id
        else "recipient"
        if viewer_id == rec.recipient_id
        else "reader"
    )
    status = status_for(rec, viewer_id)
    party = role != "reader"
    shows_body = role == "author" or status in ("pending", "revision", "accepted")
    relation = RELATION_LABELS[rec.relation][1].format(
        writer=rec.author.first_name, recipient=rec.recipient.first_name
    )
    return RecView(
        id=rec.id,
        role=role,
        author=rec.author,
        recipient=rec.recipient,
        relation=rec.relation,
        relation_text=relation,
        about=_about(rec),
        message=rec.message if party else "",
        body=rec.body if shows_body else "",
        status=status,
        label=("Hidden" if rec.hidden and role == "recipient" else LABELS[status]),
        hidden=rec.hidden if role == "recipient" else False,
        revision_note=rec.revision_note if party and status == "revision" else "",
        imported_on=rec.source_date if party else None,
        created_at=rec.created_at,
        written_at=rec.written_at if status != "requested" or role == "author" else None,
        accepted_at=rec.accepted_at if status == "accepted" else None,
    )


def _loaded(stmt: Select[Any]) -> Select[Any]:
    return stmt.options(
        joinedload(Recommendation.author),
        joinedload(Recommendation.recipient),
        joinedload(Recommendation.position),
        joinedload(Recommendation.education),
    )


def box_page(ctx: Ctx, member: Member, box: str, req: PageRequest) -> Page[RecView]:
    """One page of ``member``'s ``box`` (see :data:`states.BOXES`), newest first."""
    if box not in BOXES:
        raise Invalid(BOX_REFUSAL, code="invalid_box")
    stmt = _loaded(
        select(Recommendation)
        .where(
            box_filter(box, member.id),
            ~block_exists(Recommendation.author_id.expression, Recommendation.recipient_id),
        )
        .order_by(Recommendation.created_at.desc(), Recommendation.id.desc())
    )
    rows, total = paginate_rows(ctx.session, stmt, req)
    return Page([view_of(r[0], member.id) for r in rows], total, req.page, req.per_page)


def profile_page(
    ctx: Ctx, viewer: Member, member: Member, direction: str, req: PageRequest
) -> Page[RecView]:
    """The recommendations ``member`` received or gave that profiles show now, as
    ``viewer`` sees them (none with someone either of them blocked), newest first."""
    if direction not in DIRECTIONS:
        raise Invalid(DIRECTION_REFUSAL, code="invalid_direction")
    if direction == "received":
        mine, other = Recommendation.recipient_id, Recommendation.author_id
    else:
        mine, other = Recommendation.author_id, Recommendation.recipient_id
    stmt = _loaded(
        select(Recommendation)
        .where(and_(mine == member.id, shown(), ~block_exists(viewer.id, other)))
        .order_by(Recommendation.accepted_at.desc(), Recommendation.id.desc())
    )
    rows, total = paginate_counted(ctx.session, stmt, req)
    return Page([view_of(r[0], viewer.id) for r in rows], total, req.page, req.per_page)
