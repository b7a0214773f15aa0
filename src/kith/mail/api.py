"""REST endpoints for email: password reset, address verification and change, email
settings, and one-click unsubscribe (RFC 8058)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status

from kith.accounts import reset, verification
from kith.accounts.deletion import check_password_first
from kith.mail import preferences
from kith.mail.schemas import (
    AcceptedOut,
    EmailChangeIn,
    EmailSettingsIn,
    EmailSettingsOut,
    LinkTokenIn,
    ResetIn,
    ResetRequestIn,
    UnsubscribedOut,
    link_refusals,
)
from kith.web.deps import ApiMemberId, KithDep, me

router = APIRouter(tags=["email"])

#: What "forgot password" answers, whether or not an account has the address.
RESET_ASKED = (
    "If an account has this address, a link to choose a new password is on its way. "
    "It works once, within the hour."
)


@router.post("/auth/password-reset", status_code=status.HTTP_202_ACCEPTED)
def password_reset_request(body: ResetRequestIn, kith: KithDep) -> AcceptedOut:
    """Mail a password reset link to the account with this address. The answer is the
    same whether or not an account has it."""
    with kith.uow() as ctx:
        reset.request_reset(ctx, body.email)
    return AcceptedOut(detail=RESET_ASKED)


@router.post(
    "/auth/password-reset/confirm",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=link_refusals(400, 410),
)
def password_reset(body: ResetIn, kith: KithDep) -> None:
    """Choose a new password with the mailed link's token. Every session and API token
    of the account ends. Refused: ``reset_link_invalid``, ``reset_link_expired``,
    ``reset_link_used``, ``weak_password``."""
    reset.reset_password(kith, body.token, body.new_password)


@router.post("/auth/verify-email", responses=link_refusals(400, 410))
def verify_email(body: LinkTokenIn, kith: KithDep) -> EmailSettingsOut:
    """Confirm an address with the mailed link's token (no sign-in needed); a new
    address takes the old one's place. Refused: ``verification_link_invalid``,
    ``verification_link_expired``, ``verification_link_used``, ``email_taken``."""
    with kith.uow() as ctx:
        member = verification.confirm_email(ctx, body.token)
        return EmailSettingsOut.of(member, preferences.settings_of(ctx, member.id))


@router.post("/me/email", status_code=status.HTTP_202_ACCEPTED)
def change_email(body: EmailChangeIn, kith: KithDep, member_id: ApiMemberId) -> AcceptedOut:
    """Change your address: a link goes to the new one, which takes effect once it is
    confirmed; the current address is told. Refused: ``wrong_password``,
    ``invalid_email``, ``email_unchanged``, ``email_taken``, ``verification_throttled``."""
    checked = check_password_first(kith, member_id, body.password)
    with kith.uow() as ctx:
        address = verification.request_email_change(
            ctx, me(ctx, member_id), body.new_email, checked
        )
    return AcceptedOut(detail=f"A link to confirm {address} is on its way to that address.")


@router.post("/me/email/verification", status_code=status.HTTP_202_ACCEPTED)
def resend_verification(kith: KithDep, member_id: ApiMemberId) -> AcceptedOut:
    """Mail a new verification link to your address. Refused: ``email_verified``,
    ``verification_throttled``."""
    with kith.uow() as ctx:
        member = me(ctx, member_id)
        verification.resend_verification(ctx, member)
        return AcceptedOut(detail=f"A new link is on its way to {member.email}.")


@router.get("/me/email-settings")
def email_settings(kith: KithDep, member_id: ApiMemberId) -> EmailSettingsOut:
    """Your address, whether it is verified, and what you receive by email."""
    with kith.uow(write=False) as ctx:
        member = me(ctx, member_id)
        return EmailSettingsOut.of(member, preferences.settings_of(ctx, member.id))


@router.patch("/me/email-settings")
def update_email_settings(
    body: EmailSettingsIn, kith: KithDep, member_id: ApiMemberId
) -> EmailSettingsOut:
    """Switch notifications by email and the weekly digest on or off."""
    with kith.uow() as ctx:
        member = me(ctx, member_id)
        row = preferences.update_settings(ctx, member, body.model_dump())
        return EmailSettingsOut.of(member, row)


UnsubscribeToken = Annotated[str, Path(min_length=1, max_length=400)]


@router.post("/unsubscribe/{token}", responses=link_refusals(400))
def unsubscribe(token: UnsubscribeToken, kith: KithDep) -> UnsubscribedOut:
    """One-click unsubscribe (RFC 8058): the ``List-Unsubscribe`` URL of a mail, posted
    by the mail client with ``List-Unsubscribe=One-Click``; no sign-in. Refused:
    ``unsubscribe_link_invalid`` (forged or mangled)."""
    with kith.uow() as ctx:
        done = preferences.unsubscribe(ctx, token)
    return UnsubscribedOut(category=done.category, detail=f"You no longer receive {done.what}.")
