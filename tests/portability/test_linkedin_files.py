"""Reading LinkedIn export files: every format variant, and the files that must be refused."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest

from kith.portability.linkedin import ImportRefused, Skipped, read_export
from tests.fixtures.portability import ALL, fixture


def as_zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


def refused(files: list[tuple[str, bytes]], code: str, **kw: int) -> str:
    with pytest.raises(ImportRefused) as info:
        read_export(files, **kw)
    assert info.value.code == code
    assert info.value.status == 422
    return info.value.message


def test_current_connections_file() -> None:
    export = read_export([("Connections.csv", fixture("Connections.csv"))])
    names = [(c.name, c.company, c.position, c.connected_on) for c in export.connections]
    assert names == [
        ("Ana Ruiz", "Acme, Inc.", "Chief Technology Officer", dt.date(2026, 2, 8)),
        ("Ben Okafor", "Globex", "Engineer, Platform", dt.date(2025, 1, 15)),
        ("Chloé Dubois", "Initech", "Designer", dt.date(2024, 3, 3)),
        ("Dan Lee", "Umbrella", "Analyst", None),
    ]
    # an unreadable date keeps the person, with the date empty and a warning
    assert export.connections[3].line == 9
    assert export.connections[3].warning == (
        "Connected On 'sometime in 2023' could not be read: kept without a date"
    )
    ana = export.connections[0]
    assert ana.email == "ana.ruiz@example.com"
    assert ana.profile_slug == "ana-ruiz"
    assert ana.line == 5  # after the three preamble lines (the note spans one line) and header
    assert export.skipped == [
        Skipped("Connections.csv", 7, "hidden profile: only the date is shared"),
    ]


@pytest.mark.parametrize(
    "variant", ["Connections_no_url.csv", "Connections_no_preamble.csv"], ids=["no-url", "bare"]
)
def test_older_connection_files(variant: str) -> None:
    export = read_export([("Connections.csv", fixture(variant))])
    ana = export.connections[0]
    assert (ana.name, ana.company, ana.connected_on) == (
        "Ana Ruiz",
        "Acme, Inc.",
        dt.date(2026, 2, 8),
    )
    if variant == "Connections_no_url.csv":
        assert ana.url == ""
        assert ana.profile_slug == ""
        assert [c.name for c in export.connections] == ["Ana Ruiz", "Ben Okafor"]


def test_bom_and_windows_line_endings_read_the_same() -> None:
    plain = read_export([("Connections.csv", fixture("Connections.csv"))])
    windows = read_export([("Connections.csv", fixture("Connections_bom_crlf.csv"))])
    assert windows.connections == plain.connections
    assert windows.skipped == plain.skipped


def test_invitations_current_and_old() -> None:
    export = read_export([("Invitations.csv", fixture("Invitations.csv"))])
    first = export.invitations[0]
    assert (first.sender, first.recipient, first.direction) == ("Ana Ruiz", "Sam Doe", "outgoing")
    assert first.sent_at == dt.datetime(2026, 1, 29, 14, 37, tzinfo=dt.UTC)
    assert first.message == "Great to meet you at the summit, Sam!"
    assert export.invitations[1].direction == "incoming"
    # an unreadable date keeps the invitation, with a warning
    assert export.skipped == []
    zed = export.invitations[2]
    assert (zed.sender, zed.sent_at) == ("Zed Q", None)
    assert zed.warning == "Sent At 'yesterday' could not be read: kept without a date"
    old = read_export([("Invitations.csv", fixture("Invitations_old.csv"))]).invitations
    assert old[0].inviter_url == ""
    assert old[0].message == "Hello"


def test_profile_positions_education_skills() -> None:
    export = read_export(
        [(f"{n}.csv", fixture(f"{n}.csv")) for n in ("Profile", "Positions", "Education", "Skills")]
    )
    p = export.profile
    assert p is not None
    assert (p.first_name, p.headline, p.industry) == (
        "Sam",
        "Staff Engineer at Acme, Inc.",
        "Software Development",
    )
    assert p.summary == "I build reliable systems.\nTwo lines of summary."
    assert p.location == "San Francisco, California, United States"
    acme, globex = export.positions
    assert (acme.company, acme.started_on, acme.finished_on) == (
        "Acme, Inc.",
        dt.date(2021, 3, 1),
        None,
    )
    assert (globex.started_on, globex.finished_on) == (dt.date(2017, 6, 1), dt.date(2021, 2, 1))
    assert [(e.school, e.degree, e.start_year, e.end_year) for e in export.education] == [
        ("University of Lisbon", "BSc Computer Science", 2013, 2017)
    ]
    assert export.skills == ["Python", "Distributed Systems", "PostgreSQL"]
    assert sorted((s.file, s.line, s.reason) for s in export.skipped) == [
        ("Education.csv", 3, "unreadable dates 'someday' - ''"),
        ("Positions.csv", 4, "no company name"),
        ("Skills.csv", 4, "'python' listed twice"),
    ]


def test_whole_zip_as_downloaded() -> None:
    files = {f"Basic_LinkedInDataExport_11-22-2026/{n}.csv": fixture(f"{n}.csv") for n in ALL}
    files["Basic_LinkedInDataExport_11-22-2026/messages.csv"] = b"CONVERSATION ID,FROM\n1,x\n"
    export = read_export([("export.zip", as_zip(files))])
    assert len(export.connections) == 4
    assert len(export.invitations) == 3
    assert export.profile is not None
    assert len(export.positions) == 2
    assert len(export.skills) == 3
    assert all(not f.lower().endswith("messages.csv") for f in export.files)


def test_wrong_encoding_is_refused() -> None:
    message = refused(
        [("Connections.csv", fixture("Connections_latin1.csv"))], "import_bad_encoding"
    )
    assert "not UTF-8" in message
    utf16 = fixture("Connections.csv").decode().encode("utf-16")
    assert "UTF-16" in refused([("Connections.csv", utf16)], "import_bad_encoding")


def test_renamed_columns_are_refused_by_name() -> None:
    message = refused(
        [("Connections.csv", fixture("Connections_renamed.csv"))], "import_missing_columns"
    )
    assert message.endswith("missing: First Name, Last Name.")


def test_truncated_zip_is_refused() -> None:
    data = as_zip({n + ".csv": fixture(n + ".csv") for n in ALL})
    assert refused([("export.zip", data[: len(data) // 2])], "import_bad_zip").startswith(
        "export.zip is not a complete zip file"
    )


def test_oversized_files_are_refused() -> None:
    big = b"First Name,Last Name,Connected On\n" + b"A,B,08 Feb 2026\n" * (50 * 2**20 // 16)
    assert refused([("Connections.csv", big)], "import_too_large").startswith(
        "Connections.csv is 50 MB"
    )
    # a small zip that unpacks to a big file (compression hides the size)
    message = refused([("export.zip", as_zip({"Connections.csv": big}))], "import_too_large")
    assert "unpacked" in message


def test_unknown_and_empty_uploads_are_refused() -> None:
    refused([("photo.png", b"\x89PNG....")], "import_unknown_file")
    refused([("export.zip", as_zip({"messages.csv": b"a,b\n"}))], "import_empty")
    refused([("Connections.csv", b"\x00\x01binary")], "import_bad_encoding")
