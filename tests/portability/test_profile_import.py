"""Filling one's own profile from an export: preview, choices, merge, idempotence."""

from __future__ import annotations

import pytest

from kith.errors import Invalid
from kith.members.service import PositionInput, ProfileInput, update_profile
from kith.portability.linkedin import LinkedInExport, read_export
from kith.portability.profile_import import import_profile, preview_profile
from kith.uow import Ctx
from tests.fixtures.factories import make_member
from tests.fixtures.portability import fixture

PROFILE_FILES = ["Profile", "Positions", "Education", "Skills"]


def export_of(*names: str) -> LinkedInExport:
    return read_export([(f"{n}.csv", fixture(f"{n}.csv")) for n in names])


def test_preview_writes_nothing_and_lists_conflicts(ctx: Ctx) -> None:
    sam = make_member(ctx, "Sam", "Doe", headline="Engineer")
    preview = preview_profile(sam, export_of(*PROFILE_FILES))
    changes = {c.field: (c.current, c.imported, c.conflict) for c in preview.fields}
    assert changes == {
        "headline": ("Engineer", "Staff Engineer at Acme, Inc.", True),
        "about": ("", "I build reliable systems.\nTwo lines of summary.", False),
        "industry": ("", "Software Development", False),
        "location": ("", "San Francisco, California, United States", False),
    }
    assert [(p.company, p.start_year, p.end_year) for p in preview.positions] == [
        ("Acme, Inc.", 2021, None),
        ("Globex", 2017, 2021),
    ]
    assert [e.school for e in preview.education] == ["University of Lisbon"]
    assert preview.skills == ["Python", "Distributed Systems", "PostgreSQL"]
    ctx.session.expire_all()
    assert sam.headline == "Engineer"
    assert sam.positions == []


@pytest.mark.parametrize("take", [(), ("headline",)], ids=["keep", "take"])
def test_import_fills_merges_and_respects_choices(ctx: Ctx, take: tuple[str, ...]) -> None:
    sam = make_member(ctx, "Sam", "Doe", headline="Engineer")
    update_profile(
        ctx,
        sam,
        ProfileInput(
            positions=[PositionInput(company="Globex", title="Software Engineer", start_year=2017)],
            skills=["python", "Leadership"],
        ),
    )
    applied = import_profile(ctx, sam, export_of(*PROFILE_FILES), take=take)
    ctx.session.expire_all()
    assert sam.headline == ("Staff Engineer at Acme, Inc." if take else "Engineer")
    assert sam.about.startswith("I build reliable systems.")
    assert sam.industry == "Software Development"
    # the Globex role was already there (same company, title and start year)
    assert sorted((p.company.name, p.start_year, p.end_year) for p in sam.positions) == [
        ("Acme, Inc.", 2021, None),
        ("Globex", 2017, None),
    ]
    assert [e.school.name for e in sam.education] == ["University of Lisbon"]
    assert sorted(s.name for s in sam.skills) == [
        "Distributed Systems",
        "Leadership",
        "PostgreSQL",
        "python",
    ]
    assert ("Positions.csv", "already on your profile") in {
        (s.file, s.reason) for s in applied.skipped
    }

    again = import_profile(ctx, sam, export_of(*PROFILE_FILES), take=take)
    assert again.fields == []
    assert again.positions == []
    assert again.education == []
    assert again.skills == []


def test_a_field_the_profile_rules_refuse_changes_nothing(ctx: Ctx) -> None:
    sam = make_member(ctx, "Sam", "Doe")
    long_headline = "x" * 300
    data = fixture("Profile.csv").replace(b"Staff Engineer at Acme, Inc.", long_headline.encode())
    export = read_export([("Profile.csv", data), ("Skills.csv", fixture("Skills.csv"))])
    with pytest.raises(Invalid) as info:
        import_profile(ctx, sam, export)
    assert info.value.code == "invalid_profile"
    ctx.session.expire_all()
    assert sam.headline == ""
    assert sam.skills == []


def test_websites_languages_and_certifications_fill_the_profile(ctx: Ctx) -> None:
    profile = (
        b"First Name,Last Name,Maiden Name,Address,Birth Date,Headline,Summary,Industry,"
        b"Zip Code,Geo Location,Twitter Handles,Websites,Instant Messengers\n"
        b'Sam,Doe,,,,,,,,,,"[PORTFOLIO:https://sam.example,COMPANY:https://acme.example/]",\n'
    )
    languages = b"Name,Proficiency\nFrench,Native or bilingual proficiency\nGerman,\n"
    certifications = (
        b"Name,Url,Authority,Started On,Finished On,License Number\n"
        b"Cloud Architect,https://c.example/1,Amazon Web Services,Jan 2024,,X1\n"
    )
    export = read_export(
        [
            ("Profile.csv", profile),
            ("Languages.csv", languages),
            ("Certifications.csv", certifications),
        ]
    )
    sam = make_member(ctx, "Sam", "Doe")
    sam.languages = ["German"]
    ctx.session.flush()
    preview = preview_profile(sam, export)
    changes = {c.field: (c.current, c.imported, c.conflict) for c in preview.fields}
    assert changes == {
        "websites": ("", "https://sam.example; https://acme.example/", False),
        # German is there already: only French is new, and Sam chooses
        "languages": ("German", "French (Native or bilingual proficiency)", True),
        "certifications": ("", "Cloud Architect, Amazon Web Services", False),
    }
    import_profile(ctx, sam, export)
    ctx.session.refresh(sam)
    assert sam.websites == ["https://sam.example", "https://acme.example/"]
    assert sam.languages == ["German"]  # the conflict was not taken
    assert sam.certifications == ["Cloud Architect, Amazon Web Services"]
    import_profile(ctx, sam, export, take=["languages"])
    ctx.session.refresh(sam)
    assert sam.languages == ["German", "French (Native or bilingual proficiency)"]
    assert preview_profile(sam, export).fields == []  # nothing left to add


def test_an_entry_too_long_for_the_profile_is_left_out_of_the_import(ctx: Ctx) -> None:
    # each cell fits, but "name, authority" is longer than a certification may be
    certifications = (
        b"Name,Url,Authority,Started On,Finished On,License Number\n"
        + b"C" * 150
        + b",,"
        + b"A" * 60
        + b",,,\nCloud Architect,,,,,\n"
    )
    export = read_export([("Certifications.csv", certifications)])
    sam = make_member(ctx, "Sam", "Doe")
    preview = preview_profile(sam, export)
    assert [(c.field, c.imported) for c in preview.fields] == [
        ("certifications", "Cloud Architect")
    ]
    import_profile(ctx, sam, export)
    ctx.session.refresh(sam)
    assert sam.certifications == ["Cloud Architect"]


def test_profile_lists_are_validated(ctx: Ctx) -> None:
    sam = make_member(ctx, "Sam", "Doe")
    with pytest.raises(Invalid) as info:
        update_profile(ctx, sam, ProfileInput(websites=["javascript:alert(1)"]))
    assert info.value.code == "invalid_profile"
    with pytest.raises(Invalid):
        update_profile(ctx, sam, ProfileInput(languages=[f"L{i}" for i in range(21)]))
