"""What the relationship pages offer around posts.

- "Due to reconnect" says when a connection posted lately ("Ana posted 2 days ago —
  say something") and links to that post, the newest one the owner may read.
- The owner's own new position or work anniversary can be shared as a post: the
  compose box opens with the news written out (:func:`share_text`), to edit or post.
- A connection's moment that they shared in a post is congratulated with a comment on
  that post (:func:`congratulate`), not a private message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from kith.errors import NotFound
from kith.models import Comment, Company, Member, Position
from kith.posts.engagement import add_comment
from kith.posts.recent import latest_visible
from kith.relationships.reconnect import DueEntry, Moment, moments
from kith.uow import Ctx

#: "Ana posted …" for posts of the last this many days.
RECENT_POST_DAYS = 30


@dataclass(frozen=True)
class RecentPost:
    post_id: int
    created_at: datetime
    first_name: str
    days: int

    @property
    def when(self) -> str:
        if self.days <= 0:
            return "today"
        if self.days == 1:
            return "yesterday"
        return f"{self.days} days ago"

    @property
    def prompt(self) -> str:
        """``Ana posted 2 days ago — say something``."""
        return f"{self.first_name} posted {self.when} — say something"


def recent_posts(ctx: Ctx, owner: Member, entries: Sequence[DueEntry]) -> dict[int, RecentPost]:
    """For the connections among ``entries``: their newest post of the last
    :data:`RECENT_POST_DAYS` days that ``owner`` may read, by member id (one statement)."""
    people = {e.member.id: e.member for e in entries if e.member is not None}
    now = ctx.clock.now()
    found = latest_visible(ctx, owner.id, list(people), now - timedelta(days=RECENT_POST_DAYS))
    return {
        author: RecentPost(
            post.id, post.created_at, people[author].first_name, (now - post.created_at).days
        )
        for author, post in found.items()
    }


# --------------------------------------------------------------------------- own moments
def own_moments(ctx: Ctx, owner: Member) -> list[Moment]:
    """The owner's own news to share: a position started in the last
    ``new_position_days``, or a work anniversary this month."""
    now = ctx.clock.now()
    recent = (now - timedelta(days=ctx.settings.new_position_days)).date()
    found: list[Moment] = []
    for position, company in ctx.session.execute(
        select(Position, Company.name)
        .join(Company, Company.id == Position.company_id)
        .where(Position.member_id == owner.id, Position.end_year.is_(None))
        .order_by(Position.id)
    ):
        started = date(position.start_year, position.start_month or 1, 1)
        if date(recent.year, recent.month, 1) <= started <= now.date():
            found.append(Moment(owner, "new_position", position.title, company, 0, started))
        elif position.start_month == now.month and position.start_year < now.year:
            years = now.year - position.start_year
            found.append(Moment(owner, "anniversary", position.title, company, years, started))
    return found


def share_text(moment: Moment) -> str:
    """The post the compose box opens with, to edit before posting."""
    if moment.kind == "new_position":
        return (
            f"Some personal news: I've started a new position as {moment.title} at "
            f"{moment.company}! Thank you to everyone who helped me get here."
        )
    plural = "year" if moment.years == 1 else "years"
    return (
        f"This month I celebrate {moment.years} {plural} at {moment.company}. "
        "Grateful for the people I get to work with."
    )


def own_moment(ctx: Ctx, owner: Member, kind: str) -> Moment:
    """The owner's own moment of ``kind`` (``new_position`` or ``anniversary``)."""
    for moment in own_moments(ctx, owner):
        if moment.kind == kind:
            return moment
    raise NotFound("You have no such news to share right now.", code="moment_not_found")


# --------------------------------------------------------------------------- congratulations
def congratulate(ctx: Ctx, owner: Member, member: Member) -> Comment:
    """Congratulate ``member`` on their moment in a comment on the post in which they
    shared it (the moment's suggested words); ``moment_not_found`` when they have no
    moment, or shared none in a post the owner may read."""
    for moment in moments(ctx, owner):
        if moment.member.id == member.id and moment.post_id is not None:
            return add_comment(ctx, owner, moment.post_id, moment.suggestion)
    raise NotFound(
        f"{member.first_name} has not shared this news in a post you can see.",
        code="moment_not_found",
    )
