"""REST endpoints for two-factor sign-in: status, enrolment, recovery codes, turning
it off. (Signing in with a code: ``code`` on ``POST /api/v1/auth/token``.)"""

from __future__ import annotations

from fastapi import APIRouter, status

from kith.accounts import two_factor
from kith.accounts.two_factor_schemas import (
    CodeIn,
    DisableIn,
    EnrolmentOut,
    RecoveryCodesOut,
    TwoFactorOut,
)
from kith.web.deps import ApiMemberId, KithDep, me

router = APIRouter(prefix="/auth/two-factor", tags=["accounts"])


@router.get("")
def two_factor_status(kith: KithDep, member_id: ApiMemberId) -> TwoFactorOut:
    """Whether two-factor sign-in is on, and how many recovery codes are left."""
    with kith.uow(write=False) as ctx:
        return TwoFactorOut.of(two_factor.status(ctx, me(ctx, member_id)))


@router.post("/enrolment", status_code=status.HTTP_201_CREATED)
def start_enrolment(kith: KithDep, member_id: ApiMemberId) -> EnrolmentOut:
    """Start setting up: a new secret for the authenticator app (replacing one not yet
    confirmed). 409 ``two_factor_enrolled`` when it is already on."""
    with kith.uow() as ctx:
        return EnrolmentOut.of(two_factor.start_enrolment(ctx, me(ctx, member_id)))


@router.post("/enrolment/confirm")
def confirm_enrolment(body: CodeIn, kith: KithDep, member_id: ApiMemberId) -> RecoveryCodesOut:
    """Turn two-factor sign-in on with the app's first code; returns 10 recovery codes,
    shown this once."""
    codes = two_factor.confirm_enrolment(kith, member_id, body.code)
    return RecoveryCodesOut(recovery_codes=codes)


@router.post("/recovery-codes")
def regenerate_recovery_codes(
    body: CodeIn, kith: KithDep, member_id: ApiMemberId
) -> RecoveryCodesOut:
    """Replace every recovery code with 10 new ones (confirmed by a code)."""
    codes = two_factor.regenerate_recovery_codes(kith, member_id, body.code)
    return RecoveryCodesOut(recovery_codes=codes)


@router.post("/disable", status_code=status.HTTP_204_NO_CONTENT)
def disable(body: DisableIn, kith: KithDep, member_id: ApiMemberId) -> None:
    """Turn two-factor sign-in off, confirmed by your password and a code."""
    two_factor.disable(kith, member_id, password=body.password, code=body.code)
