"""REST endpoints for accounts."""

from __future__ import annotations

from fastapi import APIRouter, Request, status

from kith.accounts import service
from kith.accounts.schemas import PasswordChange, SignupIn, TokenIn, TokenOut
from kith.web.deps import ApiMemberId, KithDep, client_address, me

router = APIRouter(prefix="/auth", tags=["accounts"])


@router.post("/signup", status_code=status.HTTP_201_CREATED)
def signup(body: SignupIn, kith: KithDep) -> TokenOut:
    """Create an account and receive an API token for it."""
    with kith.uow() as ctx:
        member = service.sign_up(
            ctx,
            email=body.email,
            password=body.password,
            first_name=body.first_name,
            last_name=body.last_name,
            handle=body.handle,
        )
        token = service.issue_token(ctx, member, kind="api")
        return TokenOut(access_token=token, handle=member.handle)


@router.post("/token")
def token(body: TokenIn, request: Request, kith: KithDep) -> TokenOut:
    """Exchange email and password for a bearer token (throttled after repeated failures)."""
    with kith.uow() as ctx:
        member = service.authenticate(
            ctx, email=body.email, password=body.password, address=client_address(request)
        )
        secret = service.issue_token(ctx, member, kind="api")
        return TokenOut(access_token=secret, handle=member.handle)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(request: Request, kith: KithDep, member_id: ApiMemberId) -> None:
    """Revoke the token this request was made with."""
    secret = request.headers["authorization"].split(" ", 1)[1]
    with kith.uow() as ctx:
        service.revoke_token(ctx, secret)


@router.post("/password", status_code=status.HTTP_204_NO_CONTENT)
def change_password(body: PasswordChange, kith: KithDep, member_id: ApiMemberId) -> None:
    with kith.uow() as ctx:
        service.change_password(
            ctx, me(ctx, member_id), current=body.current_password, new=body.new_password
        )
