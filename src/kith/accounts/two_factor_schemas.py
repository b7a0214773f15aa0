"""Request and response models for two-factor sign-in (``/api/v1/auth/two-factor``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from kith.accounts.two_factor import Enrolment, Status

Code = Field(max_length=64, description="A 6-digit code from the authenticator app")


class TwoFactorOut(BaseModel):
    enrolled: bool = Field(description="Sign-in asks for a code")
    enrolling: bool = Field(description="A secret waits for its first code")
    recovery_codes_left: int
    required: bool = Field(description="The community requires it of you (administrators)")

    @classmethod
    def of(cls, status: Status) -> TwoFactorOut:
        return cls(
            enrolled=status.enrolled,
            enrolling=status.enrolling,
            recovery_codes_left=status.recovery_codes_left,
            required=status.required,
        )


class EnrolmentOut(BaseModel):
    secret: str = Field(description="The TOTP secret (base32), to type into the app")
    otpauth_uri: str = Field(description="The same as an otpauth:// URI (the QR code's text)")

    @classmethod
    def of(cls, enrolment: Enrolment) -> EnrolmentOut:
        return cls(secret=enrolment.secret, otpauth_uri=enrolment.uri)


class CodeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(
        max_length=64, description="A code from the authenticator app, or a recovery code"
    )


class DisableIn(CodeIn):
    password: str = Field(
        default="", max_length=1024, description="Your password (none if you have none)"
    )


class RecoveryCodesOut(BaseModel):
    recovery_codes: list[str] = Field(description="Shown once: each works once")
