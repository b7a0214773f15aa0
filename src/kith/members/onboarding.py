"""The welcome sequence after sign-up: four short steps, each skippable. Which steps
are done is read from the profile itself (a headline, a current position, a network
begun), so nothing about the sequence is stored."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, select

from kith.connections.queries import connection_count
from kith.members import service
from kith.members.strength import has_photo
from kith.models import ImportRun, Invitation, Member, Position
from kith.uow import Ctx


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    done: bool

    @property
    def path(self) -> str:
        return f"/welcome/{self.key}"


STEPS = (
    ("photo", "Photo and headline"),
    ("position", "Current position"),
    ("network", "Bring your network"),
    ("people", "People you may know"),
)
KEYS = tuple(key for key, _ in STEPS)
DONE_PATH = "/mynetwork"


def steps(ctx: Ctx, member: Member) -> list[Step]:
    """The steps in order, each marked done when the profile already has what it asks."""
    connected = connection_count(ctx.session, member.id) > 0
    imported = bool(ctx.session.scalar(select(exists().where(ImportRun.owner_id == member.id))))
    invited = bool(ctx.session.scalar(select(exists().where(Invitation.sender_id == member.id))))
    done = {
        "photo": bool(member.headline.strip()) and has_photo(member),
        "position": any(p.is_current for p in member.positions),
        "network": imported or connected,
        "people": invited or connected,
    }
    return [Step(key, title, done[key]) for key, title in STEPS]


def first_open_step(ctx: Ctx, member: Member) -> Step:
    """Where ``/welcome`` starts: the first step not done yet, else the last one."""
    all_steps = steps(ctx, member)
    return next((s for s in all_steps if not s.done), all_steps[-1])


def after(key: str) -> str:
    """Where a step leads when saved or skipped: the next step, or home after the last."""
    index = KEYS.index(key)
    return f"/welcome/{KEYS[index + 1]}" if index + 1 < len(KEYS) else DONE_PATH


def before(key: str) -> str | None:
    index = KEYS.index(key)
    return f"/welcome/{KEYS[index - 1]}" if index > 0 else None


def save_headline(ctx: Ctx, member: Member, headline: str) -> None:
    """The first step: the headline, under the profile's own rules."""
    service.update_profile(ctx, member, service.ProfileInput(headline=headline))


def add_current_position(
    ctx: Ctx, member: Member, *, title: str, company: str, start_year: int, start_month: int | None
) -> Position:
    """The second step: the position one holds now, added beside any others."""
    return service.add_position(
        ctx,
        member,
        service.PositionInput(
            company=company, title=title, start_year=start_year, start_month=start_month
        ),
    )
