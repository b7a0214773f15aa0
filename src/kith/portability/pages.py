"""Your data: import a LinkedIn export (upload, report, invitations, profile), download
your data, and the way to delete your account."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from kith.errors import KithError
from kith.pagination import Page, PageRequest
from kith.portability import inviting, profile_import, reports
from kith.portability.profile_import import PROFILE_FIELDS
from kith.portability.reports import ReportRow, report_of, report_rows
from kith.portability.responses import read_uploads
from kith.portability.schemas import ImportId
from kith.runtime import Kith
from kith.web.deps import KithDep, me
from kith.web.params import FormId, PageNo
from kith.web.render import MemberId, alert_fragment, is_htmx, nav_for, redirect, render

router = APIRouter()
ROWS_PER_PAGE = 100
STATUS_TAGS = {
    "new": "New",
    "updated": "Updated",
    "unchanged": "Unchanged",
    "connected": "Connected",
    "profile": "Profile",
    "post": "Post",
    "recommendation": "Recommendation",
    "skipped": "Not used",
}
STATUS_LABELS = {
    "new": "New private contacts",
    "updated": "Updated",
    "unchanged": "Already imported",
    "connected": "Already connected",
    "profile": "Your profile",
    "post": "Your posts",
    "recommendation": "Recommendations",
    "skipped": "Not used",
}


def _req(kith: Kith, page: int, per_page: int | None = None) -> PageRequest:
    s = kith.settings
    return PageRequest.of(page, per_page, default=s.page_size, maximum=max(s.max_page_size, 100))


def _data_page(
    request: Request, kith: Kith, member_id: int, *, error: str = "", status: int = 200
) -> Response:
    with kith.uow(write=False) as ctx:
        owner = me(ctx, member_id)
        runs = reports.list_imports(ctx, owner, _req(kith, 1, 10))
        context = {
            "runs": [report_of(r) for r in runs.items],
            "more_runs": runs.total > len(runs.items),
            "error": error,
            "max_mb": kith.settings.import_max_mb,
            "max_rows": kith.settings.import_max_rows,
        }
        nav = nav_for(ctx, owner)
    return render(request, "portability/data.html", context, nav=nav, status=status)


@router.get("/me/data")
def data_page(request: Request, kith: KithDep, member_id: MemberId) -> Response:
    return _data_page(request, kith, member_id)


@router.post("/me/data/import")
def upload(
    request: Request,
    kith: KithDep,
    member_id: MemberId,
    files: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    try:
        uploads = read_uploads(files or [], kith.settings.import_max_mb)
        run_id = profile_import.run_import(kith, lambda ctx: me(ctx, member_id), uploads)
    except KithError as exc:
        if is_htmx(request):
            return alert_fragment(request, exc.message, status=exc.status)
        return _data_page(request, kith, member_id, error=exc.message, status=exc.status)
    return redirect(request, f"/me/data/imports/{run_id}")


def _report_page(
    request: Request,
    kith: Kith,
    member_id: int,
    import_id: int,
    *,
    status: str = "",
    page: int = 1,
    matches_page: int = 1,
    outcomes: list[inviting.InviteOutcome] | None = None,
    applied: profile_import.ProfilePreview | None = None,
) -> Response:
    with kith.uow(write=False) as ctx:
        owner = me(ctx, member_id)
        report = report_of(reports.get_import(ctx, owner, import_id))
        matches = inviting.imported_matches(
            ctx, owner, _req(kith, matches_page, 50), import_id=import_id, report=report
        )
        preview = profile_import.preview_import(ctx, owner, import_id)
        left = inviting.invitations_left(ctx, owner)
        nav = nav_for(ctx, owner)
    rows: Page[ReportRow] = report_rows(
        report, PageRequest(max(page, 1), ROWS_PER_PAGE), status or None
    )
    if rows.page > rows.pages:
        rows = report_rows(report, PageRequest(rows.pages, ROWS_PER_PAGE), status or None)
    base = f"/me/data/imports/{import_id}"
    context = {
        "report": report,
        "status": status,
        "labels": STATUS_LABELS,
        "tags": STATUS_TAGS,
        "rows": rows.items,
        "rows_total": rows.total,
        "rows_page": rows.page,
        "rows_pages": rows.pages,
        "rows_link": lambda p: f"{base}?{urlencode({'status': status, 'page': p})}#rows",
        "matches": matches,
        "matches_link": lambda p: f"{base}?{urlencode({'mpage': p})}#matches",
        "preview": preview,
        "applied": applied,
        "outcomes": outcomes or [],
        "left": left,
        "profile_fields": PROFILE_FIELDS,
    }
    return render(request, "portability/report.html", context, nav=nav)


@router.get("/me/data/imports/{import_id}")
def report_page(
    request: Request,
    import_id: ImportId,
    kith: KithDep,
    member_id: MemberId,
    status: str = "",
    page: PageNo = 1,
    mpage: PageNo = 1,
) -> Response:
    status = status if status in STATUS_LABELS else ""
    return _report_page(
        request, kith, member_id, import_id, status=status, page=page, matches_page=mpage
    )


@router.post("/me/data/imports/{import_id}/invite")
def invite(
    request: Request,
    import_id: ImportId,
    kith: KithDep,
    member_id: MemberId,
    contact: Annotated[list[FormId] | None, Form()] = None,
) -> Response:
    if not contact:
        return _report_page(request, kith, member_id, import_id, outcomes=[])
    with kith.uow() as ctx:
        owner = me(ctx, member_id)
        reports.get_import(ctx, owner, import_id)
        outcomes = inviting.invite_matches(ctx, owner, contact)
    return _report_page(request, kith, member_id, import_id, outcomes=outcomes)


@router.post("/me/data/imports/{import_id}/profile")
def apply_profile(
    request: Request,
    import_id: ImportId,
    kith: KithDep,
    member_id: MemberId,
    take: Annotated[list[str] | None, Form()] = None,
) -> Response:
    with kith.uow() as ctx:
        applied = profile_import.apply_import(ctx, me(ctx, member_id), import_id, take=take or [])
    return _report_page(request, kith, member_id, import_id, applied=applied)
