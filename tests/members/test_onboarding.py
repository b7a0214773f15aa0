"""The welcome sequence's steps and profile strength, read from the profile itself."""

from __future__ import annotations

import pytest

from kith.connections.service import send_invitation
from kith.errors import Invalid
from kith.members import onboarding, service, strength
from kith.members.strength import ProfileFacts, strength_of
from kith.models import ImportRun
from kith.uow import Ctx
from tests.fixtures.factories import connect, make_member


def _done(ctx: Ctx, member: object) -> dict[str, bool]:
    return {s.key: s.done for s in onboarding.steps(ctx, member)}  # type: ignore[arg-type]


def test_a_new_member_starts_at_the_first_step_and_steps_follow_the_profile(ctx: Ctx) -> None:
    ana = make_member(ctx, "Ana")
    ben = make_member(ctx, "Ben")
    assert _done(ctx, ana) == {
        "photo": False,
        "position": False,
        "network": False,
        "people": False,
    }
    assert onboarding.first_open_step(ctx, ana).path == "/welcome/photo"

    onboarding.save_headline(ctx, ana, "  Data engineer at Acme  ")
    assert ana.headline == "Data engineer at Acme"
    # A photo is part of the first step: a headline alone does not finish it.
    assert _done(ctx, ana)["photo"] is strength.has_photo(ana)

    onboarding.add_current_position(
        ctx, ana, title="Data engineer", company="Acme", start_year=2020, start_month=3
    )
    assert _done(ctx, ana)["position"] is True

    send_invitation(ctx, ana, ben)
    assert _done(ctx, ana)["people"] is True
    assert _done(ctx, ana)["network"] is False
    ctx.session.add(ImportRun(owner_id=ana.id, created_at=ctx.clock.now()))
    ctx.session.flush()
    assert _done(ctx, ana)["network"] is True


def test_connections_finish_the_network_steps(ctx: Ctx) -> None:
    ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    connect(ctx, ben, ana)
    done = _done(ctx, ana)
    assert done["network"]
    assert done["people"]
    # Everything but the photo and position is done: /welcome starts at the first open.
    assert onboarding.first_open_step(ctx, ana).key == "photo"


def test_steps_lead_on_and_back() -> None:
    assert onboarding.after("photo") == "/welcome/position"
    assert onboarding.after("people") == onboarding.DONE_PATH
    assert onboarding.before("photo") is None
    assert onboarding.before("network") == "/welcome/position"


def test_adding_a_current_position_keeps_the_others_and_the_profile_rules(ctx: Ctx) -> None:
    ana = make_member(ctx, "Ana")
    service.update_profile(
        ctx,
        ana,
        service.ProfileInput(
            positions=[
                service.PositionInput(
                    company="Initech", title="Analyst", start_year=2015, end_year=2019
                )
            ]
        ),
    )
    onboarding.add_current_position(
        ctx, ana, title="Engineer", company="Acme", start_year=2019, start_month=None
    )
    assert [(p.title, p.company.name, p.is_current) for p in ana.positions] == [
        ("Engineer", "Acme", True),
        ("Analyst", "Initech", False),
    ]
    with pytest.raises(Invalid, match="Please give your position title."):
        onboarding.add_current_position(
            ctx, ana, title=" ", company="Acme", start_year=2020, start_month=None
        )
    with pytest.raises(Invalid, match="Months run from 1 to 12."):
        onboarding.add_current_position(
            ctx, ana, title="Lead", company="Acme", start_year=2020, start_month=13
        )
    with pytest.raises(Invalid, match="1800 is not a plausible year"):
        onboarding.add_current_position(
            ctx, ana, title="Lead", company="Acme", start_year=1800, start_month=None
        )
    assert len(ana.positions) == 2


def test_headline_refusal_is_the_profile_rule(ctx: Ctx) -> None:
    ana = make_member(ctx, "Ana", headline="Before")
    with pytest.raises(Invalid, match="The headline can be at most 220 characters.") as info:
        onboarding.save_headline(ctx, ana, "x" * 221)
    assert info.value.code == "invalid_profile"
    assert ana.headline == "Before"


# -- Profile strength --------------------------------------------------------------------

NOTHING = ProfileFacts(False, False, False, False, False, 0, False, 0)
EVERYTHING = ProfileFacts(True, True, True, True, True, 5, True, 10)


def test_strength_levels_and_the_next_thing_to_add() -> None:
    empty = strength_of(NOTHING, connections_wanted=10)
    assert (empty.level, empty.percent) == ("Beginner", 0)
    assert empty.next is not None
    assert empty.next.key == "headline"
    assert empty.next.href == "/welcome/photo"
    assert len(empty.missing) == 8

    full = strength_of(EVERYTHING, connections_wanted=10)
    assert (full.level, full.percent, full.next, full.missing) == ("All-star", 100, None, [])

    # Headline, photo and current position: half way.
    half = strength_of(
        ProfileFacts(True, True, False, True, False, 0, False, 0), connections_wanted=10
    )
    assert (half.level, half.percent) == ("Intermediate", 50)
    assert half.next is not None
    assert half.next.key == "connections"
    assert half.next.add == "Connect with 10 people"

    # Fewer than the wanted connections, or than three skills, do not count.
    almost = strength_of(
        ProfileFacts(True, True, True, True, True, 2, True, 9), connections_wanted=10
    )
    assert almost.percent == 75
    assert [p.key for p in almost.missing] == ["connections", "skills"]


def test_profile_strength_of_a_member(ctx: Ctx, kith: object) -> None:
    ana = make_member(ctx, "Ana")
    assert strength.profile_strength(ctx, ana).percent == 0
    service.update_profile(
        ctx,
        ana,
        service.ProfileInput(
            headline="Engineer",
            about="I build things.",
            location="Lisbon",
            skills=["Python", "SQL", "Go"],
            education=[service.EducationInput(school="University of Lisbon")],
        ),
    )
    onboarding.add_current_position(
        ctx, ana, title="Engineer", company="Acme", start_year=2020, start_month=None
    )
    for n in range(ctx.settings.profile_strength_connections):
        connect(ctx, make_member(ctx, f"Friend{n}"), ana)
    found = strength.profile_strength(ctx, ana)
    assert found.percent == 100 - 15 * (not strength.has_photo(ana))
    assert [p.key for p in found.missing] == ([] if strength.has_photo(ana) else ["photo"])
