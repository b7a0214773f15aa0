"""LinkedIn recommendations (``Recommendations_Received.csv`` and
``Recommendations_Given.csv``) brought in without ever showing anything as given on
Kith by someone who did not give it here.

Every row is kept in the member's private archive (``imported_recommendations``,
marked imported; only they see it). Besides:

- a received one whose writer is a member (matched as the importer matches
  connections, :mod:`kith.portability.matching`) and a connection now becomes a
  one-click request to that writer: "Ana wrote this on LinkedIn on 3 May 2021 —
  confirm it on Kith?". Once Ana confirms, it is her recommendation waiting for the
  member's approval as usual;
- a given one whose recipient is a member and a connection becomes the member's own
  draft for them, to send if they wish.

A digest of the row is its ``source_key``, so importing the same export again adds
nothing ("already imported").
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from sqlalchemy import select

from kith.clock import day_text
from kith.connections.queries import connection_between
from kith.errors import KithError
from kith.models import ImportedRecommendation, Member
from kith.names import name_key
from kith.portability.identity import Person
from kith.portability.matching import Matcher
from kith.portability.records import RecommendationRow
from kith.portability.reports import ReportRow
from kith.recommendations import service
from kith.uow import Ctx

__all__ = ["import_recommendations", "recommendation_key"]

# LinkedIn does not say how the two know each other; the writer can change it.
RELATION = "same_team"


def recommendation_key(row: RecommendationRow) -> str:
    when = row.written_on.isoformat() if row.written_on else ""
    raw = f"{row.direction}\n{row.first_name}\n{row.last_name}\n{when}\n{row.text}"
    return hashlib.sha256(raw.encode()).hexdigest()


def _person(row: RecommendationRow) -> Person:
    return Person(
        file=row.file,
        line=row.line,
        first_name=row.first_name,
        last_name=row.last_name,
        url="",
        email="",
        company=row.company,
        title=row.job_title,
        connected_on=None,
        folded=name_key(row.first_name, row.last_name),
        url_ok=False,
        email_ok=False,
    )


def _confirm_request(ctx: Ctx, owner: Member, writer: Member, row: RecommendationRow) -> int:
    """A request to ``writer`` to confirm the text they wrote on LinkedIn."""
    day = f" on {day_text(row.written_on)}" if row.written_on else ""
    message = f"{writer.first_name} wrote this on LinkedIn{day} — confirm it on Kith?"
    # A refusal comes before anything is written: the caller archives the row instead.
    rec = service.request(
        ctx,
        owner,
        writer.handle,
        RELATION,
        message=message,
        source_text=row.text[: ctx.settings.recommendation_max_length],
        source_date=row.written_on,
    )
    return rec.id


def _draft(ctx: Ctx, owner: Member, recipient: Member, row: RecommendationRow) -> int:
    text = row.text[: ctx.settings.recommendation_max_length]
    rec = service.write(ctx, owner, recipient.handle, RELATION, text, send=False)
    rec.source, rec.source_date = "linkedin", row.written_on
    return rec.id


def import_recommendations(
    ctx: Ctx, owner: Member, rows: Sequence[RecommendationRow]
) -> list[ReportRow]:
    """Archive ``rows`` for ``owner`` and turn those with a connection into a request
    to confirm (received) or a draft (given); one report row each."""
    if not rows:
        return []
    keys = [recommendation_key(r) for r in rows]
    have = set(
        ctx.session.scalars(
            select(ImportedRecommendation.source_key).where(
                ImportedRecommendation.owner_id == owner.id,
                ImportedRecommendation.source_key.in_(keys),
            )
        )
    )
    people = [_person(r) for r in rows]
    # One matcher per file: the same person in both files is still one person.
    matchers = {
        d: Matcher(ctx, owner, [p for p, r in zip(people, rows, strict=True) if r.direction == d])
        for d in ("received", "given")
    }
    now = ctx.clock.now()
    report: list[ReportRow] = []
    for row, key, person in zip(rows, keys, people, strict=True):
        said = f"recommendation {'from' if row.direction == 'received' else 'for'} {person.name}"
        if key in have:
            report.append(ReportRow(row.file, row.line, "unchanged", f"{said}: already imported"))
            continue
        have.add(key)
        found = matchers[row.direction].match(person)
        member = ctx.session.get(Member, found[0].id) if found else None
        rec_id: int | None = None
        detail = f"{said}: kept in your private archive"
        if member is not None and connection_between(ctx.session, owner.id, member.id):
            try:
                if row.direction == "received":
                    rec_id = _confirm_request(ctx, owner, member, row)
                    detail = f"{said}: {member.first_name} is asked to confirm it on Kith"
                else:
                    rec_id = _draft(ctx, owner, member, row)
                    detail = f"{said}: a draft you can send is in your recommendations"
            except KithError as exc:
                detail = f"{said}: kept in your private archive ({exc.message})"
        ctx.session.add(
            ImportedRecommendation(
                owner_id=owner.id,
                direction=row.direction,
                first_name=row.first_name,
                last_name=row.last_name,
                company=row.company,
                job_title=row.job_title,
                body=row.text,
                written_on=row.written_on,
                linkedin_status=row.status,
                source_key=key,
                recommendation_id=rec_id,
                imported_at=now,
            )
        )
        report.append(
            ReportRow(
                row.file,
                row.line,
                "recommendation",
                detail,
                name=person.name,
                member_id=member.id if member is not None and rec_id is not None else None,
                member_name=member.name if member is not None and rec_id is not None else "",
                member_handle=member.handle if member is not None and rec_id is not None else "",
                match=found[1] if found and rec_id is not None else None,
            )
        )
    ctx.session.flush()
    return report
