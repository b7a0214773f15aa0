"""Profiles: fields, companies and schools as entities, validation, career stage, settings."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from kith.blocks.service import block
from kith.members.service import (
    EducationInput,
    PositionInput,
    ProfileInput,
    career_stage,
    profile_view,
    update_profile,
)
from kith.models import Company, Member, MemberSkill, Position, School, Skill
from kith.uow import Ctx
from tests.fixtures.factories import bearer, make_member
from tests.fixtures.refusals import refusal, refused

API = "/api/v1"
# The test clock starts on 1 January 2026.


def rows(ctx: Ctx, model: type) -> int:
    return int(ctx.session.scalar(select(func.count()).select_from(model)) or 0)


def snapshot(ctx: Ctx, member: Member) -> dict[str, Any]:
    ctx.session.expire_all()
    return {
        "fields": (
            member.first_name,
            member.last_name,
            member.headline,
            member.about,
            member.location,
            member.industry,
            member.career_stage,
            member.invite_policy,
            member.follow_policy,
            member.connections_visibility,
            member.follow_primary,
        ),
        "positions": [
            (p.company.name, p.title, p.start_year, p.end_year) for p in member.positions
        ],
        "education": [(e.school.name, e.degree) for e in member.education],
        "skills": [s.name for s in member.skills],
    }


def full_profile() -> dict[str, Any]:
    return {
        "first_name": " Ana ",
        "last_name": "Ruiz",
        "headline": "Engineer at Acme",
        "about": "I build things.",
        "location": "Lisbon",
        "industry": "Technology",
        "positions": [
            {"company": "Acme Corp", "title": "Engineer", "start_year": 2022, "start_month": 3},
            {
                "company": "  acme   CORP ",
                "title": "Intern",
                "start_year": 2020,
                "end_year": 2021,
                "end_month": 8,
            },
            {"company": "Globex", "title": "Analyst", "start_year": 2018, "end_year": 2020},
        ],
        "education": [
            {
                "school": "University of Lisbon",
                "degree": "MSc",
                "start_year": 2016,
                "end_year": 2018,
            },
            {
                "school": "university of  LISBON",
                "degree": "BSc",
                "start_year": 2013,
                "end_year": 2016,
            },
        ],
        "skills": ["Python", " python ", "PYTHON", "SQL", "  ", "Data   Analysis"],
    }


def test_update_every_field_through_the_api(ctx: Ctx, client: TestClient) -> None:
    member = make_member(ctx, "Ana")
    response = client.patch(f"{API}/me", json=full_profile(), headers=bearer(ctx, member))
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["first_name"], body["last_name"], body["name"]) == ("Ana", "Ruiz", "Ana Ruiz")
    assert (body["headline"], body["about"], body["location"], body["industry"]) == (
        "Engineer at Acme",
        "I build things.",
        "Lisbon",
        "Technology",
    )
    positions = body["positions"]
    assert [(p["company"], p["title"], p["current"]) for p in positions] == [
        ("Acme Corp", "Engineer", True),
        ("Acme Corp", "Intern", False),
        ("Globex", "Analyst", False),
    ]
    # One company, one school: entities, not strings.
    assert positions[0]["company_id"] == positions[1]["company_id"] != positions[2]["company_id"]
    assert rows(ctx, Company) == 2
    schools = {e["school_id"] for e in body["education"]}
    assert len(schools) == 1
    assert rows(ctx, School) == 1
    assert body["skills"] == ["Data Analysis", "Python", "SQL"]
    assert rows(ctx, Skill) == 3
    assert body["career_stage"] == "mid_career"  # first position in 2018
    assert body["career_stage_derived"] is True
    again = client.get(f"{API}/me", headers=bearer(ctx, member)).json()
    assert again == body


def test_same_company_and_school_across_members(ctx: Ctx) -> None:
    a, b = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    update_profile(
        ctx,
        a,
        ProfileInput(
            positions=[PositionInput("Acme Corp.", "Engineer", 2020)],
            education=[EducationInput("MIT")],
            skills=["Go"],
        ),
    )
    update_profile(
        ctx,
        b,
        ProfileInput(
            positions=[PositionInput("ACME corp.", "Manager", 2019)],
            education=[EducationInput(" mit ")],
            skills=["go", "GO "],
        ),
    )
    assert a.positions[0].company_id == b.positions[0].company_id
    assert a.education[0].school_id == b.education[0].school_id
    assert b.positions[0].company.name == "Acme Corp."  # the first spelling names it
    assert (rows(ctx, Company), rows(ctx, School), rows(ctx, Skill)) == (1, 1, 1)
    assert rows(ctx, MemberSkill) == 2


def test_lists_replace_and_omitted_fields_stay(ctx: Ctx) -> None:
    member = make_member(ctx, "Ana", headline="Kept")
    update_profile(ctx, member, ProfileInput(positions=[PositionInput("Acme", "Eng", 2020)]))
    update_profile(ctx, member, ProfileInput(positions=[PositionInput("Globex", "Lead", 2021)]))
    assert [p.company.name for p in member.positions] == ["Globex"]
    assert rows(ctx, Position) == 1
    assert member.headline == "Kept"
    update_profile(ctx, member, ProfileInput(skills=["A1", "B2"]))
    update_profile(ctx, member, ProfileInput(skills=[]))
    ctx.session.expire_all()
    assert member.skills == []


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (ProfileInput(first_name="  "), "invalid_profile"),
        (ProfileInput(headline="h" * 221), "invalid_profile"),
        (ProfileInput(about="a" * 2601), "invalid_profile"),
        (ProfileInput(location="l" * 121), "invalid_profile"),
        (ProfileInput(career_stage="retired"), "invalid_career_stage"),
        (
            ProfileInput(positions=[PositionInput("Acme", "Eng", 2020, end_year=2019)]),
            "invalid_position",
        ),
        (ProfileInput(positions=[PositionInput("Acme", "Eng", 1850)]), "invalid_position"),
        (
            ProfileInput(positions=[PositionInput("Acme", "Eng", 2020, start_month=13)]),
            "invalid_position",
        ),
        (ProfileInput(positions=[PositionInput("Acme", " ", 2020)]), "invalid_profile"),
        (ProfileInput(positions=[PositionInput(" ", "Eng", 2020)]), "invalid_profile"),
        (ProfileInput(positions=[PositionInput("!!!", "Eng", 2020)]), "invalid_position"),
        (ProfileInput(positions=[PositionInput("Acme", "Eng", 2020)] * 51), "invalid_position"),
        (
            ProfileInput(education=[EducationInput("MIT", start_year=2020, end_year=2010)]),
            "invalid_education",
        ),
        (ProfileInput(education=[EducationInput("***")]), "invalid_education"),
        (ProfileInput(skills=["s" * 101]), "invalid_skill"),
        (ProfileInput(skills=["???"]), "invalid_skill"),
        (ProfileInput(skills=[f"skill {i}" for i in range(51)]), "invalid_skill"),
        # The stated limit is on what is sent: repeats and blanks count.
        (ProfileInput(certifications=["PMP"] * 51), "invalid_profile"),
        (ProfileInput(languages=[""] * 21), "invalid_profile"),
        (ProfileInput(settings={"invite_policy": "nobody"}), "invalid_setting"),
        (ProfileInput(settings={"follow_policy": "friends"}), "invalid_setting"),
        (ProfileInput(settings={"connections_visibility": "public"}), "invalid_setting"),
        (ProfileInput(settings={"favourite_colour": "blue"}), "invalid_setting"),
    ],
)
def test_refused_update_changes_nothing(ctx: Ctx, data: ProfileInput, code: str) -> None:
    member = make_member(ctx, "Ana")
    update_profile(
        ctx,
        member,
        ProfileInput(
            headline="Before",
            positions=[PositionInput("Initech", "Dev", 2015)],
            education=[EducationInput("MIT", "BSc")],
            skills=["Go"],
        ),
    )
    before = snapshot(ctx, member)
    companies = rows(ctx, Company)
    # Every refused update also carries valid changes that must not be applied.
    data.headline = data.headline if data.headline is not None else "After"
    data.about = data.about if data.about is not None else "Changed"
    err = refusal(code, update_profile, ctx, member, data)
    assert err.status == 422
    assert snapshot(ctx, member) == before
    assert rows(ctx, Company) == companies


def test_refused_update_through_the_api(ctx: Ctx, client: TestClient) -> None:
    member = make_member(ctx, "Ana", headline="Before")
    headers = bearer(ctx, member)
    bad = {
        "headline": "After",
        "positions": [{"company": "Acme", "title": "Eng", "start_year": 2020, "end_year": 2010}],
    }
    refused(client.patch(f"{API}/me", json=bad, headers=headers), 422, "invalid_position")
    refused(
        client.patch(f"{API}/me", json={"career_stage": "boss"}, headers=headers),
        422,
        "invalid_career_stage",
    )
    refused(client.patch(f"{API}/me", json={"unknown": 1}, headers=headers), 422, "invalid")
    refused(
        client.patch(
            f"{API}/me",
            json={"positions": [{"company": "", "title": "x", "start_year": 2020}]},
            headers=headers,
        ),
        422,
        "invalid",
    )
    body = client.get(f"{API}/me", headers=headers).json()
    assert body["headline"] == "Before"
    assert body["positions"] == []
    assert rows(ctx, Company) == 0


# --- career stage ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("positions", "education", "stage"),
    [
        ([], [], None),
        ([], [EducationInput("MIT", start_year=2023, end_year=2027)], "student"),
        ([], [EducationInput("MIT", start_year=2019, end_year=2025)], "recent_graduate"),
        ([], [EducationInput("MIT", start_year=2010, end_year=2014)], None),
        ([PositionInput("Acme", "Engineer", 2025)], [], "recent_graduate"),
        ([PositionInput("Acme", "Engineer", 2022)], [], "early_career"),
        ([PositionInput("Acme", "Engineer", 2012)], [], "mid_career"),
        ([PositionInput("Acme", "VP Engineering", 2024)], [], "executive"),
        ([PositionInput("Acme", "Chief Executive Officer", 2025)], [], "executive"),
        ([PositionInput("Acme", "Co-Founder", 2025)], [], "executive"),
        # A past executive title does not count; the career length does.
        (
            [
                PositionInput("Acme", "CEO", 2010, end_year=2012),
                PositionInput("B", "Advisor", 2013),
            ],
            [],
            "mid_career",
        ),
        # Studying with a current job is not "student".
        (
            [PositionInput("Acme", "Engineer", 2015)],
            [EducationInput("MIT", start_year=2024, end_year=2027)],
            "mid_career",
        ),
    ],
)
def test_derived_career_stage(
    ctx: Ctx,
    positions: list[PositionInput],
    education: list[EducationInput],
    stage: str | None,
) -> None:
    member = make_member(ctx, "Ana")
    update_profile(ctx, member, ProfileInput(positions=positions, education=education))
    view = profile_view(ctx, member, member)
    assert view.career_stage == stage
    assert view.career_stage_derived is (stage is not None)


def test_explicit_career_stage_wins_and_can_be_cleared(ctx: Ctx, client: TestClient) -> None:
    member = make_member(ctx, "Ana")
    update_profile(ctx, member, ProfileInput(positions=[PositionInput("Acme", "Engineer", 2010)]))
    headers = bearer(ctx, member)
    body = client.patch(f"{API}/me", json={"career_stage": "executive"}, headers=headers).json()
    assert (body["career_stage"], body["career_stage_derived"]) == ("executive", False)
    body = client.patch(f"{API}/me", json={"headline": "x"}, headers=headers).json()
    assert body["career_stage"] == "executive"  # omitted: unchanged
    body = client.patch(f"{API}/me", json={"career_stage": ""}, headers=headers).json()
    assert (body["career_stage"], body["career_stage_derived"]) == ("mid_career", True)
    ctx.session.expire_all()
    assert member.career_stage is None
    assert career_stage(member, ctx.clock.now()) == "mid_career"


# --- settings --------------------------------------------------------------------------------


def test_settings(ctx: Ctx, client: TestClient) -> None:
    member = make_member(ctx, "Ana")
    headers = bearer(ctx, member)
    defaults = client.get(f"{API}/me/settings", headers=headers).json()
    assert (
        defaults["invite_policy"],
        defaults["follow_policy"],
        defaults["connections_visibility"],
        defaults["follow_primary"],
        defaults["invite_restricted_until"],
    ) == ("everyone", "everyone", "connections", False, None)
    changed = {
        "invite_policy": "shared_connection",
        "follow_policy": "connections",
        "connections_visibility": "only_me",
        "follow_primary": True,
    }
    body = client.patch(f"{API}/me/settings", json=changed, headers=headers).json()
    assert {k: body[k] for k in changed} == changed
    for bad in (
        {"invite_policy": "nobody"},
        {"follow_policy": "x"},
        {"connections_visibility": "all"},
    ):
        refused(
            client.patch(f"{API}/me/settings", json=bad, headers=headers), 422, "invalid_setting"
        )
    refused(
        client.patch(f"{API}/me/settings", json={"email": "x@y.z"}, headers=headers), 422, "invalid"
    )
    after = client.get(f"{API}/me/settings", headers=headers).json()
    assert {k: after[k] for k in changed} == changed
    profile = client.get(
        f"{API}/members/{member.handle}", headers=bearer(ctx, make_member(ctx, "Ben"))
    )
    assert profile.json()["follow_primary"] is True


# --- visibility ------------------------------------------------------------------------------


def test_profiles_and_relationship(ctx: Ctx, client: TestClient) -> None:
    a, b = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    body = client.get(f"{API}/members/{b.handle.upper()}", headers=bearer(ctx, a)).json()
    assert body["handle"] == b.handle
    assert body["relationship"]["connected"] is False
    refused(
        client.get(f"{API}/members/nobody-here", headers=bearer(ctx, a)), 404, "member_not_found"
    )
    b.is_active = False
    ctx.session.flush()
    refused(
        client.get(f"{API}/members/{b.handle}", headers=bearer(ctx, a)), 404, "member_not_found"
    )


def test_blocked_members_see_404_both_ways(ctx: Ctx, client: TestClient) -> None:
    a, b, c = make_member(ctx, "Ana"), make_member(ctx, "Ben"), make_member(ctx, "Cy")
    block(ctx, a, b)
    for viewer, other in ((a, b), (b, a)):
        body = refused(
            client.get(f"{API}/members/{other.handle}", headers=bearer(ctx, viewer)),
            404,
            "member_not_found",
        )
        # Exactly what a handle that never existed looks like.
        missing = client.get(f"{API}/members/{other.handle}x", headers=bearer(ctx, viewer)).json()
        assert body["detail"].replace(other.handle, "") == missing["detail"].replace(
            other.handle + "x", ""
        )
        refused(
            client.get(f"{API}/members/{other.handle}/connections", headers=bearer(ctx, viewer)),
            404,
            "member_not_found",
        )
    assert client.get(f"{API}/members/{a.handle}", headers=bearer(ctx, c)).status_code == 200


def test_overlong_position_and_education_fields_are_refused_not_stored(
    client: TestClient, ctx: Ctx
) -> None:
    ana = make_member(ctx, "Ana")
    headers = bearer(ctx, ana)
    long_place = {"company": "Acme", "title": "Engineer", "start_year": 2020, "location": "x" * 121}
    refused(
        client.patch("/api/v1/me", json={"positions": [long_place]}, headers=headers),
        422,
        "invalid_profile",
    )
    long_degree = {"school": "Uni", "degree": "d" * 201}
    refused(
        client.patch("/api/v1/me", json={"education": [long_degree]}, headers=headers),
        422,
        "invalid_profile",
    )
    assert client.get("/api/v1/me", headers=headers).json()["positions"] == []


def test_profile_lists_through_the_api_keep_the_service_code(client: TestClient, ctx: Ctx) -> None:
    ana = make_member(ctx, "Ana")
    headers = bearer(ctx, ana)
    too_many = [f"https://{i}.example" for i in range(11)]
    refused(
        client.patch("/api/v1/me", json={"websites": too_many}, headers=headers),
        422,
        "invalid_profile",
    )
    # The limit is on the entries sent, as the schema states it (repeats and blanks
    # count); then blanks and repeats are dropped.
    refused(
        client.patch("/api/v1/me", json={"websites": ["https://a.example"] * 11}, headers=headers),
        422,
        "invalid_profile",
    )
    repeated = ["https://a.example"] * 9 + [" "]
    response = client.patch("/api/v1/me", json={"websites": repeated}, headers=headers)
    assert response.status_code == 200, response.text
    assert client.get("/api/v1/me", headers=headers).json()["websites"] == ["https://a.example"]
