"""Importing the people of a LinkedIn export: matching, private contacts, the report,
idempotence, invitations from the report, and the round trip through Kith's export."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kith.blocks.service import block
from kith.connections.service import send_invitation
from kith.db import Base, Database
from kith.members.service import PositionInput, ProfileInput, update_profile
from kith.migrations import upgrade
from kith.models import Contact, ContactNote, ContactTag, ImportRun, Invitation, Member, Tier
from kith.pagination import PageRequest
from kith.portability.export import connections_csv, exported_connections
from kith.portability.importing import import_linkedin
from kith.portability.inviting import imported_matches, invite_matches
from kith.portability.linkedin import read_export
from kith.portability.reports import ImportReport, get_import, report_of
from kith.relationships import interactions, records, tiers_tags
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.factories import connect, make_member
from tests.fixtures.portability import fixture

PAGE = PageRequest(1, 100)


def people_export() -> object:
    return read_export(
        [
            ("Connections.csv", fixture("Connections.csv")),
            ("Invitations.csv", fixture("Invitations.csv")),
        ]
    )


def community(ctx: Ctx) -> dict[str, Member]:
    """The members the fixture files can be matched to."""
    sam = make_member(ctx, "Sam", "Doe")
    ana = make_member(ctx, "Ana", "Ruiz", email="ana.ruiz@example.com")
    ben = make_member(ctx, "Ben", "Okafor", handle="ben-okafor-12a3b4")
    chloe = make_member(ctx, "Chloé", "Dubois", handle="chloe-d")
    update_profile(
        ctx,
        chloe,
        ProfileInput(
            positions=[PositionInput(company="Initech", title="Designer", start_year=2020)]
        ),
    )
    # same name, another company, and the handle of the LinkedIn address: the company wins
    other_chloe = make_member(ctx, "Chloé", "Dubois", handle="chloe-dubois")
    update_profile(
        ctx,
        other_chloe,
        ProfileInput(positions=[PositionInput(company="Hooli", title="Chef", start_year=2019)]),
    )
    return {"sam": sam, "ana": ana, "ben": ben, "chloe": chloe, "other_chloe": other_chloe}


def rows_by(report: ImportReport) -> dict[tuple[str, int], tuple[str, str, str | None]]:
    return {(r.file, r.line): (r.status, r.member_handle, r.match) for r in report.rows}


def contacts_of(ctx: Ctx, owner: Member) -> list[Contact]:
    return list(
        ctx.session.scalars(
            select(Contact).where(Contact.owner_id == owner.id).order_by(Contact.name)
        )
    )


def test_every_row_is_matched_kept_or_skipped_with_a_reason(ctx: Ctx) -> None:
    m = community(ctx)
    report = report_of(import_linkedin(ctx, m["sam"], people_export(), filename="export.zip"))
    rows = rows_by(report)
    # Connections.csv: line 4 is the header, after the "Notes:" preamble.
    assert rows[("Connections.csv", 5)] == ("new", m["ana"].handle, "email")
    assert rows[("Connections.csv", 6)] == ("new", m["ben"].handle, "handle")
    assert rows[("Connections.csv", 8)] == ("new", m["chloe"].handle, "name_company")
    details = {(r.file, r.line): r.detail for r in report.rows}
    assert details[("Connections.csv", 7)] == "hidden profile: only the date is shared"
    # an unreadable date keeps the person, without a date, with a warning naming them
    assert rows[("Connections.csv", 9)][0] == "new"
    dan = next(r for r in report.rows if r.line == 9 and r.file == "Connections.csv")
    assert dan.name == "Dan Lee"
    assert dan.warning == "Connected On 'sometime in 2023' could not be read: kept without a date"
    assert report.counts["warnings"] == 2
    # Invitations.csv: Ana is in Connections.csv already; Eve is not on Kith.
    assert rows[("Invitations.csv", 2)][0] == "skipped"
    assert details[("Invitations.csv", 2)] == "already in Connections.csv (line 5)"
    assert rows[("Invitations.csv", 3)][0] == "skipped"
    assert "not found on Kith" in details[("Invitations.csv", 3)]
    zed = next(r for r in report.rows if (r.file, r.line) == ("Invitations.csv", 4))
    assert (zed.name, zed.status) == ("Zed Q", "skipped")
    assert "not found on Kith" in zed.detail
    assert zed.warning == "Sent At 'yesterday' could not be read: kept without a date"
    assert len(report.rows) == 8  # every data row of both files, no more, no less
    assert report.counts["new"] == 4
    assert report.counts["skipped"] == 4
    assert report.counts["matched"] == 3
    assert report.files == ["Connections.csv", "Invitations.csv"]

    kept = contacts_of(ctx, m["sam"])
    assert [(c.name, c.other_id, c.matched_member_id, c.source) for c in kept] == [
        ("Ana Ruiz", None, m["ana"].id, "linkedin"),
        ("Ben Okafor", None, m["ben"].id, "linkedin"),
        ("Chloé Dubois", None, m["chloe"].id, "linkedin"),
        ("Dan Lee", None, None, "linkedin"),
    ]
    assert kept[3].connected_elsewhere_on is None
    ana = kept[0]
    assert (ana.email, ana.company, ana.title) == (
        "ana.ruiz@example.com",
        "Acme, Inc.",
        "Chief Technology Officer",
    )
    assert ana.connected_elsewhere_on == dt.date(2026, 2, 8)
    assert ana.url == "https://www.linkedin.com/in/ana-ruiz"
    assert ana.source_key == "linkedin:ana-ruiz"


def test_importing_the_same_file_again_changes_nothing(ctx: Ctx) -> None:
    m = community(ctx)
    import_linkedin(ctx, m["sam"], people_export())
    before = {
        t.name: ctx.session.scalar(select(func.count()).select_from(t))
        for t in Base.metadata.sorted_tables
        if t.name != "import_runs"
    }
    snapshot = [(c.id, c.name, c.company, c.matched_member_id) for c in contacts_of(ctx, m["sam"])]
    again = report_of(import_linkedin(ctx, m["sam"], people_export()))
    after = {
        t.name: ctx.session.scalar(select(func.count()).select_from(t))
        for t in Base.metadata.sorted_tables
        if t.name != "import_runs"
    }
    assert after == before
    ctx.session.expire_all()
    assert [
        (c.id, c.name, c.company, c.matched_member_id) for c in contacts_of(ctx, m["sam"])
    ] == snapshot
    assert again.counts["new"] == 0
    assert again.counts["unchanged"] == 4
    assert {r.detail.split(";")[0] for r in again.rows if r.status == "unchanged"} == {
        "already imported"
    }
    # the second report still says who is on Kith
    assert again.counts["matched"] == 3


def test_a_changed_row_updates_the_contact(ctx: Ctx) -> None:
    m = community(ctx)
    import_linkedin(ctx, m["sam"], people_export())
    data = fixture("Connections.csv").replace(b'"Acme, Inc."', b"Acme Labs")
    report = report_of(import_linkedin(ctx, m["sam"], read_export([("Connections.csv", data)])))
    ana = next(r for r in report.rows if r.name == "Ana Ruiz")
    assert (ana.status, ana.detail) == ("updated", "updated: company")
    ctx.session.expire_all()
    assert contacts_of(ctx, m["sam"])[0].company == "Acme Labs"


def test_connections_blocks_and_oneself(ctx: Ctx) -> None:
    m = community(ctx)
    connect(ctx, m["sam"], m["ana"])
    block(ctx, m["ben"], m["sam"])  # Ben blocked Sam: Sam must not find Ben through the file
    data = fixture("Connections.csv") + b"Sam,Doe,,%s,,,01 Jan 2020\n" % m["sam"].email.encode()
    report = report_of(import_linkedin(ctx, m["sam"], read_export([("Connections.csv", data)])))
    by_name = {r.name: r for r in report.rows}
    assert (by_name["Ana Ruiz"].status, by_name["Ana Ruiz"].detail) == (
        "connected",
        "already connected on Kith",
    )
    assert by_name["Ben Okafor"].status == "new"
    assert by_name["Ben Okafor"].member_id is None
    assert (by_name["Sam Doe"].status, by_name["Sam Doe"].detail) == ("skipped", "this is you")
    ben = next(c for c in contacts_of(ctx, m["sam"]) if c.name == "Ben Okafor")
    assert ben.matched_member_id is None
    assert all(c.name != "Sam Doe" for c in contacts_of(ctx, m["sam"]))


def test_name_alone_matches_only_a_unique_member(ctx: Ctx) -> None:
    sam = make_member(ctx, "Sam", "Doe")
    make_member(ctx, "Lee", "Park")
    make_member(ctx, "Lee", "Park")
    uma = make_member(ctx, "Uma", "Singh")
    data = (
        b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        b"Lee,Park,,,,,01 Jan 2020\nUma,Singh,,,Nowhere Ltd,,02 Jan 2020\n"
    )
    report = report_of(import_linkedin(ctx, sam, read_export([("Connections.csv", data)])))
    lee, found = report.rows
    assert (lee.status, lee.member_id) == ("new", None)
    assert (found.member_id, found.match, found.confidence) == (uma.id, "name", "possible")


def test_url_of_this_community_is_a_certain_match(ctx: Ctx) -> None:
    sam = make_member(ctx, "Sam", "Doe")
    ivy = make_member(ctx, "Ivy", "Nakamura")
    base = ctx.settings.base_url.rstrip("/")
    data = (
        b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        + f"Ivy,N.,{base}/in/{ivy.handle},,,,01 Jan 2020\n".encode()
    )
    row = report_of(import_linkedin(ctx, sam, read_export([("Connections.csv", data)]))).rows[0]
    assert (row.member_id, row.match, row.confidence) == (ivy.id, "url", "certain")


def test_invite_matches_from_the_report(ctx: Ctx) -> None:
    m = community(ctx)
    m["ana"].invite_policy = "email"  # Sam knows her address from the file
    send_invitation(ctx, m["chloe"], m["sam"])  # crossing: inviting Chloé accepts hers
    run = import_linkedin(ctx, m["sam"], people_export())
    matches = imported_matches(ctx, m["sam"], PAGE, import_id=run.id).items
    states = {x.member.first_name: (x.state, x.confidence) for x in matches}
    assert states == {
        "Ana": ("invite", "certain"),
        "Ben": ("invite", "likely"),
        "Chloé": ("invited_you", "likely"),
    }
    assert [x.member.first_name for x in matches][0] == "Ana"  # surest first
    outcomes = invite_matches(ctx, m["sam"], [x.contact.id for x in matches])
    assert {o.name: o.status for o in outcomes} == {
        "Ana Ruiz": "sent",
        "Ben Okafor": "sent",
        "Chloé Dubois": "connected",
    }
    sent = ctx.session.scalar(
        select(Invitation).where(
            Invitation.sender_id == m["sam"].id, Invitation.recipient_id == m["ana"].id
        )
    )
    assert sent is not None
    assert sent.context == "Connected on LinkedIn since 8 Feb 2026"
    again = {x.member.first_name: x.state for x in imported_matches(ctx, m["sam"], PAGE).items}
    assert again["Ana"] == "pending"
    assert again["Ben"] == "pending"
    # a second round refuses with the invitation rules' own sentence
    second = invite_matches(ctx, m["sam"], [matches[0].contact.id])
    assert second[0].status == "refused"
    assert "still pending" in second[0].detail


def test_invitations_stop_at_the_weekly_limit(ctx: Ctx) -> None:
    m = community(ctx)
    ctx.settings.invitations_per_week = 1
    run = import_linkedin(ctx, m["sam"], people_export())
    ids = [x.contact.id for x in imported_matches(ctx, m["sam"], PAGE, import_id=run.id).items]
    outcomes = invite_matches(ctx, m["sam"], ids)
    assert [o.status for o in outcomes] == ["sent", "refused", "refused"]
    assert outcomes[1].detail == outcomes[2].detail
    assert "the most allowed" in outcomes[1].detail
    assert ctx.session.scalar(select(func.count()).where(Invitation.sender_id == m["sam"].id)) == 1


def test_someone_elses_contact_or_import_is_not_found(ctx: Ctx) -> None:
    m = community(ctx)
    run = import_linkedin(ctx, m["sam"], people_export())
    theirs = contacts_of(ctx, m["sam"])[0]
    from kith.errors import NotFound

    with pytest.raises(NotFound) as exc:
        invite_matches(ctx, m["ben"], [theirs.id])
    assert exc.value.code == "contact_not_found"
    with pytest.raises(NotFound) as exc:
        get_import(ctx, m["ben"], run.id)
    assert exc.value.code == "import_not_found"


def test_kith_columns_go_onto_an_existing_connection(ctx: Ctx) -> None:
    sam, ana = make_member(ctx, "Sam", "Doe"), make_member(ctx, "Ana", "Ruiz")
    connect(ctx, sam, ana)
    base = ctx.settings.base_url.rstrip("/")
    data = (
        b"First Name,Last Name,URL,Email Address,Company,Position,Connected On,"
        b"Tags,Tier,How We Met,Notes,Last Interaction\n"
        + f"Ana,Ruiz,{base}/in/{ana.handle},,,,01 Jan 2020,mentor; climbing,Inner circle,"
        f'PyCon 2019,"Likes tea\n\nHas two kids",03 Mar 2026\n'.encode()
    )
    first = report_of(import_linkedin(ctx, sam, read_export([("Connections.csv", data)])))
    assert first.rows[0].status == "connected"
    assert first.rows[0].detail.startswith("already connected on Kith; added tier, how we met")
    view = records.contact_view(ctx, sam, ana)
    assert [t.name for t in view.tags] == ["climbing", "mentor"]
    assert view.tier is not None
    assert view.tier.name == "Inner circle"
    assert view.contact is not None
    assert view.contact.how_we_met == "PyCon 2019"
    notes = ctx.session.scalars(
        select(ContactNote.body).where(ContactNote.contact_id == view.contact.id)
    ).all()
    assert sorted(notes) == ["Has two kids", "Likes tea"]
    again = report_of(import_linkedin(ctx, sam, read_export([("Connections.csv", data)])))
    assert again.rows[0].detail == "already connected on Kith"
    assert ctx.session.scalar(select(func.count()).select_from(ContactTag)) == 2


def test_round_trip_into_a_fresh_instance_keeps_relationship_data(ctx: Ctx, tmp_path: Path) -> None:
    sam = make_member(ctx, "Sam", "Doe")
    ana, ben = make_member(ctx, "Ana", "Ruiz"), make_member(ctx, "Ben", "Okafor")
    connect(ctx, sam, ana)
    connect(ctx, sam, ben)
    records.set_tier(ctx, sam, ana, tiers_tags.tier_named(ctx, sam, "Inner circle").id)
    records.tag_contact(ctx, sam, ana, "mentor")
    records.tag_contact(ctx, sam, ben, "Acme, alumni")
    records.set_how_we_met(ctx, sam, ana, "Climbing gym, 2019")
    records.add_note(ctx, sam, ana, "Moving to Lisbon in spring.\nAsk about the new role.")
    interactions.log_interaction(
        ctx, sam, ana, "meeting", occurred_at=ctx.clock.now() - dt.timedelta(days=3)
    )
    csv_text = connections_csv(exported_connections(ctx, sam))

    # A fresh instance with its own database.
    fresh_db = Database(f"sqlite:///{tmp_path / 'fresh.db'}")
    upgrade(fresh_db.writer)
    fresh = Kith(
        settings=ctx.settings.model_copy(update={"base_url": "https://other.example"}),
        clock=ctx.clock,
        db=fresh_db,
    )
    with fresh.uow() as fctx:
        owner = make_member(fctx, "Sam", "Doe")
        report = report_of(
            import_linkedin(fctx, owner, read_export([("Connections.csv", csv_text.encode())]))
        )
        assert report.counts["new"] == 2
        kept = {c.name: c for c in contacts_of(fctx, owner)}
        a = kept["Ana Ruiz"]
        assert a.how_we_met == "Climbing gym, 2019"
        assert [t.name for t in a.tags] == ["mentor"]
        assert fctx.session.get(Tier, a.tier_id).name == "Inner circle"  # type: ignore[union-attr]
        assert fctx.session.scalars(
            select(ContactNote.body).where(ContactNote.contact_id == a.id)
        ).all() == ["Moving to Lisbon in spring.\nAsk about the new role."]
        assert a.last_interaction_at is not None
        assert a.last_interaction_at.date() == (ctx.clock.now() - dt.timedelta(days=3)).date()
        assert [t.name for t in kept["Ben Okafor"].tags] == ["Acme, alumni"]
        assert fctx.session.scalar(select(func.count()).select_from(ImportRun)) == 1
    fresh_db.dispose()


def test_an_earlier_private_contact_joins_the_connection_it_became(ctx: Ctx) -> None:
    sam = make_member(ctx, "Sam", "Doe")
    data = (
        b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        b"Lee,Park,https://www.linkedin.com/in/lee-park,,Acme,,01 Jan 2020\n"
    )
    first = report_of(import_linkedin(ctx, sam, read_export([("Connections.csv", data)])))
    assert (first.rows[0].status, first.rows[0].member_id) == ("new", None)
    rel_contact = ctx.session.get_one(Contact, first.rows[0].contact_id)
    records.add_note(ctx, sam, rel_contact, "Met at the Acme offsite")
    # Lee joins under another address, with Acme on the profile, and connects with Sam.
    lee = make_member(ctx, "Lee", "Park")
    update_profile(
        ctx,
        lee,
        ProfileInput(positions=[PositionInput(company="Acme", title="CFO", start_year=2018)]),
    )
    connect(ctx, sam, lee)
    again = report_of(import_linkedin(ctx, sam, read_export([("Connections.csv", data)])))
    assert again.rows[0].status == "connected"
    assert "earlier import joins it" in again.rows[0].detail
    ctx.session.expire_all()
    record = ctx.session.scalar(
        select(Contact).where(Contact.owner_id == sam.id, Contact.other_id == lee.id)
    )
    assert record is not None
    notes = ctx.session.scalars(
        select(ContactNote.body).where(ContactNote.contact_id == record.id)
    ).all()
    assert notes == ["Met at the Acme offsite"]
    assert (
        ctx.session.scalar(
            select(func.count()).where(Contact.owner_id == sam.id, Contact.other_id.is_(None))
        )
        == 0
    )


def test_reports_forget_a_member_who_left(ctx: Ctx) -> None:
    from kith.portability.reports import forget_member_in_reports

    m = community(ctx)
    run = import_linkedin(ctx, m["sam"], people_export())
    assert forget_member_in_reports(ctx, m["ana"].id) == 1
    ctx.session.expire_all()
    report = report_of(ctx.session.get_one(ImportRun, run.id))
    ana_row = next(r for r in report.rows if r.name == "Ana Ruiz")  # Sam's own export row
    assert (ana_row.member_id, ana_row.member_handle, ana_row.member_name) == (None, "", "")
    assert m["ana"].handle not in ctx.session.get_one(ImportRun, run.id).report
    assert report.counts["matched"] == 2


def test_the_same_person_twice_in_a_file_is_kept_once(ctx: Ctx) -> None:
    sam = make_member(ctx, "Sam", "Doe")
    data = (
        b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
        b"Lee,Park,https://www.linkedin.com/in/lee-park,,Acme,,01 Jan 2020\r\n"
        b"Lee,Park,https://www.linkedin.com/in/Lee-Park/,,Acme,CFO,01 Jan 2020\r\n"
        b"Lee,Park,https://www.linkedin.com/in/lee-park-2,,Acme,Intern,02 Jan 2020\r\n"
    )
    report = report_of(import_linkedin(ctx, sam, read_export([("Connections.csv", data)])))
    assert [(r.line, r.status, r.detail) for r in report.rows] == [
        (2, "new", "kept as a private contact"),
        (3, "skipped", "the same person as line 2"),
        # the same name at the same company, another address: another person
        (4, "new", "kept as a private contact"),
    ]
    assert len(contacts_of(ctx, sam)) == 2
    # An older export of the same people without URLs finds both names again, and
    # since two contacts share the name and company, the first one is updated.
    older = (
        b"First Name,Last Name,Email Address,Company,Position,Connected On\r\n"
        b"Lee,Park,,Acme,CFO,01 Jan 2020\r\n"
    )
    again = report_of(import_linkedin(ctx, sam, read_export([("Connections.csv", older)])))
    assert again.rows[0].status == "updated"
    assert len(contacts_of(ctx, sam)) == 2


def test_too_many_people_at_once_is_refused_by_the_service(ctx: Ctx) -> None:
    from kith.errors import Invalid
    from kith.portability.inviting import INVITE_BATCH_MAX

    sam = make_member(ctx, "Sam", "Doe")
    with pytest.raises(Invalid) as exc:
        invite_matches(ctx, sam, list(range(1, INVITE_BATCH_MAX + 2)))
    assert exc.value.code == "too_many_selected"
