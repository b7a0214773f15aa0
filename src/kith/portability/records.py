"""The records a LinkedIn export is read into (:mod:`kith.portability.linkedin`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kith.portability.layouts import profile_slug

__all__ = [
    "Certification",
    "ConnectionRow",
    "EducationRow",
    "InvitationRow",
    "KithColumns",
    "Language",
    "LinkedInExport",
    "MessageTally",
    "PositionRow",
    "ProfileRow",
    "Skipped",
    "SourceFile",
    "profile_slug",
]


@dataclass(frozen=True, slots=True)
class Skipped:
    """A row that was not used, and why (``line`` is 1-based, in its file)."""

    file: str
    line: int
    reason: str
    name: str = ""  # the person the row is about, when it names one


@dataclass(frozen=True, slots=True)
class KithColumns:
    """What Kith's own export adds to a Connections.csv row: the owner's private data."""

    tags: tuple[str, ...]
    tier: str
    how_we_met: str
    notes: tuple[str, ...]
    last_interaction: dt.date | None

    @property
    def empty(self) -> bool:
        return not (self.tags or self.tier or self.how_we_met or self.notes)


@dataclass(frozen=True, slots=True)
class ConnectionRow:
    line: int
    first_name: str
    last_name: str
    url: str
    email: str
    company: str
    position: str
    connected_on: dt.date | None  # None: the file's date could not be read (see warning)
    kith: KithColumns | None = None  # present when the file came from a Kith export
    file: str = "Connections.csv"
    warning: str = ""

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def profile_slug(self) -> str:
        """The ``/in/<slug>`` part of the profile URL, lower-cased, or ``""``."""
        return profile_slug(self.url)


@dataclass(frozen=True, slots=True)
class InvitationRow:
    line: int
    sender: str
    recipient: str
    sent_at: dt.datetime | None  # None: the file's date could not be read (see warning)
    message: str
    direction: str  # "incoming" | "outgoing"
    inviter_url: str
    invitee_url: str
    file: str = "Invitations.csv"
    warning: str = ""


@dataclass(frozen=True, slots=True)
class ProfileRow:
    first_name: str
    last_name: str
    headline: str
    summary: str
    industry: str
    location: str
    websites: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PositionRow:
    line: int
    company: str
    title: str
    description: str
    location: str
    started_on: dt.date | None
    finished_on: dt.date | None


@dataclass(frozen=True, slots=True)
class EducationRow:
    line: int
    school: str
    degree: str
    start_year: int | None
    end_year: int | None


@dataclass(frozen=True, slots=True)
class Language:
    name: str
    proficiency: str = ""


@dataclass(frozen=True, slots=True)
class Certification:
    name: str
    authority: str = ""
    url: str = ""


@dataclass(slots=True)
class MessageTally:
    """The messages exchanged with one person: how many, and the last one's time."""

    name: str
    url: str
    count: int
    last_at: dt.datetime


@dataclass(frozen=True, slots=True)
class ShareRow:
    """One of the member's LinkedIn posts (``Shares.csv``): when, its text, the link
    it shared and its own address on LinkedIn (which keeps a re-import idempotent)."""

    line: int
    posted_at: dt.datetime
    commentary: str
    shared_url: str = ""
    media_url: str = ""
    share_link: str = ""
    visibility: str = ""
    file: str = "Shares.csv"


@dataclass(frozen=True, slots=True)
class EndorsementRow:
    """An endorsement from LinkedIn (``Endorsement_Received_Info.csv`` or
    ``Endorsement_Given_Info.csv``): kept in the member's private archive only.
    ``direction`` is ``received`` (``other`` endorsed the member) or ``given``."""

    line: int
    direction: str
    skill: str
    other_name: str
    other_url: str = ""
    endorsed_on: dt.date | None = None
    status: str = ""
    file: str = ""


@dataclass(frozen=True, slots=True)
class RecommendationRow:
    """A recommendation from ``Recommendations_Received.csv`` (``direction``
    received: the person named wrote it about the member) or
    ``Recommendations_Given.csv`` (given: the member wrote it about them)."""

    line: int
    direction: str
    first_name: str
    last_name: str
    company: str
    job_title: str
    text: str
    written_on: dt.date | None
    status: str
    file: str


@dataclass(slots=True)
class SourceFile:
    """One file of the upload and what became of it.

    ``status``: ``read`` (every row used), ``read_in_part`` (some rows not used: the
    report says which and why) or ``not_used`` (Kith has no place for it yet;
    ``holds`` says what it holds).
    """

    name: str
    holds: str
    status: str = "read"
    rows: int = 0
    skipped: int = 0
    note: str = ""


@dataclass
class LinkedInExport:
    """Everything usable in an export; files that were absent stay empty."""

    files: list[str] = field(default_factory=list)
    connections: list[ConnectionRow] = field(default_factory=list)
    invitations: list[InvitationRow] = field(default_factory=list)
    profile: ProfileRow | None = None
    positions: list[PositionRow] = field(default_factory=list)
    education: list[EducationRow] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)
    languages: list[Language] = field(default_factory=list)
    certifications: list[Certification] = field(default_factory=list)
    messages: list[MessageTally] = field(default_factory=list)
    shares: list[ShareRow] = field(default_factory=list)
    endorsements: list[EndorsementRow] = field(default_factory=list)
    recommendations: list[RecommendationRow] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    sources: list[SourceFile] = field(default_factory=list)
