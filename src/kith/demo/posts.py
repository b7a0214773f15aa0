"""The demo community's posts: news, job changes, questions and articles shared per
industry over the past months, with reactions, comment threads and reposts that follow
the demo's relationships (mostly from the author's own connections), every count
exact, and a feed for the demo member that is alive on first sign-in.

Everything is decided in memory first (so each post's counts are known before it is
written), then written in bulk: a handful of statements per table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from kith.demo import post_vocabulary as words
from kith.models import Comment, Notification, Post, PostImpression, PostMention, Reaction
from kith.uow import Ctx

Progress = Callable[[str, int], None]
Bulk = Callable[..., Any]

DAYS = 180  # how far back posts go
REACTION_KINDS = ("like", "celebrate", "support", "love", "insightful", "funny")
REACTION_WEIGHTS = np.array([0.55, 0.18, 0.07, 0.07, 0.1, 0.03])
JOB_WEIGHTS = np.array([0.3, 0.5, 0.05, 0.12, 0.02, 0.01])


@dataclass(frozen=True)
class People:
    """What the posts need to know about the members, by index (database ids in ``ids``)."""

    ids: Sequence[int]
    handles: Sequence[str]
    first_names: Sequence[str]
    industries: Sequence[str]
    places: Sequence[str]
    joined: Sequence[datetime]
    current: Sequence[tuple[str, str] | None]  # (title, company) of the current position
    neighbours: Sequence[np.ndarray[Any, np.dtype[np.int64]]]  # connections, as indexes


@dataclass
class _Post:
    author: int
    body: str
    at: datetime
    audience: str = "anyone"
    kind: str = "news"
    repost_of: int | None = None  # index into the plan's posts
    mention: int | None = None
    reactions: list[tuple[int, str, datetime]] = field(default_factory=list)
    comments: list[_Comment] = field(default_factory=list)
    reposts: int = 0


@dataclass
class _Comment:
    author: int
    body: str
    at: datetime
    replies: list[_Comment] = field(default_factory=list)
    reactions: list[tuple[int, str, datetime]] = field(default_factory=list)


@dataclass(frozen=True)
class PostsResult:
    posts: int
    comments: int
    reactions: int


def _pick(rng: np.random.Generator, options: Sequence[str]) -> str:
    return options[int(rng.integers(0, len(options)))]


def _after(rng: np.random.Generator, at: datetime, now: datetime, hours: float) -> datetime:
    return min(now - timedelta(minutes=1), at + timedelta(hours=float(rng.uniform(0.2, hours))))


def _body(rng: np.random.Generator, people: People, i: int, kind: str, slug: int) -> str:
    industry = people.industries[i]
    things, questions, topics = words.TOPICS.get(industry, words.TOPICS["Technology"])
    current = people.current[i]
    company = current[1] if current else "our company"
    if kind == "job" and current:
        return _pick(rng, words.JOB).format(
            title=current[0], company=company, place=people.places[i]
        )
    if kind == "question":
        return _pick(rng, words.QUESTIONS).format(
            question=_pick(rng, questions), industry=industry.lower()
        )
    if kind == "article":
        topic = _pick(rng, topics)
        url = f"https://news.example.com/{topic.replace(' ', '-').lower()}-{slug}"
        return _pick(rng, words.ARTICLES).format(topic=topic, url=url)
    return _pick(rng, words.NEWS).format(company=company, thing=_pick(rng, things))


def _when(rng: np.random.Generator, now: datetime, joined: datetime, days: float) -> datetime:
    """A moment in the last ``days`` (recent ones likelier), after the member joined."""
    age = timedelta(days=float(min(days, rng.exponential(days / 3))))
    return max(now - age, joined + timedelta(hours=1))


def _reactions(
    rng: np.random.Generator,
    people: People,
    post: _Post,
    now: datetime,
    busy: float,
) -> None:
    mine = people.neighbours[post.author]
    n = min(mine.size, int(rng.poisson(busy)))
    chosen = [int(x) for x in rng.choice(mine, size=n, replace=False)] if n else []
    # A few from beyond one's connections on posts open to anyone.
    if post.audience == "anyone" and rng.random() < 0.3:
        other = int(rng.integers(0, len(people.ids)))
        if other != post.author and other not in chosen:
            chosen.append(other)
    weights = JOB_WEIGHTS if post.kind == "job" else REACTION_WEIGHTS
    kinds = rng.choice(len(REACTION_KINDS), size=len(chosen), p=weights / weights.sum())
    post.reactions = [
        (who, REACTION_KINDS[int(k)], _after(rng, post.at, now, 72))
        for who, k in zip(chosen, kinds, strict=True)
    ]


def _comments(rng: np.random.Generator, people: People, post: _Post, now: datetime) -> None:
    mine = people.neighbours[post.author]
    if not mine.size:
        return
    n = min(mine.size, int(rng.poisson(2.5 if post.kind in ("job", "question") else 1.0)))
    for who in (int(x) for x in rng.choice(mine, size=n, replace=False)) if n else ():
        pool = words.JOB_COMMENTS if post.kind == "job" else words.COMMENTS
        current = people.current[post.author]
        body = _pick(rng, pool).format(
            first=people.first_names[post.author], company=current[1] if current else "They"
        )
        comment = _Comment(who, body, _after(rng, post.at, now, 48))
        if rng.random() < 0.4:  # the author answers
            reply = _pick(rng, words.REPLIES).format(first=people.first_names[who])
            comment.replies.append(_Comment(post.author, reply, _after(rng, comment.at, now, 24)))
        if rng.random() < 0.12:  # someone else joins the thread
            other = int(mine[int(rng.integers(0, mine.size))])
            if other != who:
                reply = _pick(rng, words.REPLIES).format(first=people.first_names[who])
                comment.replies.append(_Comment(other, reply, _after(rng, comment.at, now, 24)))
        if rng.random() < 0.35:
            likers = [int(x) for x in rng.choice(mine, size=min(3, mine.size), replace=False)]
            comment.reactions = [
                (x, "like", _after(rng, comment.at, now, 24)) for x in likers if x != who
            ]
        post.comments.append(comment)


def plan_posts(rng: np.random.Generator, people: People, now: datetime, demo: int) -> list[_Post]:
    """Every post, reaction, comment and repost, decided in memory."""
    plan: list[_Post] = []
    members = len(people.ids)
    activity = rng.gamma(0.8, 1.5, size=members)  # a few post a lot, many rarely
    friends_of_demo = set(people.neighbours[demo].tolist())
    for i in range(members):
        count = int(rng.poisson(activity[i]))
        if i in friends_of_demo and rng.random() < 0.6:
            count += 1  # the demo member's connections were active lately
        if i == demo:
            count = max(count, 3)
        for k in range(count):
            kind = str(rng.choice(["news", "job", "question", "article"], p=[0.3, 0.15, 0.2, 0.35]))
            if kind == "job" and people.current[i] is None:
                kind = "article"
            days = 14.0 if (i in friends_of_demo and k == 0) else float(DAYS)
            post = _Post(
                author=i,
                body=_body(rng, people, i, kind, len(plan)),
                at=_when(rng, now, people.joined[i], days),
                audience="connections" if rng.random() < 0.25 else "anyone",
                kind=kind,
            )
            mine = people.neighbours[i]
            if mine.size and rng.random() < 0.15:
                post.mention = int(mine[int(rng.integers(0, mine.size))])
                post.body += _pick(rng, words.MENTIONS).format(handle=people.handles[post.mention])
            busy = float(rng.gamma(2.0, 4.0)) * (1.6 if kind == "job" else 1.0)
            _reactions(rng, people, post, now, busy)
            _comments(rng, people, post, now)
            plan.append(post)
    # Reposts: a connection passes on a post open to anyone, now and then.
    for index in range(len(plan)):
        original = plan[index]
        mine = people.neighbours[original.author]
        if original.audience != "anyone" or not mine.size or rng.random() > 0.04:
            continue
        who = int(mine[int(rng.integers(0, mine.size))])
        body = "" if rng.random() < 0.5 else "Worth sharing with my network."
        plan.append(
            _Post(who, body, _after(rng, original.at, now, 96), kind="repost", repost_of=index)
        )
        original.reposts += 1
    return plan


def write_posts(
    ctx: Ctx,
    plan: list[_Post],
    people: People,
    demo: int,
    *,
    bulk: Bulk,
    bulk_ids: Bulk,
    progress: Progress | None = None,
) -> PostsResult:
    """Write ``plan`` in bulk, each count equal to the rows it counts."""
    ids = people.ids
    originals = [p for p in plan if p.repost_of is None]
    post_ids: dict[int, int] = {}

    def row(p: _Post) -> dict[str, Any]:
        replies = sum(len(c.replies) for c in p.comments)
        return {
            "author_id": ids[p.author],
            "body": p.body,
            "audience": p.audience,
            "repost_of_id": None if p.repost_of is None else post_ids[p.repost_of],
            "notify": True,
            "reaction_count": len(p.reactions),
            "comment_count": len(p.comments) + replies,
            "repost_count": p.reposts,
            "source": "",
            "created_at": p.at,
        }

    index = {id(p): n for n, p in enumerate(plan)}
    made = bulk_ids(ctx, Post, [row(p) for p in originals])
    for p, pid in zip(originals, made, strict=True):
        post_ids[index[id(p)]] = pid
    reposts = [p for p in plan if p.repost_of is not None]
    for p, pid in zip(reposts, bulk_ids(ctx, Post, [row(p) for p in reposts]), strict=True):
        post_ids[index[id(p)]] = pid
    if progress:
        progress("posts", len(plan))

    tops = [(n, c) for n, p in enumerate(plan) for c in p.comments]
    top_ids = bulk_ids(
        ctx,
        Comment,
        [
            {
                "post_id": post_ids[n],
                "parent_id": None,
                "author_id": ids[c.author],
                "body": c.body,
                "reaction_count": len(c.reactions),
                "reply_count": len(c.replies),
                "created_at": c.at,
            }
            for n, c in tops
        ],
    )
    replies = [
        {
            "post_id": post_ids[n],
            "parent_id": parent,
            "author_id": ids[r.author],
            "body": r.body,
            "reaction_count": 0,
            "reply_count": 0,
            "created_at": r.at,
        }
        for (n, c), parent in zip(tops, top_ids, strict=True)
        for r in c.replies
    ]
    if replies:
        bulk(ctx, Comment, replies)
    if progress:
        progress("comments", len(tops) + len(replies))

    reactions = [
        {
            "member_id": ids[who],
            "post_id": post_ids[n],
            "comment_id": None,
            "kind": kind,
            "created_at": at,
        }
        for n, p in enumerate(plan)
        for who, kind, at in p.reactions
    ] + [
        {"member_id": ids[who], "post_id": None, "comment_id": cid, "kind": kind, "created_at": at}
        for (_, c), cid in zip(tops, top_ids, strict=True)
        for who, kind, at in c.reactions
    ]
    if reactions:
        bulk(ctx, Reaction, reactions, progress, "reactions")
    mentions = [
        {"post_id": post_ids[n], "comment_id": None, "member_id": ids[p.mention]}
        for n, p in enumerate(plan)
        if p.mention is not None
    ]
    if mentions:
        bulk(ctx, PostMention, mentions)
    # The demo member's own posts were seen: their insights page has figures to show.
    seen = []
    for n, p in enumerate(plan):
        if p.author == demo and p.repost_of is None:
            reach = max(1, len(p.reactions)) * 6
            for degree, share in ((1, 0.6), (2, 0.3), (3, 0.1)):
                seen.append({"post_id": post_ids[n], "degree": degree, "count": int(reach * share)})
    if seen:
        bulk(ctx, PostImpression, seen)
    # ... and what happened on them waits in their notifications, unread.
    notes = []
    for (n, c), cid in zip(tops, top_ids, strict=True):
        if plan[n].author == demo and c.author != demo:
            notes.append(_note(ids[demo], "post_comment", ids[c.author], post_ids[n], cid, c.at))
    for n, p in enumerate(plan):
        if p.author == demo and p.reactions:
            who, _, at = max(p.reactions, key=lambda r: r[2])
            note = _note(ids[demo], "post_reaction", ids[who], post_ids[n], None, at)
            note["detail"] = str(len(p.reactions))
            notes.append(note)
    if notes:
        bulk(ctx, Notification, notes)
    return PostsResult(
        posts=len(plan),
        comments=len(tops) + len(replies),
        reactions=len(reactions),
    )


def _note(
    member_id: int, kind: str, actor_id: int, post_id: int, comment_id: int | None, at: datetime
) -> dict[str, Any]:
    return {
        "member_id": member_id,
        "kind": kind,
        "actor_id": actor_id,
        "invitation_id": None,
        "post_id": post_id,
        "comment_id": comment_id,
        "detail": "",
        "created_at": at,
        "read_at": None,
    }
