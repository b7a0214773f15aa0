"""Profile actions and member lookup (with block visibility)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from sqlalchemy import String, bindparam, delete, select
from sqlalchemy.exc import IntegrityError

from kith import search_index
from kith.community import settings as community_settings
from kith.connections.queries import blocked_between, profile_counts
from kith.connections.service import Relationship, relationship
from kith.errors import Invalid, NotAuthenticated, NotFound
from kith.models import Company, Education, Member, MemberSkill, Position, School, Skill
from kith.uow import Ctx

CAREER_STAGES: dict[str, str] = {
    "student": "Student",
    "recent_graduate": "Recent graduate",
    "early_career": "Early career",
    "mid_career": "Mid-career",
    "executive": "Executive",
}
INDUSTRIES = (
    "Technology",
    "Media & Communications",
    "Financial Services",
    "Consumer Goods",
    "Manufacturing",
    "Healthcare",
    "Education",
    "Government",
    "Non-profit",
    "Professional Services",
    "Energy",
    "Real Estate",
)
INVITE_POLICIES = {
    "everyone": "Everyone",
    "email": "Only people who know my email address",
    "shared_connection": "Only members with whom I share a connection",
}
FOLLOW_POLICIES = {"everyone": "Everyone", "connections": "Only my connections"}
VISIBILITY = {"connections": "My connections", "only_me": "Only me"}

EXECUTIVE_TITLE = re.compile(
    r"\b(chief|ceo|cto|cfo|coo|cmo|cio|president|vp|vice president|founder|co-founder|"
    r"managing director|director|head of|partner|general manager)\b",
    re.IGNORECASE,
)
MAX_POSITIONS = 50
MAX_EDUCATION = 20
MAX_SKILLS = 50


def entity_key(name: str) -> str:
    """The matching key of a company, school or skill name: case and spacing folded."""
    return " ".join(re.sub(r"[^\w&+#.]+", " ", name.lower()).split())


E = TypeVar("E", Company, School, Skill)


def _get_or_create(ctx: Ctx, model: type[E], key: str, make: Callable[[], E]) -> E:
    """The entity with this key, created if missing. Two members adding the same new
    company at once both end up with the one row: the loser of the race re-reads."""
    found = ctx.session.scalar(select(model).where(model.key == key))
    if found is not None:
        return found
    entity = make()
    try:
        with ctx.session.begin_nested():
            ctx.session.add(entity)
    except IntegrityError:
        found = ctx.session.scalar(select(model).where(model.key == key))
        if found is None:
            raise
        return found
    return entity


def get_or_create_company(ctx: Ctx, name: str) -> Company:
    name = " ".join(name.split())
    key = entity_key(name)
    if not key:
        raise Invalid("A position needs a company.", code="invalid_position")
    return _get_or_create(
        ctx, Company, key, lambda: Company(name=name, key=key, created_at=ctx.clock.now())
    )


def get_or_create_school(ctx: Ctx, name: str) -> School:
    name = " ".join(name.split())
    key = entity_key(name)
    if not key:
        raise Invalid("An education entry needs a school.", code="invalid_education")
    return _get_or_create(
        ctx, School, key, lambda: School(name=name, key=key, created_at=ctx.clock.now())
    )


def get_or_create_skill(ctx: Ctx, name: str) -> Skill:
    name = " ".join(name.split())
    key = entity_key(name)
    if not key:
        raise Invalid("A skill needs a name.", code="invalid_skill")
    return _get_or_create(ctx, Skill, key, lambda: Skill(name=name, key=key))


def derived_career_stage(member: Member, now: datetime) -> str | None:
    """Career stage from positions and education when the member has not set one."""
    year = now.year
    current = [p for p in member.positions if p.end_year is None]
    if any(EXECUTIVE_TITLE.search(p.title) for p in current):
        return "executive"
    studying = any(
        e.end_year is not None and e.end_year >= year and (e.start_year or 0) <= year
        for e in member.education
    )
    if studying and not current:
        return "student"
    if not member.positions:
        if member.education:
            last = max((e.end_year or 0) for e in member.education)
            return "recent_graduate" if last >= year - 2 else None
        return None
    first = min(p.start_year for p in member.positions)
    years = year - first
    if years < 2:
        return "recent_graduate"
    if years < 6:
        return "early_career"
    return "mid_career"


def career_stage(member: Member, now: datetime) -> str | None:
    return member.career_stage or derived_career_stage(member, now)


#: Built once: every profile, invitation and message names a member by handle.
_BY_HANDLE = select(Member).where(Member.handle == bindparam("handle", type_=String))


def get_member(ctx: Ctx, handle: str) -> Member:
    member = ctx.session.scalar(_BY_HANDLE, {"handle": handle.lower()})
    if member is None or not member.is_active:
        raise NotFound(f"There is no member '{handle}'.", code="member_not_found")
    return member


def view_member(ctx: Ctx, viewer: Member | None, handle: str) -> Member:
    """The member behind ``handle`` as ``viewer`` may see them: a block either way
    makes them invisible, exactly as if they did not exist."""
    member = get_member(ctx, handle)
    if (
        viewer is not None
        and viewer.id != member.id
        and blocked_between(ctx.session, viewer.id, member.id)
    ):
        raise NotFound(f"There is no member '{handle}'.", code="member_not_found")
    return member


def public_member(ctx: Ctx, handle: str) -> Member:
    """The member behind ``handle`` for a signed-out visitor: only when the community
    makes profiles public (``public_profiles``); otherwise the visitor signs in first."""
    if not community_settings.current(ctx).public_profiles:
        raise NotAuthenticated("Sign in to see members' profiles.")
    return get_member(ctx, handle)


@dataclass
class PositionInput:
    company: str
    title: str
    start_year: int
    start_month: int | None = None
    end_year: int | None = None
    end_month: int | None = None
    location: str = ""
    description: str = ""


@dataclass
class EducationInput:
    school: str
    degree: str = ""
    field_of_study: str = ""
    start_year: int | None = None
    end_year: int | None = None


@dataclass
class ProfileInput:
    """Fields left as ``None`` are not changed."""

    first_name: str | None = None
    last_name: str | None = None
    headline: str | None = None
    about: str | None = None
    location: str | None = None
    industry: str | None = None
    career_stage: str | None = None  # "" clears the explicit stage
    positions: list[PositionInput] | None = None
    education: list[EducationInput] | None = None
    skills: list[str] | None = None
    websites: list[str] | None = None
    languages: list[str] | None = None
    certifications: list[str] | None = None
    settings: dict[str, object] = field(default_factory=dict)


def _text(value: str, limit: int, what: str, *, required: bool = False) -> str:
    value = value.strip()
    if required and not value:
        raise Invalid(f"Please give your {what}.", code="invalid_profile")
    if len(value) > limit:
        raise Invalid(f"The {what} can be at most {limit} characters.", code="invalid_profile")
    return value


def _entity_name(name: str, what: str, code: str) -> None:
    """Companies, schools and skills are matched by :func:`entity_key`; a name with
    nothing left to match on would merge every such name into one entity."""
    if not entity_key(name):
        raise Invalid(f"'{name}' is not a {what} name.", code=code)


def _check_years(start: int | None, end: int | None, now: datetime, what: str, code: str) -> None:
    for y in (start, end):
        if y is not None and not 1900 <= y <= now.year + 10:
            raise Invalid(f"{what}: {y} is not a plausible year.", code=code)
    if start is not None and end is not None and end < start:
        raise Invalid(f"{what}: the end year is before the start year.", code=code)


def _check_month(month: int | None) -> None:
    if month is not None and not 1 <= month <= 12:
        raise Invalid("Months run from 1 to 12.", code="invalid_position")


# The profile's short lists: how many entries, how long each, and what each is.
PROFILE_LISTS = {
    "websites": (10, 300, "web address"),
    "languages": (20, 100, "language"),
    "certifications": (50, 200, "certification"),
}


def _short_list(values: list[str], name: str) -> list[str]:
    most, longest, what = PROFILE_LISTS[name]
    # The limit is on what was sent (as the API's schema states it), blanks and
    # repeats included, before they are dropped.
    out = list(dict.fromkeys(v.strip() for v in values if v.strip()))
    if len(values) > most:
        raise Invalid(f"At most {most} {name}.", code="invalid_profile")
    for value in out:
        if len(value) > longest:
            raise Invalid(f"A {what} can be at most {longest} characters.", code="invalid_profile")
        if name == "websites" and not value.lower().startswith(("https://", "http://")):
            raise Invalid(f"{value!r} is not a web address (https://...).", code="invalid_profile")
    return out


def _check_position(p: PositionInput, now: datetime) -> None:
    _text(p.title, 200, "position title", required=True)
    _entity_name(_text(p.company, 200, "company", required=True), "company", "invalid_position")
    _text(p.location, 120, "position's location")
    _text(p.description, 2000, "position's description")
    _check_years(p.start_year, p.end_year, now, "Position", "invalid_position")
    _check_month(p.start_month)
    _check_month(p.end_month)


def _position(ctx: Ctx, p: PositionInput) -> Position:
    return Position(
        company=get_or_create_company(ctx, p.company),
        title=p.title.strip(),
        location=p.location.strip(),
        description=p.description.strip(),
        start_year=p.start_year,
        start_month=p.start_month,
        end_year=p.end_year,
        end_month=p.end_month,
    )


def add_position(ctx: Ctx, member: Member, data: PositionInput) -> Position:
    """Add one position to one's profile, keeping the others; the same rules as
    :func:`update_profile`."""
    _check_position(data, ctx.clock.now())
    if len(member.positions) >= MAX_POSITIONS:
        raise Invalid(f"At most {MAX_POSITIONS} positions.", code="invalid_position")
    position = _position(ctx, data)
    member.positions.append(position)
    ctx.session.flush()
    ctx.session.expire(member, ["positions"])  # read back in the profile's order
    return position


def update_profile(ctx: Ctx, member: Member, data: ProfileInput) -> Member:
    """Edit one's own profile. Everything is validated before anything changes."""
    now = ctx.clock.now()
    simple: dict[str, str] = {}
    if data.first_name is not None:
        simple["first_name"] = _text(data.first_name, 100, "first name", required=True)
    if data.last_name is not None:
        simple["last_name"] = _text(data.last_name, 100, "last name", required=True)
    if data.headline is not None:
        simple["headline"] = _text(data.headline, 220, "headline")
    if data.about is not None:
        simple["about"] = _text(data.about, 2600, "about section")
    if data.location is not None:
        simple["location"] = _text(data.location, 120, "location")
    if data.industry is not None:
        simple["industry"] = _text(data.industry, 100, "industry")
    stage: str | None = member.career_stage
    if data.career_stage is not None:
        if data.career_stage and data.career_stage not in CAREER_STAGES:
            raise Invalid(
                "Career stage is one of: " + ", ".join(CAREER_STAGES) + ".",
                code="invalid_career_stage",
            )
        stage = data.career_stage or None
    if data.positions is not None:
        if len(data.positions) > MAX_POSITIONS:
            raise Invalid(f"At most {MAX_POSITIONS} positions.", code="invalid_position")
        for p in data.positions:
            _check_position(p, now)
    if data.education is not None:
        if len(data.education) > MAX_EDUCATION:
            raise Invalid(f"At most {MAX_EDUCATION} schools.", code="invalid_education")
        for e in data.education:
            _entity_name(
                _text(e.school, 200, "school", required=True), "school", "invalid_education"
            )
            _text(e.degree, 200, "degree")
            _text(e.field_of_study, 200, "field of study")
            _check_years(e.start_year, e.end_year, now, "Education", "invalid_education")
    skills: list[str] | None = None
    if data.skills is not None:
        if len(data.skills) > MAX_SKILLS:
            raise Invalid(f"At most {MAX_SKILLS} skills.", code="invalid_skill")
        seen: dict[str, str] = {}
        for raw in data.skills:
            name = " ".join(raw.split())
            if not name:
                continue
            if len(name) > 100:
                raise Invalid("A skill can be at most 100 characters.", code="invalid_skill")
            _entity_name(name, "skill", "invalid_skill")
            seen.setdefault(entity_key(name), name)
        skills = list(seen.values())
    settings = _validated_settings(data.settings)
    lists = {
        name: _short_list(values, name)
        for name in PROFILE_LISTS
        if (values := getattr(data, name)) is not None
    }

    for key, value in simple.items():
        setattr(member, key, value)
    for name, entries in lists.items():
        setattr(member, name, entries)
    member.career_stage = stage
    for name, setting in settings.items():
        setattr(member, name, setting)
    if data.positions is not None:
        member.positions.clear()
        ctx.session.flush()
        for p in data.positions:
            member.positions.append(_position(ctx, p))
    if data.education is not None:
        member.education.clear()
        ctx.session.flush()
        for e in data.education:
            member.education.append(
                Education(
                    school=get_or_create_school(ctx, e.school),
                    degree=e.degree.strip(),
                    field_of_study=e.field_of_study.strip(),
                    start_year=e.start_year,
                    end_year=e.end_year,
                )
            )
    if skills is not None:
        ctx.session.execute(delete(MemberSkill).where(MemberSkill.member_id == member.id))
        for name in skills:
            skill = get_or_create_skill(ctx, name)
            ctx.session.add(MemberSkill(member_id=member.id, skill_id=skill.id))
        ctx.session.flush()
        ctx.session.expire(member, ["skills"])
        # The core DELETE above bypasses the ORM's flush, which keeps the search
        # document current for everything else; an emptied skill list needs this.
        search_index.refresh(ctx.session, [member.id])
    ctx.session.flush()
    return member


def _validated_settings(values: dict[str, object]) -> dict[str, object]:
    allowed: dict[str, dict[str, str]] = {
        "invite_policy": INVITE_POLICIES,
        "follow_policy": FOLLOW_POLICIES,
        "connections_visibility": VISIBILITY,
    }
    out: dict[str, object] = {}
    for key, value in values.items():
        if value is None:
            continue
        if key == "follow_primary":
            out[key] = bool(value)
        elif key in allowed:
            if value not in allowed[key]:
                raise Invalid(
                    f"{key} is one of: {', '.join(allowed[key])}.", code="invalid_setting"
                )
            out[key] = value
        else:
            raise Invalid(f"Unknown setting '{key}'.", code="invalid_setting")
    return out


@dataclass
class ProfileView:
    """Everything a profile shows, for the API and the page alike."""

    member: Member
    career_stage: str | None
    career_stage_derived: bool
    followers: int
    following: int
    connections: int
    relationship: Relationship | None  # None on one's own profile


def profile_view(ctx: Ctx, viewer: Member | None, member: Member) -> ProfileView:
    stage = career_stage(member, ctx.clock.now())
    followers, following, connections = profile_counts(ctx.session, member.id)
    rel = None
    if viewer is not None and viewer.id != member.id:
        rel = relationship(ctx, viewer, member)
    return ProfileView(
        member=member,
        career_stage=stage,
        career_stage_derived=member.career_stage is None and stage is not None,
        followers=followers,
        following=following,
        connections=connections,
        relationship=rel,
    )
