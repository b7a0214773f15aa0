"""The import with files shaped like the ones that lost people: repeated names, old
layouts without URL or email columns, placeholder addresses, accents, several and
renamed files, unreadable dates, the ceiling, paginated reports, messages, the other
files of an export, and Kith's own export read back exactly."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from kith.members.service import PositionInput, ProfileInput, update_profile
from kith.models import Contact, ContactNote, ImportRun, Interaction, Member
from kith.portability.export import connections_csv, exported_connections, guard
from kith.portability.importing import import_linkedin
from kith.portability.layouts import LAYOUTS
from kith.portability.linkedin import ImportRefused, Limits, read_export
from kith.portability.reports import STATUSES, ImportReport, report_of
from kith.relationships import records as rel
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.factories import bearer, connect, make_member
from tests.fixtures.portability import (
    LAYOUT_2020,
    LAYOUT_2022,
    LAYOUT_NOW,
    connections_file,
    zipped,
)
from tests.fixtures.refusals import refused

COMMON = ("John", "Smith")


def crowd(n: int = 60) -> list[dict[str, str]]:
    """A network where common names repeat: five John Smiths at three companies (two at
    Acme, different people), two Maria Garcias at one company, and everyone else once;
    every tenth row has an email address."""
    rows = []
    for i in range(n):
        first, last = ("Person", f"Number{i}")
        if i % 12 == 0:
            first, last = COMMON
        elif i % 30 == 7:
            first, last = "Maria", "Garcia"
        company = ("Acme", "Globex", "Initech")[i % 3] if (first, last) != COMMON else "Acme"
        if (first, last) == COMMON and i >= 36:
            company = "Globex"
        rows.append(
            {
                "First Name": first,
                "Last Name": last,
                "URL": f"https://www.linkedin.com/in/{first.lower()}-{last.lower()}-{i}",
                "Email Address": f"p{i}@mail.example" if i % 10 == 3 else "",
                "Company": company,
                "Position": "Engineer",
                "Connected On": f"{1 + i % 28:02d} Mar 2023",
            }
        )
    return rows


def accounted(report: ImportReport, data_rows: int) -> None:
    """Every row of the files is in the report exactly once, under one status."""
    assert report.total == data_rows
    assert Counter((r.file, r.line) for r in report.rows).most_common(1)[0][1] == 1
    assert sum(report.counts[s] for s in STATUSES) == report.total
    for r in report.rows:
        assert r.status in STATUSES
        if r.status == "skipped":
            assert r.detail


def kept(ctx: Ctx, owner: Member) -> list[tuple[str, str, str, dt.date | None]]:
    return sorted(
        (c.name, c.company, c.url, c.connected_elsewhere_on)
        for c in ctx.session.scalars(
            select(Contact).where(Contact.owner_id == owner.id, Contact.other_id.is_(None))
        )
    )


@pytest.mark.parametrize(
    "layout", [LAYOUT_NOW, LAYOUT_2022, LAYOUT_2020], ids=["now", "2022", "2020"]
)
def test_repeated_names_are_all_kept_whoever_is_a_member(ctx: Ctx, layout: tuple[str, ...]) -> None:
    rows = crowd()
    data = connections_file(rows, layout=layout)
    before = make_member(ctx, "Owner", "Before")
    first = report_of(import_linkedin(ctx, before, read_export([("Connections.csv", data)])))
    accounted(first, len(rows))
    assert first.counts["new"] == len(rows)  # no two distinct rows merged
    # Members who share the common names join; a second owner imports the same file.
    john = make_member(ctx, *COMMON)
    update_profile(ctx, john, ProfileInput(positions=[PositionInput("Acme", "Engineer", 2019)]))
    make_member(ctx, "Maria", "Garcia")
    after = make_member(ctx, "Owner", "After")
    second = report_of(import_linkedin(ctx, after, read_export([("Connections.csv", data)])))
    accounted(second, len(rows))
    assert second.counts["new"] == len(rows)
    assert kept(ctx, after) == kept(ctx, before)
    # a name shared by several people of the file says nothing about which one a
    # member is: nobody is matched by it
    assert all(r.member_id is None for r in second.rows if r.name in ("John Smith", "Maria Garcia"))
    # importing again changes nothing, and every row finds its own contact again
    again = report_of(import_linkedin(ctx, after, read_export([("Connections.csv", data)])))
    assert again.counts["unchanged"] == len(rows)
    assert len({r.contact_id for r in again.rows}) == len(rows)


def test_rows_without_addresses_are_never_merged_on_name_and_company(ctx: Ctx) -> None:
    sam = make_member(ctx, "Sam", "Doe")
    rows = [
        {
            "First Name": "Lee",
            "Last Name": "Park",
            "Company": "Acme",
            "Connected On": "01 Jan 2020",
        },
        {
            "First Name": "Lee",
            "Last Name": "Park",
            "Company": "Acme",
            "Connected On": "02 Feb 2021",
        },
        {
            "First Name": "Lee",
            "Last Name": "Park",
            "Company": "Acme",
            "Email Address": "lee@own.example",
        },
        {"First Name": "LEE", "Last Name": "PARK", "Company": "Acme"},
    ]
    for layout, preamble in ((LAYOUT_2022, True), (LAYOUT_2020, False)):
        owner = make_member(ctx, "Owner", layout[-2])
        data = connections_file(rows, layout=layout, preamble=preamble, bom=True, crlf=True)
        report = report_of(import_linkedin(ctx, owner, read_export([("Connections.csv", data)])))
        accounted(report, 4)
        assert report.counts["new"] == 4
    assert sam.id  # the owner of nothing


def test_placeholder_addresses_in_invitations_do_not_join_people(ctx: Ctx) -> None:
    sam = make_member(ctx, "Sam", "Doe")
    zoe = make_member(ctx, "Zoé", "Marchand", email="zoe@example.com")
    data = (
        "From,To,Sent At,Message,Direction,inviterProfileUrl,inviteeProfileUrl\n"
        'Sam Doe,Ava Stone,"1/29/26, 2:37 PM",,OUTGOING,https://www.linkedin.com/in/x,'
        "https://www.linkedin.com/in/x\n"
        'Sam Doe,Zoé Marchand,"1/30/26, 2:37 PM",,OUTGOING,https://www.linkedin.com/in/x,'
        "https://www.linkedin.com/in/x\n"
        'Sam Doe,Zoé Marchand,"1/31/26, 2:37 PM",,OUTGOING,https://www.linkedin.com/in/x,'
        "https://www.linkedin.com/in/x\n"
    ).encode()
    report = report_of(import_linkedin(ctx, sam, read_export([("Invitations.csv", data)])))
    accounted(report, 3)
    by_line = {r.line: r for r in report.rows}
    assert (by_line[3].member_id, by_line[3].status) == (zoe.id, "new")
    assert (by_line[2].name, by_line[2].status) == ("Ava Stone", "skipped")
    assert "not found on Kith" in by_line[2].detail
    # an invitation sent again: the same name behind the same address
    assert (by_line[4].name, by_line[4].detail) == ("Zoé Marchand", "the same person as line 3")


def test_names_match_case_and_accents_aside(ctx: Ctx) -> None:
    sam = make_member(ctx, "Sam", "Doe")
    members = {
        "Dmitri Müller": make_member(ctx, "Dmitri", "Muller"),
        "ANAÏS MÜLLER": make_member(ctx, "Anaïs", "Müller"),
        "Lukasz Oberg": make_member(ctx, "Łukasz", "Øberg"),
        "jürgen gross": make_member(ctx, "Jürgen", "Groß"),
    }
    rows = [
        {"First Name": n.split()[0], "Last Name": n.split()[1], "Company": "Nowhere"}
        for n in members
    ]
    report = report_of(
        import_linkedin(ctx, sam, read_export([("Connections.csv", connections_file(rows))]))
    )
    found = {r.name: (r.member_id, r.match) for r in report.rows}
    assert found == {name: (m.id, "name") for name, m in members.items()}


def test_a_renamed_member_is_found_by_the_new_name(ctx: Ctx) -> None:
    sam = make_member(ctx, "Sam", "Doe")
    ana = make_member(ctx, "Ana", "Ruiz")
    update_profile(ctx, ana, ProfileInput(last_name="Ruíz-Öz"))
    rows = [{"First Name": "ana", "Last Name": "RUIZ-OZ"}]
    report = report_of(
        import_linkedin(ctx, sam, read_export([("Connections.csv", connections_file(rows))]))
    )
    assert report.rows[0].member_id == ana.id


def test_several_and_renamed_connection_files_are_all_read(ctx: Ctx) -> None:
    sam = make_member(ctx, "Sam", "Doe")
    old = connections_file(
        [
            {"First Name": "Ana", "Last Name": "Ruiz", "Company": "Acme"},
            {"First Name": "Ben", "Last Name": "Okafor", "Company": "Globex"},
        ],
        layout=LAYOUT_2020,
    )
    new = connections_file(
        [
            {"First Name": "Ana", "Last Name": "Ruiz", "URL": "https://www.linkedin.com/in/ana"},
            {"First Name": "Cleo", "Last Name": "Ng", "URL": "https://www.linkedin.com/in/cleo"},
        ]
    )
    export = read_export(
        [
            ("Connections.csv", new),
            ("Connections (1).csv", new),  # the same download twice
            ("my-network.csv", old),  # renamed: recognised by its header
        ]
    )
    assert export.files == ["Connections.csv", "Connections (1).csv", "my-network.csv"]
    report = report_of(import_linkedin(ctx, sam, export))
    accounted(report, 6)
    dup = [r for r in report.rows if r.file == "Connections (1).csv"]
    assert {r.detail for r in dup} == {
        "already in Connections.csv (line 5)",
        "already in Connections.csv (line 6)",
    }
    assert report.counts["new"] == 4  # Ana (with URL), Cleo; Ana and Ben of the old file
    assert [s.name for s in report.sources] == export.files

    # two folders of one zip
    both = zipped({"2024/Connections.csv": new, "2020/Connections.csv": old})
    export = read_export([("export.zip", both)])
    assert export.files == ["Connections.csv", "2024/Connections.csv"]
    assert len(export.connections) == 4


def test_every_file_of_the_export_is_listed(ctx: Ctx) -> None:
    sam = make_member(ctx, "Sam", "Doe")
    data = zipped(
        {
            "Export/Connections.csv": connections_file(
                [{"First Name": "Ana", "Last Name": "Ruiz"}, {"Connected On": "01 Jan 2024"}]
            ),
            "Export/Endorsement_Received_Info.csv": b"Endorsement Date,Skill Name\n",
            "Export/Recommendations_Received.csv": b"First Name,Last Name,Text\n",
            "Export/Rich_Media.csv": b"x\n",
            "Export/notes.txt": b"hello",
        }
    )
    report = report_of(import_linkedin(ctx, sam, read_export([("export.zip", data)])))
    sources = {s.name: (s.status, s.holds) for s in report.sources}
    assert sources == {
        "Connections.csv": ("read_in_part", "your connections"),
        "Endorsement_Received_Info.csv": ("not_used", "endorsements you received"),
        "Recommendations_Received.csv": ("read", LAYOUTS["recommendations_received.csv"].holds),
        "Rich_Media.csv": ("not_used", "media on your profile"),
        "notes.txt": ("not_used", "a file Kith does not read"),
    }


def test_the_ceiling_of_rows_is_refused_up_front(ctx: Ctx, kith: Kith, client: TestClient) -> None:
    rows = crowd(12)
    with pytest.raises(ImportRefused) as info:
        read_export([("Connections.csv", connections_file(rows))], limits=Limits(max_rows=10))
    assert info.value.code == "import_too_many_rows"
    assert "more than 10 people" in info.value.message
    sam = make_member(ctx, "Sam", "Doe")
    kith.settings.import_max_rows = 10
    before = ctx.session.scalar(select(func.count()).select_from(Contact))
    r = client.post(
        "/api/v1/me/imports",
        headers=bearer(ctx, sam),
        files={"files": ("Connections.csv", connections_file(rows), "text/csv")},
    )
    refused(r, 422, "import_too_many_rows")
    assert ctx.session.scalar(select(func.count()).select_from(Contact)) == before
    assert ctx.session.scalar(select(func.count()).select_from(ImportRun)) == 0


def test_reports_are_paginated(ctx: Ctx, client: TestClient) -> None:
    sam = make_member(ctx, "Sam", "Doe")
    auth = bearer(ctx, sam)
    rows = crowd(45)
    r = client.post(
        "/api/v1/me/imports?per_page=5",
        headers=auth,
        files={"files": ("Connections.csv", connections_file(rows), "text/csv")},
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["total"] == 45
    assert body["rows"]["total"] == 45
    assert len(body["rows"]["items"]) <= 100
    import_id = body["id"]
    page = client.get(f"/api/v1/me/imports/{import_id}/rows?per_page=10&page=5", headers=auth)
    assert page.status_code == 200, page.text
    data = page.json()
    assert (data["total"], data["page"], data["pages"], len(data["items"])) == (45, 5, 5, 5)
    assert data["items"][0]["line"] == 5 + 40
    one = client.get(f"/api/v1/me/imports/{import_id}?per_page=3", headers=auth).json()
    assert len(one["rows"]["items"]) == 3
    refused(
        client.get(f"/api/v1/me/imports/{import_id}/rows?per_page=1000", headers=auth),
        422,
        "invalid_page",
    )


def test_messages_become_one_logged_interaction_per_person(ctx: Ctx) -> None:
    sam = make_member(ctx, "Sam", "Doe")
    ana = make_member(ctx, "Ana", "Ruiz", email="ana@example.com")
    connect(ctx, sam, ana)
    people = connections_file(
        [
            {
                "First Name": "Ana",
                "Last Name": "Ruiz",
                "Email Address": "ana@example.com",
                "URL": "https://www.linkedin.com/in/ana-ruiz",
            },
            {"First Name": "Cleo", "Last Name": "Ng", "URL": "https://www.linkedin.com/in/cleo"},
        ]
    )
    messages = (
        b"CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,"
        b"RECIPIENT PROFILE URLS,DATE,SUBJECT,CONTENT,FOLDER\n"
        b"c1,,Sam Doe,https://www.linkedin.com/in/sam,Ana Ruiz,"
        b"https://www.linkedin.com/in/ana-ruiz,2025-03-01 10:00:00 UTC,,secret words,INBOX\n"
        b"c1,,Ana Ruiz,https://www.linkedin.com/in/ana-ruiz,Sam Doe,"
        b"https://www.linkedin.com/in/sam,2025-04-02 09:30:00 UTC,,more,INBOX\n"
        b"c2,,Cleo Ng,https://www.linkedin.com/in/cleo,Sam Doe,"
        b"https://www.linkedin.com/in/sam,2024-12-24 18:00:00 UTC,,hi,INBOX\n"
    )
    files = [("Connections.csv", people), ("messages.csv", messages)]
    report = report_of(import_linkedin(ctx, sam, read_export(files)))
    accounted(report, 2)
    logged = {
        c.name or "Ana": (i.count, i.occurred_at, i.note)
        for i, c in ctx.session.execute(
            select(Interaction, Contact).join(Contact, Contact.id == Interaction.contact_id)
        )
    }
    assert logged["Ana"][:2] == (2, dt.datetime(2025, 4, 2, 9, 30, tzinfo=dt.UTC))
    assert logged["Cleo Ng"][:2] == (1, dt.datetime(2024, 12, 24, 18, 0, tzinfo=dt.UTC))
    assert all("secret" not in note for *_, note in logged.values())
    record = rel.contact_for_editing(ctx, sam, ana)
    assert record.last_interaction_at == dt.datetime(2025, 4, 2, 9, 30, tzinfo=dt.UTC)
    assert {s.name: s.status for s in report.sources}["messages.csv"] == "read"
    # again: nothing new
    count = ctx.session.scalar(select(func.count()).select_from(Interaction))
    import_linkedin(ctx, sam, read_export(files))
    assert ctx.session.scalar(select(func.count()).select_from(Interaction)) == count


def test_formulas_are_neutralised_and_read_back_exactly(ctx: Ctx) -> None:
    sam = make_member(ctx, "Sam", "Doe")
    ana = make_member(ctx, '=HYPERLINK("http://evil.example","x")', "+Ruiz", email="a@x.example")
    connect(ctx, sam, ana)
    rel.set_how_we_met(ctx, sam, ana, "-at the @conference")
    rel.add_note(ctx, sam, ana, "'=already quoted")
    rel.tag_contact(ctx, sam, ana, "@mentor")
    text = connections_csv(exported_connections(ctx, sam))
    cells = list(csv.reader(io.StringIO(text)))[1]
    assert cells[0] == '\'=HYPERLINK("http://evil.example","x")'
    assert (cells[1], cells[7], cells[9], cells[10]) == (
        "'+Ruiz",
        "'@mentor",
        "'-at the @conference",
        "''=already quoted",
    )
    for dangerous in ("=", "+", "-", "@", "\t", "\r"):
        assert guard(f"{dangerous}x") == f"'{dangerous}x"
    assert (guard("Ana"), guard("")) == ("Ana", "")
    # re-imported into another account, every value is exactly what was written
    ben = make_member(ctx, "Ben", "Okafor")
    run = import_linkedin(ctx, ben, read_export([("Connections.csv", text.encode())]))
    contact = ctx.session.get(Contact, report_of(run).rows[0].contact_id)
    assert contact is not None
    assert contact.name == '=HYPERLINK("http://evil.example","x") +Ruiz'
    assert contact.how_we_met == "-at the @conference"
    assert [t.name for t in contact.tags] == ["@mentor"]
    notes = ctx.session.scalars(
        select(ContactNote.body).where(ContactNote.contact_id == contact.id)
    ).all()
    assert notes == ["'=already quoted"]
