"""LinkedIn endorsements (``Endorsement_Received_Info.csv``,
``Endorsement_Given_Info.csv``) kept in the member's private archive.

Nothing here is ever shown or counted as given on Kith: an endorsement on Kith is
given by its endorser on Kith. Each row becomes an :class:`ImportedEndorsement`
marked imported, seen only by its member (in their archive); importing the same
export again adds nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from sqlalchemy.dialects import postgresql, sqlite

from kith.models import ImportedEndorsement, Member
from kith.portability.records import EndorsementRow
from kith.portability.reports import ReportRow
from kith.uow import Ctx

__all__ = ["endorsement_key", "import_endorsements"]

_CHUNK = 500


def endorsement_key(row: EndorsementRow) -> str:
    """What makes one imported endorsement itself (a re-import finds it again)."""
    said = "\n".join((row.direction, row.skill.lower(), row.other_url or row.other_name.lower()))
    return f"linkedin-sha256:{hashlib.sha256(said.encode()).hexdigest()}"


def import_endorsements(ctx: Ctx, owner: Member, rows: Sequence[EndorsementRow]) -> list[ReportRow]:
    """Keep ``rows`` in ``owner``'s private archive; one report row each."""
    if not rows:
        return []
    now = ctx.clock.now()
    report: list[ReportRow] = []
    values: dict[str, dict[str, object]] = {}
    for row in rows:
        key = endorsement_key(row)
        if row.direction == "received":
            said = f"endorsement of {row.skill} by {row.other_name or 'someone'}"
        else:
            said = f"your endorsement of {row.other_name or 'someone'} for {row.skill}"
        report.append(
            ReportRow(
                row.file,
                row.line,
                "profile",
                f"{said}: kept in your private archive, never shown as given on Kith",
                name=row.other_name,
            )
        )
        values[key] = {
            "member_id": owner.id,
            "direction": row.direction,
            "skill_name": row.skill,
            "other_name": row.other_name,
            "other_url": row.other_url,
            "endorsed_on": row.endorsed_on,
            "status": row.status,
            "source_key": key,
            "imported_at": now,
        }
    dialect = ctx.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    batch = list(values.values())
    for start in range(0, len(batch), _CHUNK):
        ctx.session.execute(
            insert(ImportedEndorsement)
            .values(batch[start : start + _CHUNK])
            .on_conflict_do_nothing(index_elements=["member_id", "source_key"])
        )
    return report
