"""Read a LinkedIn data export ("Get a copy of your data"): the zip or its CSV files.

Only reading happens here: every file is decoded, its header found by column
names, and every row turned into a typed record or into a :class:`Skipped` entry
that says why. A file that cannot be read at all raises :class:`ImportRefused`
with a stable code, before anything is written anywhere.

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
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from kith.errors import Invalid

__all__ = [
    "DEFAULT_MAX_BYTES",
    "ConnectionRow",
    "EducationRow",
    "ImportRefused",
    "InvitationRow",
    "KITH_COLUMNS",
    "KithColumns",
    "LinkedInExport",
    "PositionRow",
    "ProfileRow",
    "Skipped",
    "read_export",
]

DEFAULT_MAX_BYTES = 20 * 2**20
"""Largest upload, and largest CSV inside a zip, that is read (20 MiB)."""


class ImportRefused(Invalid):
    """A file that cannot be imported at all; nothing was read from it."""

    code = "import_unreadable"


# --------------------------------------------------------------------------- records
@dataclass(frozen=True, slots=True)
class Skipped:
    """A row that was not used, and why (``line`` is 1-based, in its file)."""

    file: str
    line: int
    reason: str


@dataclass(frozen=True, slots=True)
class ConnectionRow:
    line: int
    first_name: str
    last_name: str
    url: str
    email: str
    company: str
    position: str
    connected_on: dt.date
    kith: KithColumns | None = None  # present when the file came from a Kith export

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def profile_slug(self) -> str:
        """The ``/in/<slug>`` part of the profile URL, lower-cased, or ``""``."""
        return profile_slug(self.url)


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
class InvitationRow:
    line: int
    sender: str
    recipient: str
    sent_at: dt.datetime
    message: str
    direction: str  # "incoming" | "outgoing"
    inviter_url: str
    invitee_url: str


@dataclass(frozen=True, slots=True)
class ProfileRow:
    first_name: str
    last_name: str
    headline: str
    summary: str
    industry: str
    location: str


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
    skipped: list[Skipped] = field(default_factory=list)


# --------------------------------------------------------------------------- columns
KITH_COLUMNS = ("Tags", "Tier", "How We Met", "Notes", "Last Interaction")
"""The columns Kith's export adds after LinkedIn's in Connections.csv."""


@dataclass(frozen=True, slots=True)
class _Layout:
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()


_LAYOUTS: dict[str, _Layout] = {
    "connections.csv": _Layout(
        ("First Name", "Last Name", "Connected On"),
        ("URL", "Email Address", "Company", "Position") + KITH_COLUMNS,
    ),
    "invitations.csv": _Layout(
        ("From", "To", "Sent At", "Direction"),
        ("Message", "inviterProfileUrl", "inviteeProfileUrl"),
    ),
    "profile.csv": _Layout(
        ("First Name", "Last Name"),
        ("Headline", "Summary", "Industry", "Geo Location", "Maiden Name", "Zip Code"),
    ),
    "positions.csv": _Layout(
        ("Company Name", "Title"), ("Description", "Location", "Started On", "Finished On")
    ),
    "education.csv": _Layout(("School Name",), ("Start Date", "End Date", "Degree Name")),
    "skills.csv": _Layout(("Name",)),
}

_PROFILE_URL = re.compile(r"linkedin\.com/in/([^/?#\s]+)", re.IGNORECASE)


def profile_slug(url: str) -> str:
    """``https://www.linkedin.com/in/ana-ruiz/`` -> ``ana-ruiz`` (``""`` if not a profile).

    >>> profile_slug("https://www.linkedin.com/in/Ana-Ruiz/?trk=x")
    'ana-ruiz'
    """
    m = _PROFILE_URL.search(url or "")
    return m.group(1).lower() if m else ""


def _key(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.lower())


# --------------------------------------------------------------------------- reading
def read_export(
    files: Iterable[tuple[str, bytes]], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> LinkedInExport:
    """Read uploaded files: one zip as downloaded from LinkedIn, or any of its CSVs.

    Files are recognised by name (case-insensitive, in any folder of the zip);
    other files are ignored. Raises :class:`ImportRefused` when an upload is too
    large, a zip is damaged, a known CSV is not UTF-8 text or lacks a required
    column, or nothing usable was uploaded.
    """
    found: dict[str, tuple[str, bytes]] = {}
    for name, data in files:
        if len(data) > max_bytes:
            raise ImportRefused(
                f"{name} is {len(data) / 2**20:.0f} MB; files up to "
                f"{max_bytes // 2**20} MB can be imported.",
                code="import_too_large",
            )
        if name.lower().endswith(".zip") or data[:4] == b"PK\x03\x04":
            for inner, content in _unzip(name, data, max_bytes):
                found.setdefault(_base(inner), (inner, content))
        elif _base(name) in _LAYOUTS:
            found[_base(name)] = (name, data)
        else:
            raise ImportRefused(
                f"{name} is not part of a LinkedIn data export: upload the zip as "
                "downloaded, or Connections.csv, Invitations.csv, Profile.csv, "
                "Positions.csv, Education.csv or Skills.csv.",
                code="import_unknown_file",
            )
    if not found:
        raise ImportRefused(
            "The zip holds none of the files Kith reads (Connections.csv, Invitations.csv, "
            "Profile.csv, Positions.csv, Education.csv, Skills.csv).",
            code="import_empty",
        )
    export = LinkedInExport(files=sorted(name for name, _ in found.values()))
    for base, (name, data) in sorted(found.items()):
        header, rows = _table(name, data, _LAYOUTS[base])
        _READERS[base](export, name, header, rows)
    return export


def _base(name: str) -> str:
    return name.replace("\\", "/").rsplit("/", 1)[-1].lower()


def _unzip(name: str, data: bytes, max_bytes: int) -> list[tuple[str, bytes]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            out = []
            for info in zf.infolist():
                if info.is_dir() or _base(info.filename) not in _LAYOUTS:
                    continue
                if info.file_size > max_bytes:
                    raise ImportRefused(
                        f"{info.filename} in {name} is {info.file_size / 2**20:.0f} MB "
                        f"unpacked; files up to {max_bytes // 2**20} MB can be imported.",
                        code="import_too_large",
                    )
                out.append((info.filename, zf.read(info)))
            return out
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as exc:
        raise ImportRefused(
            f"{name} is not a complete zip file ({exc}); download the export again.",
            code="import_bad_zip",
        ) from exc


def _decode(name: str, data: bytes) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise ImportRefused(
            f"{name} is UTF-16 text; LinkedIn exports are UTF-8, so save it as UTF-8 CSV "
            "or upload the file as downloaded.",
            code="import_bad_encoding",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefused(
            f"{name} is not UTF-8 text (byte {exc.start + 1} cannot be read); LinkedIn "
            "exports are UTF-8, so the file was probably re-saved by another program.",
            code="import_bad_encoding",
        ) from exc
    if "\x00" in text:
        raise ImportRefused(f"{name} holds binary data, not CSV text.", code="import_bad_encoding")
    return text


Rows = list[tuple[int, list[str]]]


def _table(name: str, data: bytes, layout: _Layout) -> tuple[dict[str, int], Rows]:
    """Find the header row by its column names (any preamble before it is skipped).

    Returns the column positions by normalized name and the non-blank rows after
    the header, each with the 1-based line it starts on.
    """
    text = _decode(name, data)
    wanted = {_key(c) for c in layout.required}
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: Rows = []
    header: dict[str, int] | None = None
    best: set[str] = set()
    start = 1
    try:
        for cells in reader:
            line, start = start, reader.line_num + 1
            if header is None:
                keys = {_key(c): i for i, c in enumerate(cells)}
                if wanted <= keys.keys():
                    header = keys
                elif len(wanted & keys.keys()) > len(best):
                    best = wanted & keys.keys()
            elif any(c.strip() for c in cells):
                rows.append((line, cells))
    except csv.Error as exc:
        raise ImportRefused(
            f"{name} is not a readable CSV file (line {reader.line_num}: {exc}).",
            code="import_bad_csv",
        ) from exc
    if header is None:
        missing = [c for c in layout.required if _key(c) not in best]
        raise ImportRefused(
            f"{name} has no header with the columns {', '.join(layout.required)}; "
            f"missing: {', '.join(missing)}.",
            code="import_missing_columns",
        )
    return header, rows


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


# --------------------------------------------------------------------------- files
def _connections(export: LinkedInExport, name: str, header: dict[str, int], rows: Rows) -> None:
    for line, cells in rows:
        g = {c: _cell(header, cells, c) for c in ("First Name", "Last Name", "URL")}
        email, company = _cell(header, cells, "Email Address"), _cell(header, cells, "Company")
        position, when = _cell(header, cells, "Position"), _cell(header, cells, "Connected On")
        on = _date(when, _DAY)
        if not (g["First Name"] or g["Last Name"] or g["URL"] or email):
            export.skipped.append(Skipped(name, line, "hidden profile: only the date is shared"))
        elif on is None:
            export.skipped.append(Skipped(name, line, f"unreadable date {when!r} in Connected On"))
        else:
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
                )
            )


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


def _invitations(export: LinkedInExport, name: str, header: dict[str, int], rows: Rows) -> None:
    for line, cells in rows:
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
                )
            )


def _profile(export: LinkedInExport, name: str, header: dict[str, int], rows: Rows) -> None:
    if not rows:
        export.skipped.append(Skipped(name, 1, "the file has a header but no profile row"))
        return
    cells = rows[0][1]
    export.profile = ProfileRow(
        _cell(header, cells, "First Name"),
        _cell(header, cells, "Last Name"),
        _cell(header, cells, "Headline"),
        _cell(header, cells, "Summary"),
        _cell(header, cells, "Industry"),
        _cell(header, cells, "Geo Location"),
    )
    for line, _ in rows[1:]:
        export.skipped.append(Skipped(name, line, "a second profile row"))


def _positions(export: LinkedInExport, name: str, header: dict[str, int], rows: Rows) -> None:
    for line, cells in rows:
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


def _education(export: LinkedInExport, name: str, header: dict[str, int], rows: Rows) -> None:
    for line, cells in rows:
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


def _skills(export: LinkedInExport, name: str, header: dict[str, int], rows: Rows) -> None:
    seen: set[str] = set()
    for line, cells in rows:
        skill = _cell(header, cells, "Name")
        if not skill:
            continue
        if skill.lower() in seen:
            export.skipped.append(Skipped(name, line, f"{skill!r} listed twice"))
            continue
        seen.add(skill.lower())
        export.skills.append(skill)


_READERS = {
    "connections.csv": _connections,
    "invitations.csv": _invitations,
    "profile.csv": _profile,
    "positions.csv": _positions,
    "education.csv": _education,
    "skills.csv": _skills,
}
