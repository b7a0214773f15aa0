"""Account request and response models."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from kith.config import Settings
from kith.web.params import WORDS, stated

#: A name: 1 to 100 characters, not only spaces (refused as invalid_name).
NAME = stated(min_length=1, max_length=100, pattern=WORDS)
#: A new password (refused as weak_password): ``KITH_PASSWORD_MIN_LENGTH`` to 1,024.
NEW_PASSWORD = stated(
    min_length=Settings.model_fields["password_min_length"].default, max_length=1024
)
#: 3 to 60 letters, digits or single hyphens (refused as invalid_handle); "" or
#: none: made from the name.
HANDLE = stated(pattern=r"^(?:[a-zA-Z0-9](?:[a-zA-Z0-9]|-(?!-)){1,58}[a-zA-Z0-9])?$")


class SignupIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(json_schema_extra={"format": "email"})
    password: str = Field(json_schema_extra=NEW_PASSWORD)
    first_name: str = Field(json_schema_extra=NAME)
    last_name: str = Field(json_schema_extra=NAME)
    handle: str | None = Field(
        None,
        description="Your /in/<handle>; made from your name if left out",
        json_schema_extra=HANDLE,
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
    new_password: str = Field(json_schema_extra=NEW_PASSWORD)


class AccountDeletion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    password: str = Field("", description="Your current password, to confirm")
