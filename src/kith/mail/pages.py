"""Pages for email: forgot password, choosing a new password, confirming an address,
email settings, and unsubscribing from a mailed link."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from kith.accounts import reset, verification
from kith.accounts.deletion import check_password_first
from kith.errors import KithError
from kith.mail import preferences
from kith.mail.api import RESET_ASKED
from kith.web.deps import KithDep, PageMemberId, me
from kith.web.render import MemberId, nav_for, render

router = APIRouter()

Text = Annotated[str, Form(max_length=2000)]
Token = Annotated[str, Query(max_length=400)]


def _nav(kith: KithDep, member_id: int | None) -> Any:
    if member_id is None:
        return None
    with kith.uow(write=False) as ctx:
        return nav_for(ctx, me(ctx, member_id))


@router.get("/forgot-password")
def forgot_form(request: Request) -> Response:
    return render(request, "mail/forgot.html", {"email": ""})


@router.post("/forgot-password")
def forgot(request: Request, kith: KithDep, email: Text = "") -> Response:
    """The same answer whether or not an account has the address."""
    try:
        with kith.uow() as ctx:
            reset.request_reset(ctx, email)
    except KithError as exc:
        return render(
            request, "mail/forgot.html", {"email": email, "error": exc.message}, status=exc.status
        )
    return render(request, "mail/forgot.html", {"email": email, "sent": RESET_ASKED})


def _link_refused(request: Request, title: str, exc: KithError, again: str) -> Response:
    return render(
        request,
        "mail/link_refused.html",
        {"title": title, "error": exc.message, "again": again},
        status=exc.status,
    )


@router.get("/reset-password")
def reset_form(request: Request, kith: KithDep, token: Token = "") -> Response:
    try:
        with kith.uow(write=False) as ctx:
            member = reset.check_reset_link(ctx, token)
            email = member.email
    except KithError as exc:
        return _link_refused(request, "Choose a new password", exc, "/forgot-password")
    return render(request, "mail/reset.html", {"token": token, "email": email})


@router.post("/reset-password")
def reset_password(
    request: Request, kith: KithDep, token: Text = "", new_password: Text = ""
) -> Response:
    try:
        reset.reset_password(kith, token, new_password)
    except KithError as exc:
        if exc.code.startswith("reset_link"):
            return _link_refused(request, "Choose a new password", exc, "/forgot-password")
        with kith.uow(write=False) as ctx:
            email = reset.check_reset_link(ctx, token).email
        return render(
            request,
            "mail/reset.html",
            {"token": token, "email": email, "error": exc.message},
            status=exc.status,
        )
    response = render(request, "mail/reset_done.html")
    response.delete_cookie("kith_session", path="/")
    return response


@router.get("/verify-email")
def verify_form(
    request: Request, kith: KithDep, member_id: PageMemberId, token: Token = ""
) -> Response:
    """Asks for a click: a link scanner that fetches the page confirms nothing."""
    try:
        with kith.uow(write=False) as ctx:
            verification.check_verification_link(ctx, token)
    except KithError as exc:
        again = "/me/settings/email" if member_id is not None else "/signin"
        return _link_refused(request, "Confirm your email address", exc, again)
    return render(request, "mail/verify.html", {"token": token}, nav=_nav(kith, member_id))


@router.post("/verify-email")
def verify(request: Request, kith: KithDep, member_id: PageMemberId, token: Text = "") -> Response:
    try:
        with kith.uow() as ctx:
            email = verification.confirm_email(ctx, token).email
    except KithError as exc:
        again = "/me/settings/email" if member_id is not None else "/signin"
        return _link_refused(request, "Confirm your email address", exc, again)
    return render(request, "mail/verify.html", {"verified": email}, nav=_nav(kith, member_id))


SAVED = {
    "settings": "Your email settings are saved.",
    "sent": "A new link is on its way; follow it to confirm your address.",
}


def _settings_page(
    request: Request,
    kith: KithDep,
    member_id: int,
    *,
    error: str | None = None,
    saved: str | None = None,
    changing: str | None = None,
    new_email: str = "",
    status: int = 200,
) -> Response:
    with kith.uow(write=False) as ctx:
        member = me(ctx, member_id)
        row = preferences.settings_of(ctx, member.id)
        context = {
            "email": member.email,
            "verified_at": row.email_verified_at,
            "chosen": {key: bool(getattr(row, key)) for key in preferences.CATEGORIES},
            "categories": preferences.CATEGORIES,
            "error": error,
            "saved": saved,
            "changing": changing,
            "new_email": new_email,
        }
        nav = nav_for(ctx, member)
    return render(request, "mail/settings.html", context, nav=nav, status=status)


@router.get("/me/settings/email")
def email_settings(
    request: Request, kith: KithDep, member_id: MemberId, saved: str = ""
) -> Response:
    return _settings_page(request, kith, member_id, saved=SAVED.get(saved))


@router.post("/me/settings/email")
def save_email_settings(
    kith: KithDep,
    member_id: MemberId,
    invitations: Text = "",
    messages: Text = "",
    introductions: Text = "",
    recommendations: Text = "",
    digest: Text = "",
) -> Response:
    given = (invitations, messages, introductions, recommendations, digest)
    chosen: dict[str, bool | None] = {
        key: value == "on" for key, value in zip(preferences.CATEGORIES, given, strict=True)
    }
    with kith.uow() as ctx:
        preferences.update_settings(ctx, me(ctx, member_id), chosen)
    return RedirectResponse("/me/settings/email?saved=settings", status_code=303)


@router.post("/me/settings/email/address")
def change_address(
    request: Request, kith: KithDep, member_id: MemberId, new_email: Text = "", password: Text = ""
) -> Response:
    try:
        checked = check_password_first(kith, member_id, password)
        with kith.uow() as ctx:
            address = verification.request_email_change(ctx, me(ctx, member_id), new_email, checked)
    except KithError as exc:
        return _settings_page(
            request, kith, member_id, error=exc.message, new_email=new_email, status=exc.status
        )
    return _settings_page(request, kith, member_id, changing=address)


@router.post("/me/settings/email/verify")
def resend(request: Request, kith: KithDep, member_id: MemberId) -> Response:
    try:
        with kith.uow() as ctx:
            verification.resend_verification(ctx, me(ctx, member_id))
    except KithError as exc:
        return _settings_page(request, kith, member_id, error=exc.message, status=exc.status)
    return RedirectResponse("/me/settings/email?saved=sent", status_code=303)


@router.get("/unsubscribe/{token}")
def unsubscribe_form(request: Request, kith: KithDep, token: str) -> Response:
    """Asks for a click (a link scanner that fetches the page changes nothing); mail
    clients use the one-click URL of the ``List-Unsubscribe`` header instead."""
    try:
        with kith.uow(write=False) as ctx:
            found = preferences.read_unsubscribe(ctx, token)
    except KithError as exc:
        return _link_refused(request, "Unsubscribe", exc, "/me/settings/email")
    return render(request, "mail/unsubscribe.html", {"token": token, "what": found.what})


@router.post("/unsubscribe/{token}")
def unsubscribe(request: Request, kith: KithDep, token: str) -> Response:
    try:
        with kith.uow() as ctx:
            done = preferences.unsubscribe(ctx, token)
    except KithError as exc:
        return _link_refused(request, "Unsubscribe", exc, "/me/settings/email")
    return render(request, "mail/unsubscribe.html", {"done": True, "what": done.what})
