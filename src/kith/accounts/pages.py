"""Pages for accounts: the landing page, sign up, sign in, sign out, and deleting
one's account."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from kith.accounts import credentials, pending, service
from kith.accounts.deletion import check_password_first, delete_account
from kith.accounts.oidc_pages import sso_context
from kith.accounts.sso_only import refuse_password_sign_up
from kith.accounts.two_factor_pages import pending_cookie
from kith.accounts.verification import send_verification
from kith.community import settings as community_settings
from kith.connections.queries import connection_count
from kith.errors import KithError
from kith.posts.feed_views import home as home_feed
from kith.web.deps import (
    SESSION_COOKIE,
    KithDep,
    PageMemberId,
    client_address,
    me,
    user_agent,
)
from kith.web.render import MemberId, local_path, nav_for, render, session_cookie

router = APIRouter()

Text = Annotated[str, Form()]


@router.get("/")
def home(
    request: Request,
    kith: KithDep,
    member_id: PageMemberId,
    order: Annotated[str, Query(max_length=20)] = "for_you",
    cursor: Annotated[str, Query(max_length=400)] = "",
) -> Response:
    """The home feed for a signed-in member; the landing page for everyone else."""
    if member_id is not None:
        return home_feed(request, kith, member_id, order, cursor)
    return render(request, "accounts/landing.html")


def _signup_page(
    request: Request,
    kith: KithDep,
    form: dict[str, str],
    next: str,
    *,
    error: str = "",
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    with kith.uow(write=False) as ctx:
        rules = community_settings.current(ctx)
    context = {
        "form": form,
        "next": local_path(next, ""),
        "error": error,
        "join_mode": rules.join_mode,
        "domains": rules.allowed_domains,
        **sso_context(kith),
    }
    return render(request, "accounts/signup.html", context, status=status, headers=headers)


@router.get("/signup")
def signup_form(
    request: Request,
    kith: KithDep,
    member_id: PageMemberId,
    next: Annotated[str, Query(max_length=2000)] = "",
    code: Annotated[str, Query(max_length=60)] = "",
) -> Response:
    if member_id is not None:
        return RedirectResponse(local_path(next), status_code=303)
    return _signup_page(request, kith, {"invitation": code.strip()}, next)


@router.post("/signup")
def signup(
    request: Request,
    kith: KithDep,
    first_name: Text = "",
    last_name: Text = "",
    email: Text = "",
    password: Text = "",
    invitation: Text = "",
    next: Text = "",
) -> Response:
    form = {
        "first_name": first_name,
        "last_name": last_name,
        "email": email,
        "invitation": invitation,
    }
    try:
        hashed = service.NewPassword.of(kith.settings, password)  # before the transaction
        with kith.uow() as ctx:
            refuse_password_sign_up(ctx)
            member = service.sign_up(
                ctx,
                email=email,
                password=hashed,
                first_name=first_name,
                last_name=last_name,
                invitation=invitation,
            )
            active = member.is_active
            if active:
                send_verification(ctx, member)  # mailed with the sign-up, in its transaction
                token = service.issue_token(
                    ctx, member, kind="session", user_agent=user_agent(request)
                )
    except KithError as exc:
        return _signup_page(
            request, kith, form, next, error=exc.message, status=exc.status, headers=exc.headers
        )
    if not active:
        return render(request, "accounts/applied.html", {"message": service.AWAITING_APPROVAL})
    response = RedirectResponse(local_path(next, "/welcome"), status_code=303)
    session_cookie(response, kith, token)
    return response


@router.get("/signin")
def signin_form(
    request: Request, kith: KithDep, member_id: PageMemberId, next: str = ""
) -> Response:
    if member_id is not None:
        return RedirectResponse(local_path(next), status_code=303)
    context = {"email": "", "next": local_path(next, ""), **sso_context(kith)}
    return render(request, "accounts/signin.html", context)


@router.post("/signin")
def signin(
    request: Request, kith: KithDep, email: Text = "", password: Text = "", next: Text = ""
) -> Response:
    try:
        signed_in = credentials.sign_in(
            kith,
            email=email,
            password=password,
            address=client_address(request),
            kind="session",
            user_agent=user_agent(request),
        )
        if signed_in.second_factor_due:  # the code comes next, on its own page
            with kith.uow(write=False) as ctx:
                held = pending.begin(ctx, me(ctx, signed_in.member_id), next_path=local_path(next))
            response = RedirectResponse("/signin/two-factor", status_code=303)
            pending_cookie(response, kith, held)
            return response
    except KithError as exc:
        return render(
            request,
            "accounts/signin.html",
            {
                "email": email,
                "error": exc.message,
                "next": local_path(next, ""),
                **sso_context(kith),
            },
            status=exc.status,
            headers=exc.headers,
        )
    response = RedirectResponse(local_path(next), status_code=303)
    session_cookie(response, kith, signed_in.token)
    return response


@router.post("/signout")
def signout(request: Request, kith: KithDep) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        with kith.uow() as ctx:
            service.revoke_token(ctx, token)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _delete_page(
    request: Request, kith: KithDep, member_id: int, *, error: str = "", status: int = 200
) -> Response:
    with kith.uow(write=False) as ctx:
        member = me(ctx, member_id)
        context = {
            "email": member.email,
            "handle": member.handle,
            "has_password": bool(member.password_hash),
            "connections": connection_count(ctx.session, member.id),
            "error": error,
        }
        nav = nav_for(ctx, member)
    return render(request, "accounts/delete.html", context, nav=nav, status=status)


@router.get("/settings/delete-account")
def delete_account_form(request: Request, kith: KithDep, member_id: MemberId) -> Response:
    """What deleting one's account removes and keeps, and the password to confirm."""
    return _delete_page(request, kith, member_id)


@router.post("/settings/delete-account")
def delete_account_confirmed(
    request: Request, kith: KithDep, member_id: MemberId, password: Text = "", email: Text = ""
) -> Response:
    try:
        checked = check_password_first(kith, member_id, password) if password else None
        with kith.uow() as ctx:
            delete_account(ctx, me(ctx, member_id), password=password, email=email, checked=checked)
    except KithError as exc:
        return _delete_page(request, kith, member_id, error=exc.message, status=exc.status)
    response = RedirectResponse("/goodbye", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/goodbye")
def goodbye(request: Request) -> Response:
    return render(request, "accounts/goodbye.html")
