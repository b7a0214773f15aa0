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
from collections.abc import Callable, Iterable, Sequence
from typing import IO

from kith.names import fold_name
from kith.portability.layouts import (
    ALL_ROWS_FACTOR,
    HEADER_SEARCH_ROWS,
    KITH_COLUMNS,
    LAYOUTS,
    NOT_USED,
    WEB_ADDRESS,
    Layout,
    canonical_name,
    column_key,
    profile_slug,
    unguard,
)
from kith.portability.records import (
    Certification,
    ConnectionRow,
    EducationRow,
    EndorsementRow,
    InvitationRow,
    KithColumns,
    Language,
    LinkedInExport,
    MessageTally,
    PositionRow,
    ProfileRow,
    RecommendationRow,
    ShareRow,
    Skipped,
    SourceFile,
)
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
            "messages.csv, Languages.csv, Certifications.csv, Shares.csv).",
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
        canonical = canonical_name(upload.name)
        layout = LAYOUTS.get(canonical)
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
        if canonical in NOT_USED:
            self.export.sources.append(source)
            return
        try:
            text = _text(label, raw)
            reader = csv.reader(text)
            for i, cells in enumerate(reader):
                if i >= HEADER_SEARCH_ROWS:
                    break
                keys = {column_key(c) for c in cells}
                for layout in LAYOUTS.values():
                    if layout.signature and {column_key(c) for c in layout.signature} <= keys:
                        header = {column_key(c): j for j, c in enumerate(cells)}
                        self._rows(label, layout, header, reader)
                        return
        except (csv.Error, UnicodeDecodeError):
            pass
        if not upload.in_zip:
            raise _unknown(upload.name)
        self.export.sources.append(source)

    def _read(self, label: str, layout: Layout, raw: IO[bytes]) -> None:
        try:
            text = _text(label, raw)
            reader = csv.reader(text)
            wanted = {column_key(c) for c in layout.required}
            best: set[str] = set()
            for i, cells in enumerate(reader):
                if i >= HEADER_SEARCH_ROWS:
                    break
                keys = {column_key(c): j for j, c in enumerate(cells)}
                if wanted <= keys.keys():
                    self._rows(label, layout, keys, reader)
                    return
                best = max(best, wanted & keys.keys(), key=len)
        except UnicodeDecodeError as exc:
            raise _not_utf8(label, exc) from exc
        except csv.Error as exc:
            raise _bad_csv(label, exc) from exc
        missing = [c for c in layout.required if column_key(c) not in best]
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
        layout: Layout,
        header: dict[str, int],
        reader: Iterable[list[str]],
    ) -> None:
        """Every non-blank row after the header, to the file's reader, as it streams."""
        source = SourceFile(label, layout.holds)
        self.export.sources.append(source)
        self.export.files.append(label)
        handle = _ROW_READERS[layout.kind]
        kith = column_key("Tags") in header and layout.kind == "connections"
        skipped_before = len(self.export.skipped)
        connections_before = len(self.export.connections)
        invitations_before = len(self.export.invitations)
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
        warned += sum(1 for i in self.export.invitations[invitations_before:] if i.warning)
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
        who = " → ".join(x for x in (_cell(header, cells, "From"), _cell(header, cells, "To")) if x)
        if direction not in ("incoming", "outgoing"):
            export.skipped.append(
                Skipped(name, line, f"Direction is {direction!r}, not INCOMING or OUTGOING", who)
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
                    warning=""
                    if sent_at is not None or not when
                    else f"Sent At {when!r} could not be read: kept without a date",
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
            tuple(dict.fromkeys(WEB_ADDRESS.findall(_cell(header, cells, "Websites")))),
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

    def shares(self, name: str, header: dict[str, int], line: int, cells: list[str]) -> None:
        when = _cell(header, cells, "Date").removesuffix(" UTC")
        at = _moment(when, _SHARE_MOMENTS)
        commentary = _commentary(_cell(header, cells, "ShareCommentary"))
        shared = _cell(header, cells, "SharedUrl")
        media = _cell(header, cells, "MediaUrl")
        if at is None:
            self.export.skipped.append(Skipped(name, line, f"unreadable date {when!r} in Date"))
            return
        if not (commentary or shared or media):
            self.export.skipped.append(Skipped(name, line, "a post with no text and no link"))
            return
        self.export.shares.append(
            ShareRow(
                line,
                at,
                commentary,
                shared,
                media,
                _cell(header, cells, "ShareLink"),
                _cell(header, cells, "Visibility"),
                file=name,
            )
        )

    def _endorsement(
        self, name: str, header: dict[str, int], line: int, cells: list[str], direction: str
    ) -> None:
        who = "Endorser" if direction == "received" else "Endorsee"
        skill = " ".join(_cell(header, cells, "Skill Name").split())[:100]
        first, last = (_cell(header, cells, f"{who} {part} Name") for part in ("First", "Last"))
        other = f"{first} {last}"
        if not skill:
            self.export.skipped.append(Skipped(name, line, "an endorsement with no skill"))
            return
        when = _cell(header, cells, "Endorsement Date").removesuffix(" UTC")
        self.export.endorsements.append(
            EndorsementRow(
                line,
                direction,
                skill,
                " ".join(other.split())[:200],
                _cell(header, cells, f"{who} Public Url")[:400],
                _date(when, _ENDORSEMENT_DAYS),
                _cell(header, cells, "Endorsement Status")[:40],
                file=name,
            )
        )

    def endorsements_received(
        self, name: str, header: dict[str, int], line: int, cells: list[str]
    ) -> None:
        self._endorsement(name, header, line, cells, "received")

    def endorsements_given(
        self, name: str, header: dict[str, int], line: int, cells: list[str]
    ) -> None:
        self._endorsement(name, header, line, cells, "given")

    def _recommendation(
        self, name: str, header: dict[str, int], line: int, cells: list[str], direction: str
    ) -> None:
        first, last = _cell(header, cells, "First Name"), _cell(header, cells, "Last Name")
        text = _commentary(_cell(header, cells, "Text"))
        when = _cell(header, cells, "Creation Date").removesuffix(" UTC")
        written = _date(when, _RECOMMENDATION_DAYS) if when else None
        if not (first or last):
            self.export.skipped.append(Skipped(name, line, "a recommendation with no name"))
        elif not text:
            self.export.skipped.append(Skipped(name, line, "a recommendation with no text"))
        elif when and written is None:
            self.export.skipped.append(
                Skipped(name, line, f"unreadable date {when!r} in Creation Date")
            )
        else:
            self.export.recommendations.append(
                RecommendationRow(
                    line,
                    direction,
                    first[:100],
                    last[:100],
                    _cell(header, cells, "Company")[:200],
                    _cell(header, cells, "Job Title")[:200],
                    text,
                    written,
                    _cell(header, cells, "Status")[:40],
                    name,
                )
            )

    def recommendations_received(
        self, name: str, header: dict[str, int], line: int, cells: list[str]
    ) -> None:
        self._recommendation(name, header, line, cells, "received")

    def recommendations_given(
        self, name: str, header: dict[str, int], line: int, cells: list[str]
    ) -> None:
        self._recommendation(name, header, line, cells, "given")


_ENDORSEMENT_DAYS = ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d", "%Y-%m-%d", "%m/%d/%y")
_RECOMMENDATION_DAYS = (
    "%m/%d/%y, %I:%M %p",
    "%m/%d/%y, %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d",
    "%m/%d/%y",
    "%m/%d/%Y",
    "%d %b %Y",
    "%b %d, %Y",
)
_SHARE_MOMENTS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%m/%d/%y, %I:%M %p")


def _commentary(text: str) -> str:
    """A post's text as LinkedIn wrote it. Some exports escape its quotes twice, so
    that CSV decoding still leaves them doubled (``He said ""hi""``), some also wrap
    the whole text in one more pair of quotes: both read ``He said "hi"``."""
    text = text.replace("\r\n", "\n").strip()
    if '""' in text:
        wrapped = len(text) >= 2 and text[0] == text[-1] == '"'
        inner = text[1:-1] if wrapped else text
        if inner.count('"') == 2 * inner.count('""'):
            text = inner.replace('""', '"').strip()
    return text


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
    "shares": _Reader.shares,
    "endorsements_received": _Reader.endorsements_received,
    "endorsements_given": _Reader.endorsements_given,
    "recommendations_received": _Reader.recommendations_received,
    "recommendations_given": _Reader.recommendations_given,
}


def _holds(canonical: str) -> str:
    return NOT_USED.get(canonical, "a file Kith does not read")


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
    i = header.get(column_key(column))
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
    if column_key("Tags") not in header:
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
