"""LinkedIn's endorsement files read by the importer into the member's private archive,
never shown or counted on Kith; the JSON archive holds both directions (both databases)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from kith.endorsements.service import endorse, skill_count
from kith.models import Endorsement, ImportedEndorsement, Member
from kith.portability.archive import member_archive
from kith.portability.importing import import_linkedin
from kith.portability.linkedin import read_export
from kith.portability.reports import ImportReport, report_of
from kith.uow import Ctx
from tests.fixtures.endorsements import give_skills
from tests.fixtures.factories import connect, make_member

RECEIVED = (
    "Endorsement Date,Skill Name,Endorser First Name,Endorser Last Name,"
    "Endorser Public Url,Endorsement Status\n"
    "2021/05/03 08:15:20 UTC,Python,Ben,Okafor,www.linkedin.com/in/ben-okafor,ACCEPTED\n"
    "2020/01/10 10:00:00 UTC,SQL,Cai,Lin,www.linkedin.com/in/cai-lin,ACCEPTED\n"
    "2020/01/11 10:00:00 UTC,,Dee,Ray,www.linkedin.com/in/dee-ray,ACCEPTED\n"
)
GIVEN = (
    "Endorsement Date,Skill Name,Endorsee First Name,Endorsee Last Name,"
    "Endorsee Public Url,Endorsement Status\n"
    "2019/02/01 09:00:00 UTC,Leadership,Ben,Okafor,www.linkedin.com/in/ben-okafor,ACCEPTED\n"
)


def _import(ctx: Ctx, owner: Member, *files: tuple[str, str]) -> ImportReport:
    export = read_export([(name, text.encode()) for name, text in files])
    return report_of(import_linkedin(ctx, owner, export))


def test_imported_endorsements_stay_private_and_are_never_counted(ctx: Ctx) -> None:
    ana = make_member(ctx, "Ana")
    ben = make_member(ctx, "Ben", "Okafor")
    connect(ctx, ana, ben)
    (python,) = give_skills(ctx, ana, "Python")
    report = _import(
        ctx,
        ana,
        ("Endorsement_Received_Info.csv", RECEIVED),
        ("Endorsement_Given_Info.csv", GIVEN),
    )
    kept = ctx.session.scalars(select(ImportedEndorsement)).all()
    assert sorted((e.direction, e.skill_name, e.other_name, e.endorsed_on) for e in kept) == [
        ("given", "Leadership", "Ben Okafor", date(2019, 2, 1)),
        ("received", "Python", "Ben Okafor", date(2021, 5, 3)),
        ("received", "SQL", "Cai Lin", date(2020, 1, 10)),
    ]
    rows = {(r.file, r.line): r for r in report.rows}
    assert rows[("Endorsement_Received_Info.csv", 2)].status == "profile"
    assert "never shown as given on Kith" in rows[("Endorsement_Received_Info.csv", 2)].detail
    assert rows[("Endorsement_Received_Info.csv", 4)].status == "skipped"
    sources = {s.name: s.status for s in report.sources}
    assert sources["Endorsement_Received_Info.csv"] == "read_in_part"
    assert sources["Endorsement_Given_Info.csv"] == "read"
    # Nothing is shown or counted on Kith: Ben gave nothing here.
    assert ctx.session.scalar(select(func.count()).select_from(Endorsement)) == 0
    assert skill_count(ctx, ana.id, python.id) == 0
    # Importing again adds nothing.
    _import(ctx, ana, ("Endorsement_Received_Info.csv", RECEIVED))
    assert ctx.session.scalar(select(func.count()).select_from(ImportedEndorsement)) == 3


def test_the_archive_holds_both_directions_and_the_imported(ctx: Ctx) -> None:
    ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    connect(ctx, ana, ben)
    (python,) = give_skills(ctx, ana, "Python")
    (go,) = give_skills(ctx, ben, "Go")
    endorse(ctx, ben, ana, python.id)
    endorse(ctx, ana, ben, go.id)
    _import(ctx, ana, ("Endorsement_Given_Info.csv", GIVEN))
    archive = member_archive(ctx, ana)["endorsements"]
    assert [(e["skill"], e["member"]["handle"]) for e in archive["received"]] == [
        ("Python", ben.handle)
    ]
    assert [(e["skill"], e["member"]["handle"]) for e in archive["given"]] == [("Go", ben.handle)]
    assert [(e["imported"], e["direction"], e["skill"]) for e in archive["imported"]] == [
        (True, "given", "Leadership")
    ]
    # Ben's archive has none of Ana's imported ones.
    assert member_archive(ctx, ben)["endorsements"]["imported"] == []
