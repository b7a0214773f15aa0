"""Request and response models for importing a LinkedIn export."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from kith.pagination import Page
from kith.portability.inviting import INVITE_BATCH_MAX, ImportedMatch, InviteOutcome
from kith.portability.linkedin import SourceFile
from kith.portability.profile_import import FieldChange, ProfilePreview
from kith.portability.reports import ImportReport, ReportRow
from kith.web.paging import Paged
from kith.web.params import Id, id_path, stated

ImportId = Annotated[int, id_path("import")]


class ReportRowOut(BaseModel):
    file: str
    line: int = Field(description="1-based line in its file")
    status: str = Field(description="new | updated | unchanged | connected | profile | skipped")
    detail: str = Field(description="What happened, or why the row was not used")
    name: str
    contact_id: int | None = Field(None, description="The private contact the row is kept as")
    member_handle: str | None = Field(None, description="The member the person was matched to")
    member_name: str | None = None
    match: str | None = Field(None, description="url | email | name_company | handle | name")
    confidence: str | None = Field(None, description="certain | likely | possible")
    warning: str | None = Field(
        None, description="What could not be read in a row that was used (a date, say)"
    )

    @classmethod
    def of(cls, r: ReportRow) -> ReportRowOut:
        return cls(
            file=r.file,
            line=r.line,
            status=r.status,
            detail=r.detail,
            name=r.name,
            contact_id=r.contact_id,
            member_handle=r.member_handle or None,
            member_name=r.member_name or None,
            match=r.match,
            confidence=r.confidence or None,
            warning=r.warning or None,
        )


class SourceFileOut(BaseModel):
    name: str = Field(description="The file, as named in the upload")
    status: str = Field(description="read | read_in_part | not_used")
    holds: str = Field(description="What the file holds")
    rows: int = Field(description="Rows read from it")
    skipped: int = Field(description="Rows not used (the report says why)")
    note: str

    @classmethod
    def of(cls, s: SourceFile) -> SourceFileOut:
        return cls(
            name=s.name, status=s.status, holds=s.holds, rows=s.rows, skipped=s.skipped, note=s.note
        )


class ImportSummaryOut(BaseModel):
    id: int
    created_at: datetime
    filename: str
    seconds: float
    files: list[str] = Field(description="The files that were read")
    sources: list[SourceFileOut] = Field(
        description="Every file of the upload: read, read in part, or not used by Kith yet"
    )
    total: int = Field(description="Rows in the report")
    counts: dict[str, int] = Field(
        description="Rows by status (they add up to `total`), `matched`: people found on "
        "Kith who are not connections yet, and `warnings`: rows used with a warning"
    )

    @classmethod
    def of(cls, report: ImportReport) -> ImportSummaryOut:
        return cls(
            id=report.id,
            created_at=report.created_at,
            filename=report.filename,
            seconds=report.seconds,
            files=report.files,
            sources=[SourceFileOut.of(x) for x in report.sources],
            total=report.total,
            counts=report.counts,
        )


class ReportRowPage(Paged):
    items: list[ReportRowOut]


class ImportOut(ImportSummaryOut):
    rows: ReportRowPage = Field(
        description="One page of the rows (of one status, or all), in file order"
    )

    @classmethod
    def page(cls, report: ImportReport, rows: Page[ReportRow]) -> ImportOut:
        return cls(
            **ImportSummaryOut.of(report).model_dump(),
            rows=ReportRowPage.of(rows, [ReportRowOut.of(r) for r in rows.items]),
        )


class ImportList(Paged):
    items: list[ImportSummaryOut]


class MatchOut(BaseModel):
    contact_id: int
    name: str = Field(description="The name in your export")
    member_handle: str
    member_name: str
    match: str
    confidence: str
    state: str = Field(description="invite | pending | invited_you | refused")
    detail: str = Field(description="Why an invitation would be refused (state refused)")
    context: str = Field(description="The 'how do you know each other' an invitation carries")

    @classmethod
    def of(cls, m: ImportedMatch) -> MatchOut:
        return cls(
            contact_id=m.contact.id,
            name=m.contact.name,
            member_handle=m.member.handle,
            member_name=m.member.name,
            match=m.contact.match or "",
            confidence=m.confidence,
            state=m.state,
            detail=m.detail,
            context=m.context,
        )


class MatchList(Paged):
    items: list[MatchOut]


class InviteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # at most INVITE_BATCH_MAX: the service refuses more (too_many_selected), as on the page
    contact_ids: list[Id] = Field(
        min_length=1, json_schema_extra=stated(max_items=INVITE_BATCH_MAX)
    )


class InviteOutcomeOut(BaseModel):
    contact_id: int
    member_handle: str
    member_name: str
    status: str = Field(description="sent | connected | refused")
    detail: str

    @classmethod
    def of(cls, o: InviteOutcome) -> InviteOutcomeOut:
        return cls(
            contact_id=o.contact_id,
            member_handle=o.handle,
            member_name=o.name,
            status=o.status,
            detail=o.detail,
        )


class FieldChangeOut(BaseModel):
    field: str
    label: str
    current: str
    imported: str
    conflict: bool = Field(description="Your profile has a different value: you choose")

    @classmethod
    def of(cls, c: FieldChange) -> FieldChangeOut:
        return cls(
            field=c.field,
            label=c.label,
            current=c.current,
            imported=c.imported,
            conflict=c.conflict,
        )


class ImportedPositionOut(BaseModel):
    company: str
    title: str
    start_year: int
    start_month: int | None
    end_year: int | None
    end_month: int | None


class ImportedEducationOut(BaseModel):
    school: str
    degree: str
    start_year: int | None
    end_year: int | None


class ProfilePreviewOut(BaseModel):
    fields: list[FieldChangeOut]
    positions: list[ImportedPositionOut]
    education: list[ImportedEducationOut]
    skills: list[str]
    skipped: list[str] = Field(description="Rows of the profile files that add nothing")

    @classmethod
    def of(cls, p: ProfilePreview) -> ProfilePreviewOut:
        return cls(
            fields=[FieldChangeOut.of(c) for c in p.fields],
            positions=[
                ImportedPositionOut(
                    company=x.company,
                    title=x.title,
                    start_year=x.start_year,
                    start_month=x.start_month,
                    end_year=x.end_year,
                    end_month=x.end_month,
                )
                for x in p.positions
            ],
            education=[
                ImportedEducationOut(
                    school=e.school, degree=e.degree, start_year=e.start_year, end_year=e.end_year
                )
                for e in p.education
            ],
            skills=list(p.skills),
            skipped=[f"{s.file} line {s.line}: {s.reason}" for s in p.skipped],
        )


class ProfileApplyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    take: list[str] = Field(
        default_factory=list,
        description="Conflicting fields to overwrite with the file's value (empty fields "
        "are always filled)",
    )
