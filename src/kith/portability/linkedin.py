"""Read a LinkedIn data export ("Get a copy of your data"): the zip or its CSV files.

Only reading happens here: every file is recognised (by its name, or by its header
when a browser renamed it, as in ``Connections (1).csv``), decoded as it streams, its
header found by column names, and every row turned into a typed record or into a
:class:`Skipped` entry that says why. Every file of the upload is listed in
:attr:`LinkedInExport.sources`: read, read in part, or not used by Kith yet (and what
it holds). A file that cannot be read at all raises :class:`ImportRefused` with a
stable code, before anything is written anywhere.

Examples
--------
>>> data = b"Notes:\\n\\"...\\"\\n\\nFirst Name,Last Name,URL,Email Address,Company,Position,"
>>> data += b"Connected On\\nAna,Ruiz,https://www.linkedin.com/in/ana-ruiz,,Acme,CTO,08 Feb 2026\\n"
>>> export = read_export([("Connections.csv", data)])
>>> c = export.connections[0]
>>> (c.first_name, c.company, c.connected_on.isoformat(), c.profile_slug)
('Ana', 'Acme', '2026-02-08', 'ana-ruiz')
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO

from kith.names import fold_name
from kith.portability.uploads import (
    DEFAULT_MAX_BYTES,
    ImportRefused,
    Limits,
    UploadedFile,
    base_name,
    uploaded_files,
)

__all__ = [
    "DEFAULT_MAX_BYTES",
    "Certification",
    "ConnectionRow",
    "EducationRow",
    "ImportRefused",
    "InvitationRow",
    "KITH_COLUMNS",
    "KithColumns",
    "Language",
    "LinkedInExport",
    "Limits",
    "MessageTally",
    "PositionRow",
    "ProfileRow",
    "Skipped",
    "SourceFile",
    "profile_slug",
    "read_export",
    "unguard",
]


# --------------------------------------------------------------------------- records
@dataclass(frozen=True, slots=True)
class Skipped:
    """A row that was not used, and why (``line`` is 1-based, in its file)."""

    file: str
    line: int
    reason: str


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
    sent_at: dt.datetime
    message: str
    direction: str  # "incoming" | "outgoing"
    inviter_url: str
    invitee_url: str
    file: str = "Invitations.csv"


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
    skipped: list[Skipped] = field(default_factory=list)
    sources: list[SourceFile] = field(default_factory=list)


# --------------------------------------------------------------------------- columns
KITH_COLUMNS = ("Tags", "Tier", "How We Met", "Notes", "Last Interaction")
"""The columns Kith's export adds after LinkedIn's in Connections.csv."""

GUARDED = re.compile(r"^'+[=+\-@\t\r]")


def unguard(value: str) -> str:
    """A cell of Kith's own export as it was before the export's formula guard
    (``'=1+2`` -> ``=1+2``; see :func:`kith.portability.export.guard`)."""
    return value[1:] if GUARDED.match(value) else value


@dataclass(frozen=True, slots=True)
class _Layout:
    kind: str
    holds: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    signature: tuple[str, ...] = ()  # the columns that recognise a renamed file
    people: bool = False  # rows count towards the ceiling of rows per import
    essential: bool = True  # a file lacking columns refuses the upload (else: not used)


_LAYOUTS: dict[str, _Layout] = {
    "connections.csv": _Layout(
        "connections",
        "your connections",
        ("First Name", "Last Name", "Connected On"),
        ("URL", "Email Address", "Company", "Position") + KITH_COLUMNS,
        signature=("First Name", "Last Name", "Connected On"),
        people=True,
    ),
    "invitations.csv": _Layout(
        "invitations",
        "invitations you sent and received",
        ("From", "To", "Sent At", "Direction"),
        ("Message", "inviterProfileUrl", "inviteeProfileUrl"),
        signature=("From", "To", "Sent At", "Direction"),
        people=True,
    ),
    "profile.csv": _Layout(
        "profile",
        "your profile",
        ("First Name", "Last Name"),
        ("Headline", "Summary", "Industry", "Geo Location", "Websites"),
        signature=("First Name", "Last Name", "Headline", "Summary"),
    ),
    "positions.csv": _Layout(
        "positions",
        "your positions",
        ("Company Name", "Title"),
        ("Description", "Location", "Started On", "Finished On"),
        signature=("Company Name", "Title", "Started On"),
    ),
    "education.csv": _Layout(
        "education",
        "your education",
        ("School Name",),
        ("Start Date", "End Date", "Degree Name"),
        signature=("School Name", "Degree Name"),
    ),
    "skills.csv": _Layout("skills", "your skills", ("Name",)),
    "messages.csv": _Layout(
        "messages",
        "your LinkedIn messages (Kith keeps the last date and count per person, not the text)",
        ("From", "To", "Date"),
        ("Sender Profile URL", "Recipient Profile URLs", "Conversation ID"),
        signature=("Conversation ID", "From", "To", "Date", "Content"),
        essential=False,
    ),
    "languages.csv": _Layout(
        "languages", "the languages you speak", ("Name",), ("Proficiency",), essential=False
    ),
    "certifications.csv": _Layout(
        "certifications",
        "your licenses and certifications",
        ("Name",),
        ("Authority", "Url"),
        signature=("Name", "Authority", "License Number"),
        essential=False,
    ),
}

_NOT_USED: dict[str, str] = {
    "endorsement_received_info.csv": "endorsements you received",
    "endorsement_given_info.csv": "endorsements you gave",
    "recommendations_received.csv": "recommendations you received",
    "recommendations_given.csv": "recommendations you gave",
    "projects.csv": "your projects",
    "courses.csv": "your courses",
    "honors.csv": "your honors and awards",
    "volunteering.csv": "your volunteering",
    "email addresses.csv": "your email addresses",
    "phonenumbers.csv": "your phone numbers",
    "phone numbers.csv": "your phone numbers",
    "publications.csv": "your publications",
    "patents.csv": "your patents",
    "organizations.csv": "organizations you belong to",
    "test scores.csv": "your test scores",
    "causes you care about.csv": "causes you care about",
    "company follows.csv": "companies you follow",
    "member_follows.csv": "members you follow",
    "registration.csv": "when and how you joined LinkedIn",
    "rich_media.csv": "media on your profile",
    "recommendations.csv": "recommendations",
    "ad_targeting.csv": "LinkedIn's advertising profile of you",
    "inferences_about_you.csv": "what LinkedIn infers about you",
    "learning.csv": "your LinkedIn Learning courses",
    "saved_jobs.csv": "jobs you saved",
    "job applications.csv": "your job applications",
    "shares.csv": "your posts",
    "comments.csv": "your comments",
    "reactions.csv": "your reactions",
    "votes.csv": "your poll votes",
    "receipts.csv": "your LinkedIn payments",
    "searchqueries.csv": "your LinkedIn searches",
    "logins.csv": "your sign-ins to LinkedIn",
    "events.csv": "events",
    "guide_messages.csv": "messages with LinkedIn's assistant",
    "learning_coach_messages.csv": "messages with LinkedIn's coach",
    "whatsapp phone numbers.csv": "your phone numbers",
}

ALL_ROWS_FACTOR = 10  # rows of every file together: ten times the people rows
HEADER_SEARCH_ROWS = 50  # a header further down than this is not looked for
_PROFILE_URL = re.compile(r"linkedin\.com/in/([^/?#\s,]+)", re.IGNORECASE)
_RENAMED = re.compile(r"\s*\(\d+\)(?=\.[^.]+$)")
_URL = re.compile(r"https?://[^\s,\]\[]+", re.IGNORECASE)


def profile_slug(url: str) -> str:
    """``https://www.linkedin.com/in/ana-ruiz/`` -> ``ana-ruiz`` (``""`` if not a profile).

    >>> profile_slug("https://www.linkedin.com/in/Ana-Ruiz/?trk=x")
    'ana-ruiz'
    """
    m = _PROFILE_URL.search(url or "")
    return m.group(1).lower() if m else ""


def _key(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.lower())


def _canonical(name: str) -> str:
    """``Connections (1).csv`` -> ``connections.csv``: a browser's renamed download."""
    return _RENAMED.sub("", base_name(name)).lower()


# --------------------------------------------------------------------------- reading
def read_export(
    files: Iterable[tuple[str, bytes]],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    limits: Limits | None = None,
) -> LinkedInExport:
    """Read uploaded files: one zip as downloaded from LinkedIn, or any of its CSVs.

    Files are recognised by name (case-insensitive, in any folder of the zip, renamed
    as ``Connections (1).csv``) or, failing that, by their header; other files of a
    zip are listed as not used. Several files of one kind are all read. Raises
    :class:`ImportRefused` when an upload is too large (see :class:`Limits`), holds
    more people rows than an import takes, a zip is damaged, a file Kith reads is not
    UTF-8 text or lacks a required column, an uploaded file is not part of an export,
    or nothing usable was uploaded.
    """
    limits = limits or Limits(max_bytes=max_bytes)
    export = LinkedInExport()
    reader = _Reader(export, limits)
    for upload in uploaded_files(files, limits):
        reader.read(upload)
    reader.finish()
    if not export.files:
        raise ImportRefused(
            "The upload holds none of the files Kith reads (Connections.csv, "
            "Invitations.csv, Profile.csv, Positions.csv, Education.csv, Skills.csv, "
            "messages.csv, Languages.csv, Certifications.csv).",
            code="import_empty",
        )
    return export


Row = tuple[int, list[str]]


class _Reader:
    """Reads the files of one upload into one :class:`LinkedInExport`."""

    def __init__(self, export: LinkedInExport, limits: Limits) -> None:
        self.export, self.limits = export, limits
        self.people_rows = 0
        self.all_rows = 0
        self.labels: set[str] = set()
        self.tallies: dict[str, MessageTally] = {}
        self.message_rows: dict[str, int] = {}
        self.skills_seen: set[str] = set()

    def _label(self, name: str) -> str:
        """The file's name in the report: its own name, or its path in the zip when
        two files of the upload share a name."""
        label = base_name(name)
        if label in self.labels:
            label = name.replace("\\", "/")
        n = 2
        while label in self.labels:
            label, n = f"{base_name(name)} #{n}", n + 1
        self.labels.add(label)
        return label

    def read(self, upload: UploadedFile) -> None:
        canonical = _canonical(upload.name)
        layout = _LAYOUTS.get(canonical)
        label = self._label(upload.name)
        if layout is None and not canonical.endswith(".csv"):
            if not upload.in_zip:
                raise _unknown(upload.name)
            self.export.sources.append(SourceFile(label, _holds(canonical), "not_used"))
            return
        with upload.open() as raw:
            if layout is None:
                self._sniffed(upload, label, canonical, raw)
            else:
                self._read(label, layout, raw)

    def _sniffed(self, upload: UploadedFile, label: str, canonical: str, raw: IO[bytes]) -> None:
        """A CSV whose name Kith does not know: read it if its header says what it is."""
        source = SourceFile(label, _holds(canonical), "not_used")
        if canonical in _NOT_USED:
            self.export.sources.append(source)
            return
        try:
            text = _text(label, raw)
            reader = csv.reader(text)
            for i, cells in enumerate(reader):
                if i >= HEADER_SEARCH_ROWS:
                    break
                keys = {_key(c) for c in cells}
                for layout in _LAYOUTS.values():
                    if layout.signature and {_key(c) for c in layout.signature} <= keys:
                        header = {_key(c): j for j, c in enumerate(cells)}
                        self._rows(label, layout, header, reader)
                        return
        except (csv.Error, UnicodeDecodeError):
            pass
        if not upload.in_zip:
            raise _unknown(upload.name)
        self.export.sources.append(source)

    def _read(self, label: str, layout: _Layout, raw: IO[bytes]) -> None:
        try:
            text = _text(label, raw)
            reader = csv.reader(text)
            wanted = {_key(c) for c in layout.required}
            best: set[str] = set()
            for i, cells in enumerate(reader):
                if i >= HEADER_SEARCH_ROWS:
                    break
                keys = {_key(c): j for j, c in enumerate(cells)}
                if wanted <= keys.keys():
                    self._rows(label, layout, keys, reader)
                    return
                best = max(best, wanted & keys.keys(), key=len)
        except UnicodeDecodeError as exc:
            raise _not_utf8(label, exc) from exc
        except csv.Error as exc:
            raise _bad_csv(label, exc) from exc
        missing = [c for c in layout.required if _key(c) not in best]
        if not layout.essential:
            self.export.sources.append(
                SourceFile(
                    label,
                    layout.holds,
                    "not_used",
                    note=f"no header with the columns {', '.join(layout.required)}",
                )
            )
            return
        raise ImportRefused(
            f"{label} has no header with the columns {', '.join(layout.required)}; "
            f"missing: {', '.join(missing)}.",
            code="import_missing_columns",
        )

    def _rows(
        self,
        label: str,
        layout: _Layout,
        header: dict[str, int],
        reader: Iterable[list[str]],
    ) -> None:
        """Every non-blank row after the header, to the file's reader, as it streams."""
        source = SourceFile(label, layout.holds)
        self.export.sources.append(source)
        self.export.files.append(label)
        handle = _ROW_READERS[layout.kind]
        kith = _key("Tags") in header and layout.kind == "connections"
        skipped_before = len(self.export.skipped)
        connections_before = len(self.export.connections)
        line_num = getattr(reader, "line_num", 0)
        start = int(line_num) + 1
        try:
            for cells in reader:
                line, start = start, int(getattr(reader, "line_num", 0)) + 1
                if not any(c.strip() for c in cells):
                    continue
                source.rows += 1
                self._count_row(label, layout.people)
                if kith:
                    cells = [unguard(c) if c[:1] == "'" else c for c in cells]
                handle(self, label, header, line, cells)
        except UnicodeDecodeError as exc:
            raise _not_utf8(label, exc) from exc
        except csv.Error as exc:
            raise _bad_csv(label, exc) from exc
        source.skipped = len(self.export.skipped) - skipped_before
        warned = sum(1 for c in self.export.connections[connections_before:] if c.warning)
        if source.skipped or warned:
            source.status = "read_in_part"

    def _count_row(self, label: str, person: bool) -> None:
        self.all_rows += 1
        if self.all_rows > self.limits.max_rows * ALL_ROWS_FACTOR:
            raise ImportRefused(
                f"This export holds more than {self.limits.max_rows * ALL_ROWS_FACTOR:,} rows "
                f"in all ({label} goes past it); an import reads up to that many.",
                code="import_too_many_rows",
            )
        if not person:
            return
        self.people_rows += 1
        if self.people_rows > self.limits.max_rows:
            raise ImportRefused(
                f"This export lists more than {self.limits.max_rows:,} people (the rows of "
                f"Connections.csv and Invitations.csv; {label} goes past it); an import "
                f"takes up to {self.limits.max_rows:,}, LinkedIn's own limit of "
                "connections. Upload fewer files at a time.",
                code="import_too_many_rows",
            )

    def finish(self) -> None:
        """What needs the whole upload: who, in messages.csv, is the member themself."""
        if self.tallies:
            owner = max(self.message_rows, key=lambda k: self.message_rows[k])
            self.export.messages = [t for k, t in self.tallies.items() if k != owner]

    # -- files --------------------------------------------------------------------------
    def connections(self, name: str, header: dict[str, int], line: int, cells: list[str]) -> None:
        export = self.export
        g = {c: _cell(header, cells, c) for c in ("First Name", "Last Name", "URL")}
        email, company = _cell(header, cells, "Email Address"), _cell(header, cells, "Company")
        position, when = _cell(header, cells, "Position"), _cell(header, cells, "Connected On")
        on = _date(when, _DAY)
        if not (g["First Name"] or g["Last Name"] or g["URL"] or email):
            export.skipped.append(Skipped(name, line, "hidden profile: only the date is shared"))
            return
        warning = ""
        if on is None and when:
            warning = f"Connected On {when!r} could not be read: kept without a date"
        export.connections.append(
            ConnectionRow(
                line,
                g["First Name"],
                g["Last Name"],
                g["URL"],
                email.lower(),
                company,
                position,
                on,
                _kith_columns(header, cells),
                file=name,
                warning=warning,
            )
        )

    def invitations(self, name: str, header: dict[str, int], line: int, cells: list[str]) -> None:
        export = self.export
        when = _cell(header, cells, "Sent At")
        sent_at = _moment(when, ("%m/%d/%y, %I:%M %p", "%m/%d/%Y, %I:%M %p", "%Y-%m-%d %H:%M:%S"))
        direction = _cell(header, cells, "Direction").lower()
        if sent_at is None:
            export.skipped.append(Skipped(name, line, f"unreadable date {when!r} in Sent At"))
        elif direction not in ("incoming", "outgoing"):
            export.skipped.append(
                Skipped(name, line, f"Direction is {direction!r}, not INCOMING or OUTGOING")
            )
        else:
            export.invitations.append(
                InvitationRow(
                    line,
                    _cell(header, cells, "From"),
                    _cell(header, cells, "To"),
                    sent_at,
                    _cell(header, cells, "Message"),
                    direction,
                    _cell(header, cells, "inviterProfileUrl"),
                    _cell(header, cells, "inviteeProfileUrl"),
                    file=name,
                )
            )

    def profile(self, name: str, header: dict[str, int], line: int, cells: list[str]) -> None:
        export = self.export
        if export.profile is not None:
            export.skipped.append(Skipped(name, line, "a second profile row"))
            return
        export.profile = ProfileRow(
            _cell(header, cells, "First Name"),
            _cell(header, cells, "Last Name"),
            _cell(header, cells, "Headline"),
            _cell(header, cells, "Summary"),
            _cell(header, cells, "Industry"),
            _cell(header, cells, "Geo Location"),
            tuple(dict.fromkeys(_URL.findall(_cell(header, cells, "Websites")))),
        )

    def positions(self, name: str, header: dict[str, int], line: int, cells: list[str]) -> None:
        export = self.export
        company, title = _cell(header, cells, "Company Name"), _cell(header, cells, "Title")
        start, end = _cell(header, cells, "Started On"), _cell(header, cells, "Finished On")
        started, finished = _date(start, _MONTH_YEAR), _date(end, _MONTH_YEAR)
        if not company:
            export.skipped.append(Skipped(name, line, "no company name"))
        elif (start and started is None) or (end and finished is None):
            export.skipped.append(Skipped(name, line, f"unreadable dates {start!r} - {end!r}"))
        else:
            export.positions.append(
                PositionRow(
                    line,
                    company,
                    title,
                    _cell(header, cells, "Description"),
                    _cell(header, cells, "Location"),
                    started,
                    finished,
                )
            )

    def education(self, name: str, header: dict[str, int], line: int, cells: list[str]) -> None:
        export = self.export
        school = _cell(header, cells, "School Name")
        start, end = _cell(header, cells, "Start Date"), _cell(header, cells, "End Date")
        started, ended = _date(start, _MONTH_YEAR), _date(end, _MONTH_YEAR)
        if not school:
            export.skipped.append(Skipped(name, line, "no school name"))
        elif (start and started is None) or (end and ended is None):
            export.skipped.append(Skipped(name, line, f"unreadable dates {start!r} - {end!r}"))
        else:
            export.education.append(
                EducationRow(
                    line,
                    school,
                    _cell(header, cells, "Degree Name"),
                    started.year if started else None,
                    ended.year if ended else None,
                )
            )

    def skills(self, name: str, header: dict[str, int], line: int, cells: list[str]) -> None:
        skill = _cell(header, cells, "Name")
        if not skill:
            return
        if skill.lower() in self.skills_seen:
            self.export.skipped.append(Skipped(name, line, f"{skill!r} listed twice"))
            return
        self.skills_seen.add(skill.lower())
        self.export.skills.append(skill)

    def languages(self, name: str, header: dict[str, int], line: int, cells: list[str]) -> None:
        language = _cell(header, cells, "Name")
        if language and all(x.name.lower() != language.lower() for x in self.export.languages):
            self.export.languages.append(
                Language(language[:100], _cell(header, cells, "Proficiency")[:100])
            )

    def certifications(
        self, name: str, header: dict[str, int], line: int, cells: list[str]
    ) -> None:
        title = _cell(header, cells, "Name")
        if title:
            self.export.certifications.append(
                Certification(
                    title[:200],
                    _cell(header, cells, "Authority")[:200],
                    _cell(header, cells, "Url")[:500],
                )
            )

    def messages(self, name: str, header: dict[str, int], line: int, cells: list[str]) -> None:
        when = _cell(header, cells, "Date").removesuffix(" UTC")
        at = _moment(when, ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%m/%d/%y, %I:%M %p"))
        if at is None:
            self.export.skipped.append(Skipped(name, line, f"unreadable date {when!r} in DATE"))
            return
        names = [_cell(header, cells, "From")]
        urls = [_cell(header, cells, "Sender Profile URL")]
        to = _cell(header, cells, "To")
        to_urls = [u.strip() for u in _cell(header, cells, "Recipient Profile URLs").split(",")]
        to_names = [n.strip() for n in to.split(",")] if len(to_urls) > 1 else [to]
        names += to_names
        urls += to_urls + [""] * (len(to_names) - len(to_urls))
        for who, url in zip(names, urls, strict=False):
            slug = profile_slug(url)
            key = f"linkedin:{slug}" if slug else f"name:{fold_name(who)}"
            if key == "name:":
                continue
            self.message_rows[key] = self.message_rows.get(key, 0) + 1
            tally = self.tallies.get(key)
            if tally is None:
                self.tallies[key] = MessageTally(who, url if slug else "", 1, at)
            else:
                tally.count += 1
                tally.last_at = max(tally.last_at, at)


_ROW_READERS: dict[str, Callable[[_Reader, str, dict[str, int], int, list[str]], None]] = {
    "connections": _Reader.connections,
    "invitations": _Reader.invitations,
    "profile": _Reader.profile,
    "positions": _Reader.positions,
    "education": _Reader.education,
    "skills": _Reader.skills,
    "messages": _Reader.messages,
    "languages": _Reader.languages,
    "certifications": _Reader.certifications,
}


def _holds(canonical: str) -> str:
    return _NOT_USED.get(canonical, "a file Kith does not read")


def _unknown(name: str) -> ImportRefused:
    return ImportRefused(
        f"{name} is not part of a LinkedIn data export: upload the zip as downloaded, or "
        "Connections.csv, Invitations.csv, Profile.csv, Positions.csv, Education.csv, "
        "Skills.csv, messages.csv, Languages.csv or Certifications.csv.",
        code="import_unknown_file",
    )


class _Text(io.RawIOBase):
    """The bytes of one file, refused if it is UTF-16 or as soon as a byte is NUL
    (binary data, not text)."""

    def __init__(self, raw: IO[bytes], name: str) -> None:
        self.raw, self.name, self.first = raw, name, True

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self.raw.read(len(buffer))
        if self.first:
            self.first = False
            if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
                raise ImportRefused(
                    f"{self.name} is UTF-16 text; LinkedIn exports are UTF-8, so save it as "
                    "UTF-8 CSV or upload the file as downloaded.",
                    code="import_bad_encoding",
                )
        if b"\x00" in data:
            raise ImportRefused(
                f"{self.name} holds binary data, not CSV text.", code="import_bad_encoding"
            )
        n = len(data)
        buffer[:n] = data
        return n


def _text(name: str, raw: IO[bytes]) -> io.TextIOWrapper:
    stream = io.BufferedReader(_Text(raw, name), buffer_size=64 * 1024)
    return io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")


def _not_utf8(name: str, exc: UnicodeDecodeError) -> ImportRefused:
    return ImportRefused(
        f"{name} is not UTF-8 text (a byte near position {exc.start + 1} of a block cannot "
        "be read); LinkedIn exports are UTF-8, so the file was probably re-saved by another "
        "program.",
        code="import_bad_encoding",
    )


def _bad_csv(name: str, exc: csv.Error) -> ImportRefused:
    if "NUL" in str(exc):
        return ImportRefused(f"{name} holds binary data, not CSV text.", code="import_bad_encoding")
    return ImportRefused(f"{name} is not a readable CSV file ({exc}).", code="import_bad_csv")


def _cell(header: dict[str, int], cells: list[str], column: str) -> str:
    i = header.get(_key(column))
    return cells[i].strip() if i is not None and i < len(cells) else ""


def _moment(value: str, formats: Sequence[str]) -> dt.datetime | None:
    """The first format that reads ``value``, as UTC (LinkedIn writes exports in UTC)."""
    for f in formats:
        try:
            return dt.datetime.strptime(value, f).replace(tzinfo=dt.UTC)
        except ValueError:
            continue
    return None


def _date(value: str, formats: Sequence[str]) -> dt.date | None:
    moment = _moment(value, formats)
    return None if moment is None else moment.date()


_DAY = ("%d %b %Y", "%d %B %Y", "%Y-%m-%d", "%m/%d/%y", "%m/%d/%Y")
_MONTH_YEAR = ("%b %Y", "%B %Y", "%Y", "%d %b %Y", "%m/%Y", "%Y-%m", "%Y-%m-%d")


def _kith_columns(header: dict[str, int], cells: list[str]) -> KithColumns | None:
    if _key("Tags") not in header:
        return None
    tags = tuple(t.strip() for t in _cell(header, cells, "Tags").split(";") if t.strip())
    notes = tuple(n.strip() for n in _cell(header, cells, "Notes").split("\n\n") if n.strip())
    return KithColumns(
        tags=tags,
        tier=_cell(header, cells, "Tier"),
        how_we_met=_cell(header, cells, "How We Met"),
        notes=notes,
        last_interaction=_date(_cell(header, cells, "Last Interaction"), _DAY),
    )
