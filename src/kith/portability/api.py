"""One's own data over the API: downloads, and importing a LinkedIn export."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, UploadFile, status
from fastapi.responses import Response

from kith.portability import inviting, profile_import, reports
from kith.portability.reports import report_of, report_rows
from kith.portability.responses import archive_response, connections_download, read_uploads
from kith.portability.schemas import (
    ImportId,
    ImportList,
    ImportOut,
    ImportSummaryOut,
    InviteIn,
    InviteOutcomeOut,
    MatchList,
    MatchOut,
    ProfileApplyIn,
    ProfilePreviewOut,
    ReportRowOut,
    ReportRowPage,
)
from kith.web.deps import ApiMemberId, KithDep, me
from kith.web.paging import page_request
from kith.web.params import PageNo, PerPage

router = APIRouter(prefix="/me/export", tags=["portability"])


@router.get(
    "/connections",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}, "text/vcard": {}}}},
)
def export_connections(
    kith: KithDep, member_id: ApiMemberId, format: Literal["csv", "vcard"] = "csv"
) -> Response:
    """Your connections, then your private contacts, as a download: ``csv`` (LinkedIn's
    Connections.csv columns plus tags, tier, how we met, notes, last interaction and
    source) or ``vcard`` (vCard 4.0)."""
    return connections_download(kith, member_id, format)


@router.get(
    "/archive",
    response_class=Response,
    responses={200: {"content": {"application/json": {}}}},
)
def export_archive(kith: KithDep, member_id: ApiMemberId) -> Response:
    """Everything you own on Kith as one JSON document: account, profile, connections,
    invitations, follows, blocks, messages, relationship data, notifications, imports."""
    return archive_response(kith, member_id)


# -- Importing a LinkedIn export ---------------------------------------------------------------

imports_router = APIRouter(prefix="/me/imports", tags=["portability"])
RowStatus = Literal[
    "new", "updated", "unchanged", "connected", "profile", "post", "recommendation", "skipped"
]


@imports_router.post("", status_code=status.HTTP_201_CREATED)
def create_import(
    kith: KithDep,
    member_id: ApiMemberId,
    files: Annotated[list[UploadFile], File(description="The export zip, or its CSV files")],
) -> ImportOut:
    """Import a LinkedIn data export ("Get a copy of your data"): every person is matched
    to a member or kept as a private contact, and every row is in the report (the first
    page here; the rest from ``GET /me/imports/{id}/rows``). Importing the same file
    again changes nothing. At most ``import_max_rows`` people rows (30,000) per import.
    The profile files wait for ``GET/POST /me/imports/{id}/profile``."""
    uploads = read_uploads(files, kith.settings.import_max_mb)
    run_id = profile_import.run_import(kith, lambda ctx: me(ctx, member_id), uploads)
    with kith.uow(write=False) as ctx:
        report = report_of(reports.get_import(ctx, me(ctx, member_id), run_id))
        return ImportOut.page(report, report_rows(report, page_request(kith, 1, None)))


@imports_router.get("")
def list_imports(
    kith: KithDep, member_id: ApiMemberId, page: PageNo = 1, per_page: PerPage = None
) -> ImportList:
    """Your imports, newest first."""
    with kith.uow(write=False) as ctx:
        found = reports.list_imports(ctx, me(ctx, member_id), page_request(kith, page, per_page))
        return ImportList.of(found, [ImportSummaryOut.of(report_of(r)) for r in found.items])


@imports_router.get("/{import_id:int}")
def get_import(
    kith: KithDep,
    member_id: ApiMemberId,
    import_id: ImportId,
    status: RowStatus | None = None,
    page: PageNo = 1,
    per_page: PerPage = None,
) -> ImportOut:
    """One import's summary and a page of its rows (of one ``status``, or all)."""
    with kith.uow(write=False) as ctx:
        report = report_of(reports.get_import(ctx, me(ctx, member_id), import_id))
        return ImportOut.page(
            report, report_rows(report, page_request(kith, page, per_page), status)
        )


@imports_router.get("/{import_id:int}/rows")
def import_rows(
    kith: KithDep,
    member_id: ApiMemberId,
    import_id: ImportId,
    status: RowStatus | None = None,
    page: PageNo = 1,
    per_page: PerPage = None,
) -> ReportRowPage:
    """A page of one import's rows (of one ``status``, or all), in file order."""
    with kith.uow(write=False) as ctx:
        report = report_of(reports.get_import(ctx, me(ctx, member_id), import_id))
        rows = report_rows(report, page_request(kith, page, per_page), status)
        return ReportRowPage.of(rows, [ReportRowOut.of(r) for r in rows.items])


@imports_router.get("/{import_id:int}/matches")
def import_matches(
    kith: KithDep,
    member_id: ApiMemberId,
    import_id: ImportId,
    page: PageNo = 1,
    per_page: PerPage = None,
) -> MatchList:
    """The people of this import who are members, surest match first, each with whether
    an invitation can go to them now."""
    with kith.uow(write=False) as ctx:
        found = inviting.imported_matches(
            ctx, me(ctx, member_id), page_request(kith, page, per_page), import_id=import_id
        )
        return MatchList.of(found, [MatchOut.of(m) for m in found.items])


@imports_router.post("/{import_id:int}/invitations")
def invite_from_import(
    kith: KithDep, member_id: ApiMemberId, import_id: ImportId, body: InviteIn
) -> list[InviteOutcomeOut]:
    """Invite the members behind these private contacts ("Connected on LinkedIn since
    …"). Each follows the invitation rules; refusals are reported per person, and the
    weekly limit stops the rest."""
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        reports.get_import(ctx, owner, import_id)
        return [
            InviteOutcomeOut.of(o) for o in inviting.invite_matches(ctx, owner, body.contact_ids)
        ]


@imports_router.get("/{import_id:int}/profile")
def import_profile_preview(
    kith: KithDep, member_id: ApiMemberId, import_id: ImportId
) -> ProfilePreviewOut:
    """What this import's Profile, Positions, Education and Skills files would change on
    your profile (nothing is written)."""
    with kith.uow(write=False) as ctx:
        return ProfilePreviewOut.of(
            profile_import.preview_import(ctx, me(ctx, member_id), import_id)
        )


@imports_router.post("/{import_id:int}/profile")
def import_profile_apply(
    kith: KithDep, member_id: ApiMemberId, import_id: ImportId, body: ProfileApplyIn
) -> ProfilePreviewOut:
    """Fill your profile from this import: empty fields are filled, the conflicting
    fields named in ``take`` overwritten; positions, education and skills are added.
    Returns what was applied."""
    with kith.uow() as ctx:
        applied = profile_import.apply_import(ctx, me(ctx, member_id), import_id, take=body.take)
        return ProfilePreviewOut.of(applied)
