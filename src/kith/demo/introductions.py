"""The demo member's introductions: a few requests in each state, as the demo member
made them, was asked for them, and received them. Written through the introductions
service, so every rule holds; the older ones are then dated back."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
from sqlalchemy import select, union_all

from kith.errors import KithError
from kith.introductions import service
from kith.models import Connection, IntroductionRequest, Member
from kith.uow import Ctx

NOTES = (
    "I'm moving into {industry} and would value {first}'s view on it.",
    "{first} spoke at a meetup I missed; I'd love to hear more about their work.",
    "We're hiring in {first}'s field and I'd like to ask their advice.",
    "{first} knows the people I'm trying to reach for a study.",
)
MESSAGES = (
    "Hi {first}, I'd be glad to connect and compare notes.",
    "Hello {first}, a mutual connection suggested we talk. Coffee sometime?",
    "Hi {first}, I've followed your work for a while and would love to connect.",
)
FORWARDS = (
    "{first} is great — worth talking to.",
    "I've worked with {first} for years; I think you two would get on.",
)


def _neighbours(ctx: Ctx, member_id: int) -> list[int]:
    rows = ctx.session.scalars(
        union_all(
            select(Connection.member_hi_id).where(Connection.member_lo_id == member_id),
            select(Connection.member_lo_id).where(Connection.member_hi_id == member_id),
        )
    )
    return sorted(int(r) for r in rows)


def _text(template: str, member: Member) -> str:
    return template.format(first=member.first_name, industry=member.industry.lower() or "it")


def _ask(
    ctx: Ctx, requester: Member, intermediary: Member, target: Member, k: int
) -> IntroductionRequest | None:
    try:
        with ctx.session.begin_nested():
            return service.ask(
                ctx,
                requester,
                intermediary,
                target,
                note=_text(NOTES[k % len(NOTES)], target),
                message=_text(MESSAGES[k % len(MESSAGES)], target),
                email=target.email,
            )
    except KithError:
        return None


def _triples(
    ctx: Ctx, demo_id: int, rng: np.random.Generator
) -> tuple[list[tuple[int, int]], list[tuple[int, int]], list[tuple[int, int]]]:
    """(intermediary, target) pairs for the demo member's requests; (requester,
    target) pairs of the demo member's connections who are not connected, for requests
    made of them; (requester, intermediary) pairs for introductions to them."""
    mine = _neighbours(ctx, demo_id)
    mine_set = set(mine)
    order = rng.permutation(len(mine)).tolist()
    asking: list[tuple[int, int]] = []
    introduced: list[tuple[int, int]] = []
    used: set[int] = set()
    for i in order[:40]:
        friend = mine[i]
        for other in _neighbours(ctx, friend):
            if other == demo_id or other in mine_set or other in used:
                continue
            used.add(other)
            if len(asking) < 5:
                asking.append((friend, other))
            elif len(introduced) < 3:
                introduced.append((other, friend))
            break
    asked: list[tuple[int, int]] = []
    for i in order[:30]:
        if len(asked) >= 4:
            break
        a = mine[i]
        theirs = set(_neighbours(ctx, a))
        for j in order:
            b = mine[j]
            if b != a and b not in theirs and b not in used and a not in used:
                asked.append((a, b))
                used.update((a, b))
                break
    return asking, asked, introduced


def demo_introductions(ctx: Ctx, demo_id: int, rng: np.random.Generator) -> int:
    """A few requests in each state for the demo member; returns how many were made."""
    get = ctx.session.get
    demo = get(Member, demo_id)
    assert demo is not None
    asking, asked, introduced = _triples(ctx, demo_id, rng)
    made = 0
    # Made by the demo member: waiting, forwarded, connected (thank the intermediary),
    # declined in silence (reads waiting), and one that lapsed a while ago.
    for k, (middle, target) in enumerate(asking):
        m, t = get(Member, middle), get(Member, target)
        assert m is not None
        assert t is not None
        req = _ask(ctx, demo, m, t, k)
        if req is None:
            continue
        made += 1
        if k in (1, 2):
            service.forward(ctx, m, req.id, _text(FORWARDS[k % 2], demo))
        if k == 2:
            service.accept(ctx, t, req.id)
        if k == 3:
            service.decline(ctx, m, req.id)
        if k == 4:
            req.created_at -= timedelta(days=40)
    # Asked of the demo member: two waiting, one forwarded, one declined.
    for k, (requester, target) in enumerate(asked):
        r, t = get(Member, requester), get(Member, target)
        assert r is not None
        assert t is not None
        req = _ask(ctx, r, demo, t, k + 1)
        if req is None:
            continue
        made += 1
        req.created_at -= timedelta(days=k + 1)
        if k == 2:
            service.forward(ctx, demo, req.id, _text(FORWARDS[0], r))
        elif k == 3:
            service.decline(ctx, demo, req.id)
    # Introduced to the demo member: two waiting for an answer, one accepted.
    for k, (requester, middle) in enumerate(introduced):
        r, m = get(Member, requester), get(Member, middle)
        assert r is not None
        assert m is not None
        req = _ask(ctx, r, m, demo, k + 2)
        if req is None:
            continue
        made += 1
        service.forward(ctx, m, req.id, _text(FORWARDS[k % 2], r))
        if k == 2:
            service.accept(ctx, demo, req.id)
    ctx.session.flush()
    return made
