"""The audit log: every administrator action, who did it, when and why.

Every administrator action writes its entry with :func:`record`, in its own
transaction, so an action and its entry are committed together or not at all.
Administrators read the log (:func:`entries`) and export it (:func:`export_csv`,
:func:`export_json`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import select

from kith.errors import Forbidden, Invalid
from kith.models import AuditEntry, Member
from kith.pagination import Page, PageRequest, paginate_rows
from kith.uow import Ctx

REASON_MAX = 500
EXPORT_COLUMNS = (
    "id",
    "created_at",
    "admin_id",
    "admin",
    "action",
    "subject",
    "subject_id",
    "subject_label",
    "reason",
    "detail",
)


def require_admin(member: Member) -> None:
    """Administration is for the community's administrators."""
    if not member.is_admin:
        raise Forbidden(
            "Only the community's administrators can do this.",
            code="admin_only",
        )


def clean_reason(reason: str | None, *, required: bool = True) -> str:
    """A reason as it is kept: one line of at most 500 characters, no control characters."""
    text = " ".join((reason or "").split())
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise Invalid("A reason cannot contain control characters.", code="invalid_reason")
    if required and not text:
        raise Invalid("Please give a reason; it is kept in the audit log.", code="reason_required")
    if len(text) > REASON_MAX:
        raise Invalid(f"A reason can be at most {REASON_MAX} characters.", code="invalid_reason")
    return text


def record(
    ctx: Ctx,
    admin: Member,
    action: str,
    subject: str,
    subject_id: int | None,
    *,
    label: str = "",
    reason: str = "",
    detail: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Write one entry for ``admin``'s ``action`` on ``subject`` ``subject_id``."""
    entry = AuditEntry(
        admin_id=admin.id,
        admin_label=f"{admin.name} ({admin.handle})"[:200],
        action=action,
        subject=subject,
        subject_id=subject_id,
        subject_label=label[:200],
        reason=reason[:REASON_MAX],
        detail=dict(detail or {}),
        created_at=ctx.clock.now(),
    )
    ctx.session.add(entry)
    ctx.session.flush()
    return entry


def _filtered(action: str | None) -> Any:
    stmt = select(AuditEntry)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    return stmt


def entries(
    ctx: Ctx, admin: Member, req: PageRequest, *, action: str | None = None
) -> Page[AuditEntry]:
    """The log, newest first (``action``: only that kind)."""
    require_admin(admin)
    stmt = _filtered(action).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    rows, total = paginate_rows(ctx.session, stmt, req)
    return Page([r[0] for r in rows], total, req.page, req.per_page)


def about(
    ctx: Ctx, admin: Member, subject: str, subject_id: int, *, limit: int = 50
) -> list[AuditEntry]:
    """The latest entries about one subject (a member's history), newest first."""
    require_admin(admin)
    stmt = (
        select(AuditEntry)
        .where(AuditEntry.subject == subject, AuditEntry.subject_id == subject_id)
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .limit(limit)
    )
    return list(ctx.session.scalars(stmt))


def _all(ctx: Ctx) -> Iterator[AuditEntry]:
    stmt = select(AuditEntry).order_by(AuditEntry.created_at, AuditEntry.id)
    yield from ctx.session.scalars(stmt.execution_options(yield_per=500))


def as_row(entry: AuditEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "created_at": entry.created_at.isoformat(),
        "admin_id": entry.admin_id,
        "admin": entry.admin_label,
        "action": entry.action,
        "subject": entry.subject,
        "subject_id": entry.subject_id,
        "subject_label": entry.subject_label,
        "reason": entry.reason,
        "detail": entry.detail or {},
    }


def _cell(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def export_csv(ctx: Ctx, admin: Member) -> str:
    """The whole log, oldest first, as CSV."""
    require_admin(admin)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for entry in _all(ctx):
        row = as_row(entry)
        row["detail"] = json.dumps(row["detail"], sort_keys=True) if row["detail"] else ""
        writer.writerow([_cell(row[c]) for c in EXPORT_COLUMNS])
    return out.getvalue()


def export_json(ctx: Ctx, admin: Member) -> str:
    """The whole log, oldest first, as a JSON list."""
    require_admin(admin)
    return json.dumps([as_row(e) for e in _all(ctx)], ensure_ascii=False, indent=1)
