"""Pages for single sign-on: "Sign in with <provider>" and the provider's callback."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from kith.accounts import oidc
from kith.accounts.sso_only import sso_configured, sso_only
from kith.accounts.two_factor_pages import pending_cookie
from kith.errors import KithError
from kith.runtime import Kith
from kith.web.deps import KithDep, PageMemberId, user_agent
from kith.web.render import local_path, render, session_cookie

router = APIRouter()

Param = Annotated[str, Query(max_length=4000)]
CALLBACK_PATH = "/signin/sso"


def sso_context(kith: Kith) -> dict[str, Any]:
    """What the sign-in and sign-up pages show of single sign-on."""
    if not sso_configured(kith.settings):
        return {"sso": None}
    with kith.uow(write=False) as ctx:
        only = sso_only(ctx)
    return {"sso": {"name": kith.settings.oidc_display_name, "only": only}}


def _refused(request: Request, kith: Kith, exc: KithError) -> Response:
    context = {"email": "", "error": exc.message, "next": "", **sso_context(kith)}
    response = render(
        request, "accounts/signin.html", context, status=exc.status, headers=exc.headers
    )
    response.delete_cookie(oidc.STATE_COOKIE, path=CALLBACK_PATH)
    return response


@router.get("/signin/sso")
def start(request: Request, kith: KithDep, member_id: PageMemberId, next: Param = "") -> Response:
    """Send the browser to the identity provider."""
    if member_id is not None:
        return RedirectResponse(local_path(next), status_code=303)
    try:
        with kith.uow(write=False) as ctx:
            started = oidc.begin(ctx, next_path=local_path(next, ""))
    except KithError as exc:
        return _refused(request, kith, exc)
    response = RedirectResponse(started.url, status_code=303)
    response.set_cookie(
        oidc.STATE_COOKIE,
        started.cookie,
        max_age=oidc.STATE_MINUTES * 60,
        httponly=True,
        samesite="lax",  # sent on the provider's top-level redirect back
        secure=kith.settings.base_url.startswith("https://"),
        path=CALLBACK_PATH,
    )
    return response


@router.get("/signin/sso/callback")
def callback(
    request: Request,
    kith: KithDep,
    state: Param = "",
    code: Param = "",
    error: Param = "",
) -> Response:
    """The provider sends the browser back here with a code (or an error)."""
    try:
        finished = oidc.finish(
            kith,
            cookie=request.cookies.get(oidc.STATE_COOKIE),
            state=state,
            code=code,
            error=error,
            user_agent=user_agent(request),
        )
    except KithError as exc:
        return _refused(request, kith, exc)
    if finished.pending is not None:
        response = RedirectResponse("/signin/two-factor", status_code=303)
        pending_cookie(response, kith, finished.pending)
    else:
        default = "/welcome" if finished.created else "/"
        response = RedirectResponse(local_path(finished.next_path, default), status_code=303)
        session_cookie(response, kith, finished.signed_in.token)
    response.delete_cookie(oidc.STATE_COOKIE, path=CALLBACK_PATH)
    return response
