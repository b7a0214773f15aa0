"""Account request and response models."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from kith.models import AuthToken
from kith.security import token_digest


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
