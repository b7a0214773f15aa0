"""Profile strength: how complete one's own profile is, as a level, a percentage and
the single next thing worth adding (with where it is added)."""

from __future__ import annotations

from dataclasses import dataclass

from kith.connections.queries import connection_count
from kith.models import Member
from kith.uow import Ctx

LEVELS = ((100, "All-star"), (50, "Intermediate"), (0, "Beginner"))


def has_photo(member: Member) -> bool:
    """Whether ``member`` shows a profile photo. Every rule that asks about the photo
    (the meter, the first onboarding step) asks here."""
    return member.photo_key is not None


@dataclass(frozen=True)
class ProfileFacts:
    """What profile strength is computed from."""

    has_photo: bool
    has_headline: bool
    has_about: bool
    has_current_position: bool
    has_education: bool
    skills: int
    has_location: bool
    connections: int


@dataclass(frozen=True)
class Part:
    """One thing a strong profile has: its weight in the percentage, and what to say
    and where to go when it is missing."""

    key: str
    weight: int
    add: str  # "Add a photo"
    why: str  # one sentence: what it does for the member
    href: str


@dataclass(frozen=True)
class Strength:
    level: str
    percent: int
    next: Part | None  # None: nothing left to add
    missing: list[Part]


MIN_SKILLS = 3


def parts(connections_wanted: int) -> tuple[Part, ...]:
    """Every part, in the order the next one is suggested; the weights add up to 100."""
    return (
        Part(
            "headline",
            15,
            "Add a headline",
            "It is the line people read under your name in search and suggestions.",
            "/welcome/photo",
        ),
        Part(
            "photo",
            15,
            "Add a photo",
            "People recognise a face faster than a name.",
            "/welcome/photo",
        ),
        Part(
            "position",
            20,
            "Add your current position",
            "Colleagues find you through the company you work at.",
            "/welcome/position",
        ),
        Part(
            "connections",
            15,
            f"Connect with {connections_wanted} people",
            "Your connections bring you their networks, suggestions and introductions.",
            "/welcome/network",
        ),
        Part(
            "education",
            10,
            "Add your education",
            "Classmates find you through your school.",
            "/me/edit#education",
        ),
        Part(
            "location",
            5,
            "Add your location",
            "People near you can find you.",
            "/me/edit#location",
        ),
        Part(
            "skills",
            10,
            f"Add at least {MIN_SKILLS} skills",
            "Skills are what people search for.",
            "/me/edit#skills",
        ),
        Part(
            "about",
            10,
            "Write a short summary",
            "A few sentences about what you do and what you are looking for.",
            "/me/edit#about",
        ),
    )


def strength_of(facts: ProfileFacts, *, connections_wanted: int) -> Strength:
    """The strength of a profile with these ``facts``.

    >>> facts = ProfileFacts(False, True, False, True, False, 0, False, 0)
    >>> s = strength_of(facts, connections_wanted=10)
    >>> (s.level, s.percent, s.next.key if s.next else None)
    ('Beginner', 35, 'photo')
    """
    have = {
        "headline": facts.has_headline,
        "photo": facts.has_photo,
        "position": facts.has_current_position,
        "connections": facts.connections >= connections_wanted,
        "education": facts.has_education,
        "location": facts.has_location,
        "skills": facts.skills >= MIN_SKILLS,
        "about": facts.has_about,
    }
    all_parts = parts(connections_wanted)
    missing = [p for p in all_parts if not have[p.key]]
    percent = sum(p.weight for p in all_parts if have[p.key])
    level = next(name for floor, name in LEVELS if percent >= floor)
    return Strength(
        level=level, percent=percent, next=missing[0] if missing else None, missing=missing
    )


def profile_facts(ctx: Ctx, member: Member) -> ProfileFacts:
    return ProfileFacts(
        has_photo=has_photo(member),
        has_headline=bool(member.headline.strip()),
        has_about=bool(member.about.strip()),
        has_current_position=any(p.is_current for p in member.positions),
        has_education=bool(member.education),
        skills=len(member.skills),
        has_location=bool(member.location.strip()),
        connections=connection_count(ctx.session, member.id),
    )


def profile_strength(ctx: Ctx, member: Member) -> Strength:
    """The strength of ``member``'s own profile."""
    return strength_of(
        profile_facts(ctx, member),
        connections_wanted=ctx.settings.profile_strength_connections,
    )
