"""Account request and response models."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class SignupIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str
    password: str
    first_name: str
    last_name: str
    handle: str | None = Field(
        None, description="Your /in/<handle>; made from your name if left out"
    )


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str
    password: str


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    handle: str


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: str
    new_password: str


class AccountDeletion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    password: str = Field("", description="Your current password, to confirm")
