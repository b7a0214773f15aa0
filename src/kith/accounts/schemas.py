"""Account request and response models."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from kith.config import Settings
from kith.models import AuthToken
from kith.security import token_digest
from kith.web.params import WORDS, id_path, stated

#: A session's or API token's id in a path (beyond any id: 404 ``session_not_found``).
SessionId = Annotated[int, id_path("session")]

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
    invitation: str | None = Field(
        None,
        max_length=60,
        description="An invitation code (or the code from an invitation link), if you "
        "have one; some communities need one to join",
    )


class ApplicationOut(BaseModel):
    """A sign-up that waits for an administrator's approval (``join_mode='approval'``)."""

    status: str = Field("awaiting_approval", description="Always 'awaiting_approval'")
    handle: str
    detail: str


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str
    password: str
    code: str | None = Field(
        default=None,
        max_length=64,
        description="When two-factor sign-in is on: a code from the authenticator app, "
        "or a recovery code",
    )


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    handle: str

    @classmethod
    def of(cls, token: str, handle: str) -> TokenOut:
        """A token just issued to the member with this handle."""
        return cls(access_token=token, handle=handle)


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: str
    new_password: str = Field(json_schema_extra=NEW_PASSWORD)


class AccountDeletion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    password: str = Field("", description="Your current password, to confirm")
    email: str = Field(
        "",
        max_length=320,
        description="Your email address, to confirm, for an account without a password "
        "(made through single sign-on)",
    )


class SessionOut(BaseModel):
    """A browser session or an API token that still works."""

    id: int
    kind: str = Field(description="'session' (a browser) or 'api' (a bearer token)")
    user_agent: str = Field(description="The client that signed in, as it named itself")
    created_at: datetime
    last_seen_at: datetime | None = Field(description="Its latest use (to within minutes)")
    expires_at: datetime
    current: bool = Field(description="The session or token this request was made with")

    @classmethod
    def of(cls, token: AuthToken, current: str | None) -> SessionOut:
        return cls(
            id=token.id,
            kind=token.kind,
            user_agent=token.user_agent,
            created_at=token.created_at,
            last_seen_at=token.last_seen_at,
            expires_at=token.expires_at,
            current=current is not None and token.digest == token_digest(current),
        )
