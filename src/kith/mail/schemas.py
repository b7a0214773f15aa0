"""Email request and response models."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from kith.accounts.schemas import NEW_PASSWORD
from kith.models import MailSettings, Member

#: A mailed link's token (signed; longer is refused as invalid).
TOKEN = Field(min_length=1, max_length=400, description="The token from the mailed link")


class EmailSettingsOut(BaseModel):
    """Your address and what you receive by email. Notifications and the digest go
    only to a verified address."""

    email: str
    verified: bool
    verified_at: datetime | None
    invitations: bool = Field(description="Invitations to connect")
    messages: bool = Field(description="Messages while you are away")
    introductions: bool = Field(description="Introductions asked of you or made for you")
    recommendations: bool = Field(description="Requests for a recommendation")
    digest: bool = Field(description="The weekly digest")

    @classmethod
    def of(cls, member: Member, row: MailSettings) -> EmailSettingsOut:
        return cls(
            email=member.email,
            verified=row.email_verified_at is not None,
            verified_at=row.email_verified_at,
            invitations=row.invitations,
            messages=row.messages,
            introductions=row.introductions,
            recommendations=row.recommendations,
            digest=row.digest,
        )


class EmailSettingsIn(BaseModel):
    """What to switch on or off; what is left out stays as it is."""

    model_config = ConfigDict(extra="forbid")

    invitations: StrictBool | None = None
    messages: StrictBool | None = None
    introductions: StrictBool | None = None
    recommendations: StrictBool | None = None
    digest: StrictBool | None = None


class ResetRequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(
        max_length=320,
        description="The address of the account",
        json_schema_extra={"format": "email"},
    )


class ResetIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = TOKEN
    new_password: str = Field(json_schema_extra=NEW_PASSWORD)


class LinkTokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = TOKEN


class EmailChangeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    new_email: str = Field(max_length=320, json_schema_extra={"format": "email"})
    password: str = Field(max_length=1024, description="Your current password, to confirm")


class AcceptedOut(BaseModel):
    """An action whose mail is on its way."""

    detail: str


class UnsubscribedOut(BaseModel):
    category: str = Field(description="What is no longer mailed: invitations, messages, ...")
    detail: str


class LinkRefusedOut(BaseModel):
    """A mailed link refused: forged or mistyped (400), used or expired (410)."""

    error: str = Field(examples=["reset_link_expired"])
    detail: str


def link_refusals(*statuses: int) -> dict[int | str, dict[str, object]]:
    """The OpenAPI ``responses`` of an endpoint that takes a mailed link's token."""
    words = {
        400: "The link is forged, mistyped or for an account that is gone",
        410: "The link was already used, or has expired",
    }
    return {s: {"model": LinkRefusedOut, "description": words[s]} for s in statuses}
