"""The recommendations part of a member's archive: those they received and those they
gave, each as they read it (a declined one reads ``pending`` to its writer, as
everywhere), and the private archive of recommendations imported from LinkedIn.

Two statements whatever their number.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import aliased

from kith.models import (
    Company,
    Education,
    ImportedRecommendation,
    Member,
    Position,
    Recommendation,
    School,
)
from kith.recommendations.states import GONE_FOR_RECIPIENT, GONE_FOR_WRITER, status_for
from kith.uow import Ctx

#: The statements :func:`recommendations_archive` runs.
RECOMMENDATIONS_QUERY_COUNT = 2

People = Callable[[str | None, str | None, str | None], Any]
When = Callable[[datetime | date | None], str | None]


def recommendations_archive(ctx: Ctx, me: int, person: People, when: When) -> dict[str, Any]:
    author, recipient = aliased(Member), aliased(Member)
    stmt = (
        select(
            Recommendation,
            author.first_name,
            author.last_name,
            author.handle,
            recipient.first_name,
            recipient.last_name,
            recipient.handle,
            Position.title,
            Company.name,
            School.name,
        )
        .join(author, author.id == Recommendation.author_id)
        .join(recipient, recipient.id == Recommendation.recipient_id)
        .outerjoin(Position, Position.id == Recommendation.position_id)
        .outerjoin(Company, Company.id == Position.company_id)
        .outerjoin(Education, Education.id == Recommendation.education_id)
        .outerjoin(School, School.id == Education.school_id)
        .where(or_(Recommendation.author_id == me, Recommendation.recipient_id == me))
        .order_by(Recommendation.created_at, Recommendation.id)
    )
    received: list[dict[str, Any]] = []
    given: list[dict[str, Any]] = []
    for rec, af, al, ah, rf, rl, rh, title, company, school in ctx.session.execute(stmt):
        mine = rec.author_id == me
        if rec.status in (GONE_FOR_WRITER if mine else GONE_FOR_RECIPIENT):
            continue
        if not mine and not rec.asked and rec.status in ("requested", "draft", "dismissed"):
            continue
        status = status_for(rec, me)
        shows_body = mine or status in ("pending", "revision", "accepted")
        about = f"{title} at {company}" if title else (school or "")
        row: dict[str, Any] = {
            "relationship": rec.relation,
            "about": about,
            "message": rec.message,
            "body": rec.body if shows_body else "",
            "status": status,
            "created_at": when(rec.created_at),
            "written_at": when(rec.written_at),
            "accepted_at": when(rec.accepted_at) if status == "accepted" else None,
            "linkedin_date": when(rec.source_date),
        }
        if mine:
            given.append({"recipient": person(rf, rl, rh), **row})
        else:
            received.append({"author": person(af, al, ah), **row, "hidden": rec.hidden})
    imported = [
        {
            "direction": i.direction,
            "name": f"{i.first_name} {i.last_name}".strip(),
            "company": i.company,
            "job_title": i.job_title,
            "body": i.body,
            "written_on": when(i.written_on),
            "linkedin_status": i.linkedin_status,
            "imported_at": when(i.imported_at),
            "on_kith": i.recommendation_id is not None,
        }
        for i in ctx.session.scalars(
            select(ImportedRecommendation)
            .where(ImportedRecommendation.owner_id == me)
            .order_by(ImportedRecommendation.id)
        )
    ]
    return {"received": received, "given": given, "imported": imported}
