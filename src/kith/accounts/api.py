"""REST endpoints for accounts: sign up, sign in, passwords and sessions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, status
from fastapi.responses import JSONResponse

from kith.accounts import credentials, pending, service, sessions
from kith.accounts.schemas import (
    ApplicationOut,
    PasswordChange,
    SessionId,
    SessionOut,
    SignupIn,
    TokenIn,
    TokenOut,
)
from kith.accounts.sso_only import refuse_password_sign_up
from kith.accounts.verification import send_verification
from kith.web.deps import ApiMemberId, KithDep, bearer_secret, client_address, me, user_agent

router = APIRouter(prefix="/auth", tags=["accounts"])

# Every password check waits for one of the process's argon2 turns (kith.security).
BUSY: dict[int | str, dict[str, Any]] = {
    503: {
        "description": "Too many passwords are being checked at this moment: "
        "`signin_busy`, with Retry-After"
    }
}


@router.post(
    "/signup",
    status_code=status.HTTP_201_CREATED,
    response_model=TokenOut,
    responses={
        **BUSY,
        202: {
            "model": ApplicationOut,
            "description": "The community approves each new member: the account waits "
            "for an administrator and cannot sign in until then",
        },
    },
)
def signup(body: SignupIn, request: Request, kith: KithDep) -> Any:
    """Create an account and receive an API token for it — if the community admits the
    address: its join mode (open, email domains, invitation, approval) decides, and an
    ``invitation`` code admits in every mode."""
    password = service.NewPassword.of(kith.settings, body.password)  # before the transaction
    with kith.uow() as ctx:
        refuse_password_sign_up(ctx)
        member = service.sign_up(
            ctx,
            email=body.email,
            password=password,
            first_name=body.first_name,
            last_name=body.last_name,
            handle=body.handle,
            invitation=body.invitation,
        )
        if not member.is_active:
            waiting = ApplicationOut(handle=member.handle, detail=service.AWAITING_APPROVAL)
            return JSONResponse(waiting.model_dump(), status_code=status.HTTP_202_ACCEPTED)
        send_verification(ctx, member)  # mailed with the sign-up, in its transaction
        token = service.issue_token(ctx, member, kind="api", user_agent=user_agent(request))
        return TokenOut.of(token, member.handle)


@router.post("/token", responses=BUSY)
def token(body: TokenIn, request: Request, kith: KithDep) -> TokenOut:
    """Exchange email and password for a bearer token (throttled after repeated
    failures; 503 ``signin_busy`` when too many passwords are being checked at once).
    With two-factor sign-in on, ``code`` is required too (401 ``two_factor_required``)."""
    signed_in = credentials.sign_in(
        kith,
        email=body.email,
        password=body.password,
        address=client_address(request),
        kind="api",
        user_agent=user_agent(request),
    )
    if signed_in.second_factor_due:
        signed_in = pending.token_with_code(
            kith, signed_in, body.code, user_agent=user_agent(request)
        )
    return TokenOut.of(signed_in.token, signed_in.handle)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(request: Request, kith: KithDep, member_id: ApiMemberId) -> None:
    """Revoke the token this request was made with."""
    with kith.uow() as ctx:
        secret = bearer_secret(request)
        if secret:
            service.revoke_token(ctx, secret)


@router.post("/password", status_code=status.HTTP_204_NO_CONTENT, responses=BUSY)
def change_password(
    body: PasswordChange, request: Request, kith: KithDep, member_id: ApiMemberId
) -> None:
    """Change your password. Every other session and API token ends; this token stays."""
    credentials.change_password(
        kith,
        member_id,
        current=body.current_password,
        new=body.new_password,
        keep=bearer_secret(request),
    )


@router.get("/sessions")
def list_sessions(request: Request, kith: KithDep, member_id: ApiMemberId) -> list[SessionOut]:
    """Your browser sessions and API tokens that still work, most recently used first."""
    with kith.uow(write=False) as ctx:
        found = sessions.list_sessions(ctx, me(ctx, member_id))
        return [SessionOut.of(t, bearer_secret(request)) for t in found]


@router.delete("/sessions/{session_id:int}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_session(session_id: SessionId, kith: KithDep, member_id: ApiMemberId) -> None:
    """End one of your sessions or API tokens (this one too, if you name it)."""
    with kith.uow() as ctx:
        sessions.revoke_session(ctx, me(ctx, member_id), session_id)


@router.post("/signout-everywhere", status_code=status.HTTP_204_NO_CONTENT)
def signout_everywhere(kith: KithDep, member_id: ApiMemberId) -> None:
    """End every session and API token of yours, this one included."""
    with kith.uow() as ctx:
        sessions.end_sessions(ctx, me(ctx, member_id))
