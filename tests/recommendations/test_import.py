"""LinkedIn's Recommendations_Received.csv and Recommendations_Given.csv, on both
databases: a writer who is a connection is asked to confirm theirs on Kith (and it then
waits for approval as usual); everything is kept in the private archive, marked
imported; nothing shows as given by anyone until they give it here; a second import
adds nothing; the JSON archive holds both directions; deleting the account removes them."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from kith.accounts.deletion import delete_account
from kith.models import ImportedRecommendation, Member, Recommendation
from kith.pagination import PageRequest
from kith.portability.archive import member_archive
from kith.portability.importing import import_linkedin
from kith.portability.linkedin import read_export
from kith.portability.reports import ImportReport, report_of
from kith.recommendations import service
from kith.recommendations.views import box_page, profile_page, view_of
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.factories import bearer, connect, make_member
from tests.fixtures.portability import zipped

HEADER = "First Name,Last Name,Company,Job Title,Text,Creation Date,Status\n"
RECEIVED = (
    HEADER
    + 'Ana,Lopez,Globex,Engineering manager,"Ben ran our migration, calmly.\nHighly '
    'recommended.",05/03/21 10:21 AM,VISIBLE\n'.replace("05/03/21 10:21", "05/03/21, 10:21")
    + "Zed,Nobody,Initech,CTO,Ben is sharp.,11/20/19, 09:00 AM,VISIBLE\n".replace(
        "11/20/19, 09:00 AM", '"11/20/19, 09:00 AM"'
    )
    + "Cara,Stranger,,,Not a connection of Ben.,01/02/20,HIDDEN\n"
    + ",,,,No name at all,01/02/20,VISIBLE\n"
)
GIVEN = HEADER + "Ana,Lopez,Globex,Engineering manager,Ana is a great manager.,2020-06-01,VISIBLE\n"
ALL = PageRequest(1, 50)


def _import(ctx: Ctx, owner: Member, files: dict[str, str]) -> ImportReport:
    data = zipped({f"Basic_LinkedInDataExport/{k}": v.encode() for k, v in files.items()})
    return report_of(import_linkedin(ctx, owner, read_export([("export.zip", data)])))


def _people(ctx: Ctx) -> tuple[Member, Member, Member]:
    ben = make_member(ctx, "Ben", "Importer")
    ana = make_member(ctx, "Ana", "Lopez")
    cara = make_member(ctx, "Cara", "Stranger")
    connect(ctx, ben, ana)
    return ben, ana, cara


def test_received_ones_become_requests_and_the_rest_stay_private(ctx: Ctx) -> None:
    ben, ana, cara = _people(ctx)
    report = _import(
        ctx,
        ben,
        {"Recommendations_Received.csv": RECEIVED, "Recommendations_Given.csv": GIVEN},
    )
    received = [r for r in report.rows if r.file.endswith("Recommendations_Received.csv")]
    by_name = {r.name: r for r in received}
    asked = by_name["Ana Lopez"]
    assert asked.status == "recommendation"
    assert asked.member_handle == ana.handle, asked
    assert "Ana is asked to confirm it on Kith" in asked.detail
    # Cara is a member but not Ben's connection: kept private, never asked.
    assert by_name["Cara Stranger"].status == "recommendation"
    assert "private archive" in by_name["Cara Stranger"].detail
    assert by_name["Cara Stranger"].member_handle == ""
    assert [r.status for r in received].count("skipped") == 1
    assert report.counts["recommendation"] == 4
    # The request waits for Ana, with her LinkedIn text and date.
    [request] = box_page(ctx, ana, "to_write", ALL).items
    assert request.message == "Ana wrote this on LinkedIn on 3 May 2021 — confirm it on Kith?"
    assert request.body == "Ben ran our migration, calmly.\nHighly recommended."
    assert str(request.imported_on) == "2021-05-03"
    # Nothing is shown as given by Ana, or anyone, until she confirms.
    assert profile_page(ctx, cara, ben, "received", ALL).total == 0
    assert profile_page(ctx, cara, ana, "given", ALL).total == 0
    # Ben's own given one became his draft for Ana, shown nowhere.
    [draft] = box_page(ctx, ben, "drafts", ALL).items
    assert (draft.recipient.id, draft.body) == (ana.id, "Ana is a great manager.")
    # Ana confirms with one click: it waits for Ben's approval, then shows.
    service.edit(ctx, ana, request.id)
    rec = ctx.session.get_one(Recommendation, request.id)
    assert view_of(rec, ben.id).status == "pending"
    service.accept(ctx, ben, request.id)
    assert [v.id for v in profile_page(ctx, cara, ben, "received", ALL).items] == [request.id]
    # Everything is in the private archive, marked imported; a second import adds nothing.
    archived = ctx.session.scalar(
        select(func.count()).where(ImportedRecommendation.owner_id == ben.id)
    )
    assert archived == 4
    again = _import(ctx, ben, {"Recommendations_Received.csv": RECEIVED})
    assert {r.status for r in again.rows} == {"unchanged", "skipped"}
    assert ctx.session.scalar(select(func.count()).select_from(Recommendation)) == 2

    archive = member_archive(ctx, ben)["recommendations"]
    assert [r["author"]["handle"] for r in archive["received"]] == [ana.handle]
    assert archive["received"][0]["status"] == "accepted"
    assert [r["recipient"]["handle"] for r in archive["given"]] == [ana.handle]
    assert {(i["direction"], i["name"], i["on_kith"]) for i in archive["imported"]} == {
        ("received", "Ana Lopez", True),
        ("received", "Zed Nobody", False),
        ("received", "Cara Stranger", False),
        ("given", "Ana Lopez", True),
    }
    assert member_archive(ctx, ana)["recommendations"]["given"][0]["status"] == "accepted"

    delete_account(ctx, ben, confirmed=True)
    assert ctx.session.scalar(select(func.count()).select_from(ImportedRecommendation)) == 0
    assert ctx.session.scalar(select(func.count()).select_from(Recommendation)) == 0


def test_a_declined_one_reads_pending_in_its_writers_archive(ctx: Ctx) -> None:
    ben, ana, _ = _people(ctx)
    rec = service.write(ctx, ana, ben.handle, "client", "Ben is thorough.")
    service.decline(ctx, ben, rec.id)
    given = member_archive(ctx, ana)["recommendations"]["given"]
    assert [g["status"] for g in given] == ["pending"]
    assert member_archive(ctx, ben)["recommendations"]["received"] == []


def test_import_through_the_api(kith: Kith, client: TestClient, ctx: Ctx) -> None:
    ben, ana, _ = _people(ctx)
    headers = bearer(ctx, ben)
    ctx.session.commit()
    data = zipped({"Recommendations_Received.csv": RECEIVED.encode()})
    made = client.post(
        "/api/v1/me/imports",
        headers=headers,
        files={"files": ("Basic_LinkedInDataExport.zip", data, "application/zip")},
    )
    assert made.status_code < 300, made.text
    sources = {s["name"]: s["status"] for s in made.json()["sources"]}
    assert sources["Recommendations_Received.csv"] == "read_in_part"
    a = bearer(ctx, ana)
    ctx.session.commit()
    inbox = client.get("/api/v1/recommendations?box=to_write", headers=a).json()
    assert inbox["items"][0]["imported_on"] == "2021-05-03"
