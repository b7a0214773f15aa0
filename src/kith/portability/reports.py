"""The report of an import: what became of every row of every file, kept with the run
so that the member can come back to it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from kith.errors import NotFound
from kith.models import ImportRun, Member
from kith.pagination import Page, PageRequest, paginate_rows
from kith.portability.linkedin import (
    Certification,
    EducationRow,
    Language,
    LinkedInExport,
    PositionRow,
    ProfileRow,
    SourceFile,
)
from kith.uow import Ctx

__all__ = [
    "CONFIDENCE",
    "HOW",
    "STATUSES",
    "ImportReport",
    "ReportRow",
    "forget_member_in_reports",
    "get_import",
    "list_imports",
    "report_of",
    "report_rows",
    "stored_export",
]

CONFIDENCE = {
    "url": "certain",
    "email": "certain",
    "handle": "likely",
    "name_company": "likely",
    "name": "possible",
}
HOW = {
    "url": "by their profile address here",
    "email": "by email address",
    "name_company": "by name and company",
    "handle": "by their LinkedIn address and name",
    "name": "by name only",
}


@dataclass(slots=True)
class ReportRow:
    """What happened to one row of the export.

    ``status``: ``new`` (a private contact was made), ``updated`` (an earlier import's
    contact was brought up to date), ``unchanged`` (already imported, nothing to do),
    ``connected`` (already a connection on Kith), ``profile`` (a row of the member's
    own profile files), ``post`` (a LinkedIn post became one of theirs),
    ``recommendation`` (a LinkedIn recommendation, archived, and asked for or drafted on
    Kith when the other person is a connection) or ``skipped``
    (not used; ``detail`` says why).
    """

    file: str
    line: int
    status: str
    detail: str
    name: str = ""
    contact_id: int | None = None
    member_id: int | None = None
    member_name: str = ""
    member_handle: str = ""
    match: str | None = None
    warning: str = ""

    @property
    def confidence(self) -> str:
        return CONFIDENCE.get(self.match or "", "")


@dataclass(slots=True)
class ImportReport:
    id: int
    created_at: datetime
    filename: str
    seconds: float
    files: list[str]
    counts: dict[str, int]
    rows: list[ReportRow] = field(default_factory=list)
    sources: list[SourceFile] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def matched(self) -> int:
        return sum(1 for r in self.rows if r.member_id is not None and r.status != "connected")


STATUSES = (
    "new",
    "updated",
    "unchanged",
    "connected",
    "profile",
    "post",
    "recommendation",
    "skipped",
)


def report_of(run: ImportRun) -> ImportReport:
    data = json.loads(run.report or "{}")
    return ImportReport(
        id=run.id,
        created_at=run.created_at,
        filename=run.filename,
        seconds=run.seconds,
        files=list(data.get("files", [])),
        counts={k: int(v) for k, v in data.get("counts", {}).items()},
        rows=[ReportRow(**r) for r in data.get("rows", [])],
        sources=[SourceFile(**s) for s in data.get("sources", [])]
        or [SourceFile(f, "") for f in data.get("files", [])],
    )


def report_rows(
    report: ImportReport, req: PageRequest, status: str | None = None
) -> Page[ReportRow]:
    """One page of a report's rows (of one ``status``, or all), in file order."""
    rows = [r for r in report.rows if status is None or r.status == status]
    return Page(rows[req.offset : req.offset + req.per_page], len(rows), req.page, req.per_page)


# --------------------------------------------------------------------------- afterwards
def list_imports(ctx: Ctx, owner: Member, req: PageRequest) -> Page[ImportRun]:
    """The owner's imports, newest first."""
    stmt = (
        select(ImportRun)
        .where(ImportRun.owner_id == owner.id)
        .order_by(ImportRun.created_at.desc(), ImportRun.id.desc())
    )
    rows, total = paginate_rows(ctx.session, stmt, req)
    return Page([r[0] for r in rows], total, req.page, req.per_page)


def get_import(ctx: Ctx, owner: Member, import_id: int) -> ImportRun:
    run = ctx.session.get(ImportRun, import_id)
    if run is None or run.owner_id != owner.id:
        raise NotFound("There is no such import.", code="import_not_found")
    return run


def stored_export(run: ImportRun) -> LinkedInExport:
    """The profile part of the export an import kept, to preview and apply it later."""
    data = json.loads(run.profile or "{}")

    def day(value: str | None) -> date | None:
        return date.fromisoformat(value) if value else None

    profile = data.get("profile")
    return LinkedInExport(
        profile=ProfileRow(**{**profile, "websites": tuple(profile.get("websites", ()))})
        if profile
        else None,
        positions=[
            PositionRow(
                **{**p, "started_on": day(p["started_on"]), "finished_on": day(p["finished_on"])}
            )
            for p in data.get("positions", [])
        ],
        education=[EducationRow(**e) for e in data.get("education", [])],
        skills=list(data.get("skills", [])),
        languages=[Language(**x) for x in data.get("languages", [])],
        certifications=[Certification(**x) for x in data.get("certifications", [])],
    )


def forget_member_in_reports(ctx: Ctx, member_id: int) -> int:
    """A member deleted their account: other members' import reports no longer say who
    on Kith a row was matched to (the row itself, the owner's own data, stays).
    Returns how many reports were rewritten."""
    needle = f'"member_id":{int(member_id)},'
    changed = 0
    for run in ctx.session.scalars(select(ImportRun).where(ImportRun.report.contains(needle))):
        data = json.loads(run.report)
        for row in data.get("rows", []):
            if row.get("member_id") == member_id:
                row.update(member_id=None, member_name="", member_handle="", match=None)
        data["counts"]["matched"] = sum(
            1 for r in data["rows"] if r.get("member_id") is not None and r["status"] != "connected"
        )
        run.report = json.dumps(data, separators=(",", ":"))
        changed += 1
    ctx.session.flush()
    return changed
