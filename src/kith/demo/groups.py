"""The demo community's groups: a few dozen of every size and kind (public, private,
unlisted), their members drawn mostly from the group's industry or place, a few
managers, posts in each with the busier groups busier, requests waiting in private
groups, and the demo member in several: owning one private group with requests to
answer, managing another, and invited to a third. Written in bulk; every count in a
group's row equals the rows it counts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from kith.models import Group, GroupInvitation, GroupMember, Post
from kith.uow import Ctx

Bulk = Callable[..., Any]

TOPICS = {
    "default": ["careers", "mentoring", "events"],
}
NAMES = (
    "{industry} Professionals",
    "{industry} Leaders Circle",
    "Women in {industry}",
    "{place} {industry} Meetup",
    "{place} Network",
    "Early Careers in {industry}",
    "{industry} Founders",
    "{industry} Research Exchange",
)
POSTS = (
    "Who is going to the {industry} meetup in {place} next month?",
    "Sharing the slides from last week's session on hiring in {industry}. Thoughts welcome!",
    "What is one book every newcomer to {industry} should read?",
    "We are looking for two volunteers to help run the next {place} event.",
    "Reminder: introduce yourself in the comments if you joined this month.",
    "A useful read on where {industry} is heading this year.",
    "Does anyone have experience moving from {industry} into consulting?",
    "Our mentoring round opens on Monday: reply here if you would like a mentor.",
)
RULES = (
    "Be kind and on topic. No recruiting spam. Ask before sharing members' posts outside the group."
)


@dataclass(frozen=True)
class Members:
    """What the groups need to know about the members, by index."""

    ids: Sequence[int]
    industries: Sequence[str]
    places: Sequence[str]
    joined: Sequence[datetime]


@dataclass(frozen=True)
class GroupsResult:
    groups: int
    memberships: int
    posts: int


def _sizes(rng: np.random.Generator, count: int, members: int) -> list[int]:
    """Heavy-tailed: most groups small, a few large (at most half the community)."""
    most = max(5, members // 2)
    raw = np.exp(rng.uniform(np.log(5), np.log(most), size=count))
    return sorted((int(min(most, max(5, r))) for r in raw), reverse=True)


def _members_of(
    rng: np.random.Generator, people: Members, size: int, industry: str, place: str
) -> list[int]:
    """``size`` member indexes, from the group's industry or place first."""
    n = len(people.ids)
    fits = [i for i in range(n) if people.industries[i] == industry or people.places[i] == place]
    fitting = set(fits)
    others = [i for i in range(n) if i not in fitting]
    rng.shuffle(fits)
    rng.shuffle(others)
    return (fits + others)[: min(size, n)]


def seed_groups(
    ctx: Ctx,
    rng: np.random.Generator,
    now: datetime,
    people: Members,
    demo: int,
    *,
    bulk: Bulk,
    bulk_ids: Bulk,
) -> GroupsResult:
    """Write the demo groups; ``demo`` is the demo member's index."""
    n = len(people.ids)
    count = max(6, min(36, n // 25))
    kinds = ["public"] * count
    for i in range(count):
        kinds[i] = "private" if i % 3 == 1 else "unlisted" if i % 9 == 8 else "public"
    sizes = _sizes(rng, count, n)
    industries = sorted({i for i in people.industries if i}) or ["Technology"]
    places = sorted({p for p in people.places if p}) or ["Lisbon"]
    group_rows: list[dict[str, Any]] = []
    plans: list[tuple[list[int], list[int]]] = []  # (members, requesters) by group
    seen_names: set[str] = set()
    for g in range(count):
        industry = industries[int(rng.integers(len(industries)))]
        place = places[int(rng.integers(len(places)))]
        name = NAMES[g % len(NAMES)].format(industry=industry, place=place.split(",")[0])
        if name in seen_names:
            name = f"{name} {g + 1}"
        seen_names.add(name)
        chosen = _members_of(rng, people, sizes[g], industry, place)
        # The demo member owns the first private group, manages the largest public one
        # and belongs to two more.
        if demo in chosen:
            chosen.remove(demo)
        if g == 1:
            chosen.insert(0, demo)
        elif g == 0:
            chosen.insert(1, demo)
        elif g in (2, 4):
            chosen.append(demo)
        requesters: list[int] = []
        if kinds[g] == "private":
            inside = set(chosen) | {demo}
            outside = [i for i in range(n) if i not in inside]
            picks = rng.choice(len(outside), size=min(len(outside), 3), replace=False)
            requesters = [outside[int(p)] for p in picks]
        plans.append((chosen, requesters))
        created = now - timedelta(days=int(rng.integers(60, 900)))
        town = place.split(",")[0]
        group_rows.append(
            {
                "name": name,
                "description": f"A place for {industry.lower()} people around {town} to "
                "share news, ask for advice and meet.",
                "rules": RULES,
                "industry": industry,
                "topics": [industry.lower(), *TOPICS["default"][: 1 + g % 3]],
                "questions": ["What brings you to the group?"] if kinds[g] == "private" else [],
                "kind": kinds[g],
                "logo_key": None,
                "post_approval": kinds[g] == "private" and g % 2 == 0,
                "pinned_post_id": None,
                "member_count": len(chosen),
                "request_count": len(requesters),
                "created_by_id": people.ids[chosen[0]],
                "created_at": created,
                "archived_at": None,
            }
        )
    group_ids = bulk_ids(ctx, Group, group_rows)
    rows: list[dict[str, Any]] = []
    post_rows: list[dict[str, Any]] = []
    for g, (chosen, requesters) in enumerate(plans):
        created = group_rows[g]["created_at"]
        span = max(1, int((now - created).total_seconds() // 60))
        for rank, i in enumerate(chosen):
            role = (
                "owner"
                if rank == 0
                else "manager"
                if rank <= max(1, len(chosen) // 200)
                else "member"
            )
            joined = created + timedelta(minutes=int(span * rank / max(1, len(chosen))))
            rows.append(
                {
                    "group_id": group_ids[g],
                    "member_id": people.ids[i],
                    "status": "member",
                    "role": role,
                    "answers": [],
                    "requested_at": None,
                    "declined_at": None,
                    "joined_at": joined,
                    "managing_since": joined if role != "member" else None,
                    "banned_at": None,
                    "seen_at": now - timedelta(days=3),
                    "approved_posts": 0,
                }
            )
        for i in requesters:
            rows.append(
                {
                    "group_id": group_ids[g],
                    "member_id": people.ids[i],
                    "status": "requested",
                    "role": "member",
                    "answers": ["I work in this field and would like to learn from the group."],
                    "requested_at": now - timedelta(hours=int(rng.integers(1, 96))),
                    "declined_at": None,
                    "joined_at": None,
                    "managing_since": None,
                    "banned_at": None,
                    "seen_at": None,
                    "approved_posts": 0,
                }
            )
        industry, place = group_rows[g]["industry"], people.places[chosen[0]].split(",")[0]
        for k in range(min(12, 2 + len(chosen) // 15)):
            author = chosen[int(rng.integers(len(chosen)))]
            at = now - timedelta(minutes=int(rng.integers(5, 60 * 24 * 20)))
            post_rows.append(
                {
                    "author_id": people.ids[author],
                    "body": POSTS[(g + k) % len(POSTS)].format(industry=industry, place=place),
                    "audience": "group",
                    "audience_group_id": group_ids[g],
                    "awaiting_approval": False,
                    "notify": True,
                    "reaction_count": 0,
                    "comment_count": 0,
                    "repost_count": 0,
                    "source": "",
                    "created_at": at,
                }
            )
    bulk(ctx, GroupMember, rows)
    bulk(ctx, Post, post_rows)
    # Someone the demo member knows invites them to a group they are not in.
    outside = [g for g, (chosen, _r) in enumerate(plans) if demo not in chosen]
    if outside:
        g = outside[0]
        inviter = plans[g][0][0]
        bulk(
            ctx,
            GroupInvitation,
            [
                {
                    "group_id": group_ids[g],
                    "inviter_id": people.ids[inviter],
                    "invitee_id": people.ids[demo],
                    "status": "pending",
                    "created_at": now - timedelta(hours=5),
                    "answered_at": None,
                }
            ],
        )
    return GroupsResult(groups=count, memberships=len(rows), posts=len(post_rows))
