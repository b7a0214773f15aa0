"""Pages for two-factor sign-in: the code asked after the password, and Settings ›
Two-factor sign-in (set up with a QR code, recovery codes, turning it off)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from kith.accounts import pending, two_factor
from kith.errors import KithError
from kith.runtime import Kith
from kith.web.deps import KithDep, PageMemberId, me, user_agent
from kith.web.errors import render_error
from kith.web.render import MemberId, local_path, nav_for, render, session_cookie

router = APIRouter()

Text = Annotated[str, Form(max_length=2000)]
SETTINGS = "/settings/two-factor"


def pending_cookie(response: Response, kith: Kith, value: str) -> None:
    """Hold a pending sign-in in the browser until the code completes it."""
    response.set_cookie(
        pending.PENDING_COOKIE,
        value,
        max_age=kith.settings.two_factor_pending_minutes * 60,
        httponly=True,
        samesite="lax",
        secure=kith.settings.base_url.startswith("https://"),
        path="/signin",
    )


@router.get("/signin/two-factor")
def code_form(request: Request, kith: KithDep, member_id: PageMemberId) -> Response:
    """The second step of signing in: the code from the authenticator app."""
    if member_id is not None:
        return RedirectResponse("/", status_code=303)
    try:
        with kith.uow(write=False) as ctx:
            pending.read(ctx, request.cookies.get(pending.PENDING_COOKIE))
    except KithError as exc:
        return render(request, "accounts/signin_code.html", {"expired": exc.message}, status=401)
    return render(request, "accounts/signin_code.html", {})


@router.post("/signin/two-factor")
def code_given(request: Request, kith: KithDep, code: Text = "") -> Response:
    value = request.cookies.get(pending.PENDING_COOKIE)
    try:
        with kith.uow(write=False) as ctx:
            next_path = pending.read(ctx, value).next
        signed_in = pending.complete(kith, value, code, user_agent=user_agent(request))
    except pending.PendingExpired as exc:
        return render(
            request, "accounts/signin_code.html", {"expired": exc.message}, status=exc.status
        )
    except KithError as exc:
        return render(
            request,
            "accounts/signin_code.html",
            {"error": exc.message},
            status=exc.status,
            headers=exc.headers,
        )
    response = RedirectResponse(local_path(next_path), status_code=303)
    response.delete_cookie(pending.PENDING_COOKIE, path="/signin")
    session_cookie(response, kith, signed_in.token)
    return response


def _settings_page(
    request: Request,
    kith: Kith,
    member_id: int,
    *,
    extra: dict[str, Any] | None = None,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    with kith.uow(write=False) as ctx:
        member = me(ctx, member_id)
        state = two_factor.status(ctx, member)
        enrolment = two_factor.enrolment(ctx, member)
        context: dict[str, Any] = {
            "state": state,
            "secret": enrolment.secret if enrolment else "",
            "qr": Markup(enrolment.qr_svg) if enrolment else "",  # noqa: S704 - segno's SVG
            "has_password": bool(member.password_hash),
            "saved": request.query_params.get("saved", "")[:20],
            **(extra or {}),
        }
        nav = nav_for(ctx, member)
    return render(
        request, "accounts/two_factor.html", context, nav=nav, status=status, headers=headers
    )


@router.get(SETTINGS)
def settings(request: Request, kith: KithDep, member_id: MemberId) -> Response:
    """Settings › Two-factor sign-in."""
    return _settings_page(request, kith, member_id)


@router.post(f"{SETTINGS}/start")
def start(request: Request, kith: KithDep, member_id: MemberId) -> Response:
    try:
        with kith.uow() as ctx:
            two_factor.start_enrolment(ctx, me(ctx, member_id))
    except KithError as exc:
        return _settings_page(request, kith, member_id, extra={"error": exc.message}, status=409)
    return RedirectResponse(f"{SETTINGS}#set-up", status_code=303)


def _refused(request: Request, kith: KithDep, member_id: int, exc: KithError) -> Response:
    """The settings page again, with the refusal in words."""
    return _settings_page(
        request,
        kith,
        member_id,
        extra={"error": exc.message},
        status=exc.status,
        headers=exc.headers,
    )


@router.post(f"{SETTINGS}/confirm")
def confirm(request: Request, kith: KithDep, member_id: MemberId, code: Text = "") -> Response:
    try:
        codes = two_factor.confirm_enrolment(kith, member_id, code)
    except KithError as exc:
        return _refused(request, kith, member_id, exc)
    return _settings_page(request, kith, member_id, extra={"codes": codes, "saved": "on"})


@router.post(f"{SETTINGS}/recovery-codes")
def new_codes(request: Request, kith: KithDep, member_id: MemberId, code: Text = "") -> Response:
    try:
        codes = two_factor.regenerate_recovery_codes(kith, member_id, code)
    except KithError as exc:
        return _refused(request, kith, member_id, exc)
    return _settings_page(request, kith, member_id, extra={"codes": codes, "saved": "codes"})


@router.post(f"{SETTINGS}/disable")
def disable(
    request: Request, kith: KithDep, member_id: MemberId, password: Text = "", code: Text = ""
) -> Response:
    try:
        two_factor.disable(kith, member_id, password=password, code=code)
    except KithError as exc:
        return _refused(request, kith, member_id, exc)
    return RedirectResponse(f"{SETTINGS}?saved=off", status_code=303)


def enrol_first(request: Request, exc: Exception) -> Response:
    """An administrator who must set up two-factor sign-in: pages go to its settings
    page; the API answers 403 ``two_factor_enrolment_required``."""
    assert isinstance(exc, two_factor.EnrolFirst)
    if request.url.path.startswith("/api/"):
        return render_error(request, exc.status, exc.code, exc.message)
    if request.headers.get("HX-Request") == "true":
        return Response(status_code=204, headers={"HX-Redirect": SETTINGS})
    return RedirectResponse(f"{SETTINGS}?required=1", status_code=303)
