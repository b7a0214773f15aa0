"""The full archive of a member's data, as one JSON document.

:func:`member_archive` gathers everything the member owns: their account and
settings, their profile, their connections, the invitations they sent and received
(each with its status as the member sees it), follows both ways, the blocks they
made, the messages they sent and received by conversation, their private
relationship data (tiers, tags, every contact with its notes and interactions),
their posts (with their images), comments and reactions, the endorsements they
gave and received (and those imported from LinkedIn), their network map (the picture
as SVG, with its circles), their groups (owned, memberships, requests, invitations
sent), their notifications and their imports. It reads set-wise, in
:data:`ARCHIVE_QUERY_COUNT` statements whatever the size of the network.

Only what is the member's own goes in. Other members appear by name, handle and
profile URL, never with their email address or anything they keep privately (their
tags or notes about the member); no password hash or token digest is read.

Examples
--------
>>> sorted(ARCHIVE_KEYS)[:4]
['account', 'blocks', 'comments', 'connections']
"""

from __future__ import annotations

import base64
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, or_, select, union_all
from sqlalchemy.orm import aliased

from kith.connections.queries import closed_by_block_of, sent_after_a_report
from kith.connections.service import status_for
from kith.members.photos import SHAPES, media_store, media_url
from kith.members.service import career_stage
from kith.models import (
    Block,
    Connection,
    Contact,
    ContactNote,
    ContactTag,
    Conversation,
    Follow,
    ImportRun,
    Interaction,
    Invitation,
    Member,
    Message,
    Notification,
    Tag,
    Tier,
)
from kith.models.former import FORMER_MEMBER, is_former_handle
from kith.portability.archive_endorsements import (
    ENDORSEMENTS_QUERY_COUNT,
    endorsements_archive,
)
from kith.portability.archive_groups import GROUPS_QUERY_COUNT, groups_archive
from kith.portability.archive_introductions import (
    INTRODUCTIONS_QUERY_COUNT,
    introductions_archive,
)
from kith.portability.archive_network_map import network_map_archive
from kith.portability.archive_posts import POSTS_QUERY_COUNT, posts_archive
from kith.portability.archive_recommendations import (
    RECOMMENDATIONS_QUERY_COUNT,
    recommendations_archive,
)
from kith.uow import Ctx

__all__ = [
    "ARCHIVE_FORMAT",
    "ARCHIVE_KEYS",
    "ARCHIVE_QUERY_COUNT",
    "ARCHIVE_VERSION",
    "Archive",
    "archive_download",
    "archive_json",
    "member_archive",
]

ARCHIVE_FORMAT = "kith-archive"
ARCHIVE_VERSION = 1
# Statements :func:`member_archive` runs for a member loaded in the session, whatever
# the number of connections, invitations, messages or contacts (a test pins it); with
# the network engine running, the network map adds NETWORK_MAP_QUERY_COUNT.
ARCHIVE_QUERY_COUNT = (
    18
    + POSTS_QUERY_COUNT
    + ENDORSEMENTS_QUERY_COUNT
    + RECOMMENDATIONS_QUERY_COUNT
    + INTRODUCTIONS_QUERY_COUNT
    + GROUPS_QUERY_COUNT
)
ARCHIVE_KEYS = (
    "format",
    "version",
    "exported_at",
    "account",
    "profile",
    "connections",
    "invitations",
    "follows",
    "blocks",
    "conversations",
    "relationships",
    "posts",
    "comments",
    "reactions",
    "endorsements",
    "recommendations",
    "introductions",
    "network_map",
    "groups",
    "notifications",
    "imports",
)


def _when(value: datetime | date | None) -> str | None:
    return None if value is None else value.isoformat()


class _People:
    """Other members as the archive names them: name, handle and profile URL only."""

    def __init__(self, base_url: str) -> None:
        self.base = base_url.rstrip("/")

    def __call__(self, first: str | None, last: str | None, handle: str | None) -> Any:
        if handle is None:
            return None
        if is_former_handle(handle):
            return {"name": FORMER_MEMBER, "handle": None, "url": None}
        return {
            "name": f"{first or ''} {last or ''}".strip(),
            "handle": handle,
            "url": f"{self.base}/in/{handle}",
        }


def member_archive(ctx: Ctx, member: Member) -> dict[str, Any]:
    """Everything ``member`` owns, as a JSON-serialisable dict (see :data:`ARCHIVE_KEYS`).

    Times are ISO 8601 with their UTC offset, dates ``YYYY-MM-DD``. Lists are oldest
    first, except the profile's positions and education (current and newest first, as
    the profile shows them).
    """
    person = _People(ctx.settings.base_url)
    me = member.id
    invitations, blocks = _invitations_and_blocks(ctx, me, person)
    posts = posts_archive(ctx, me, person, _when)
    return {
        "format": ARCHIVE_FORMAT,
        "version": ARCHIVE_VERSION,
        "exported_at": _when(ctx.clock.now()),
        "account": _account(member),
        "profile": _profile(ctx, member),
        "connections": _connections(ctx, me, person),
        "invitations": invitations,
        "follows": _follows(ctx, me, person),
        "blocks": blocks,
        "conversations": _conversations(ctx, me, person),
        "relationships": _relationships(ctx, me, person),
        "posts": posts["posts"],
        "comments": posts["comments"],
        "reactions": posts["reactions"],
        "endorsements": endorsements_archive(ctx, me, person, _when),
        "recommendations": recommendations_archive(ctx, me, person, _when),
        "introductions": introductions_archive(ctx, me, person, _when),
        "network_map": network_map_archive(ctx, member),
        "groups": groups_archive(ctx, me, person, _when),
        "notifications": _notifications(ctx, me, person),
        "imports": _imports(ctx, me),
    }


def archive_json(archive: dict[str, Any]) -> str:
    """The archive as indented UTF-8 JSON text, ending with a newline."""
    return json.dumps(archive, indent=2, ensure_ascii=False) + "\n"


@dataclass(frozen=True, slots=True)
class Archive:
    """A member's archive ready to download: the JSON text and its file name."""

    body: str
    filename: str
    media_type: str = "application/json"


def archive_download(ctx: Ctx, member: Member) -> Archive:
    """The archive as the download the API, the pages and the CLI hand out."""
    return Archive(archive_json(member_archive(ctx, member)), f"kith-{member.handle}-archive.json")


# -- the member -----------------------------------------------------------------------


def _account(member: Member) -> dict[str, Any]:
    return {
        "email": member.email,
        "handle": member.handle,
        "created_at": _when(member.created_at),
        "role": member.role,
        "settings": {
            "invite_policy": member.invite_policy,
            "follow_policy": member.follow_policy,
            "connections_visibility": member.connections_visibility,
            "follow_primary": member.follow_primary,
        },
    }


def _profile(ctx: Ctx, member: Member) -> dict[str, Any]:
    # positions (with their companies), education (with schools) and skills: 3 statements
    stage = career_stage(member, ctx.clock.now())
    return {
        "first_name": member.first_name,
        "last_name": member.last_name,
        "headline": member.headline,
        "about": member.about,
        "location": member.location,
        "industry": member.industry,
        "career_stage": stage,
        "career_stage_derived": member.career_stage is None and stage is not None,
        "positions": [
            {
                "company": p.company.name,
                "title": p.title,
                "location": p.location,
                "description": p.description,
                "start_year": p.start_year,
                "start_month": p.start_month,
                "end_year": p.end_year,
                "end_month": p.end_month,
                "current": p.is_current,
            }
            for p in sorted(
                member.positions,
                key=lambda p: (not p.is_current, -p.start_year, -(p.start_month or 0), p.id),
            )
        ],
        "education": [
            {
                "school": e.school.name,
                "degree": e.degree,
                "field_of_study": e.field_of_study,
                "start_year": e.start_year,
                "end_year": e.end_year,
            }
            for e in sorted(
                member.education, key=lambda e: (e.start_year is None, -(e.start_year or 0), e.id)
            )
        ],
        "skills": [s.name for s in member.skills],
        "websites": list(member.websites or []),
        "languages": list(member.languages or []),
        "certifications": list(member.certifications or []),
        "photo": _picture(ctx, member.photo_key, "photo"),
        "cover": _picture(ctx, member.cover_key, "cover"),
    }


def _picture(ctx: Ctx, key: str | None, kind: str) -> dict[str, Any] | None:
    """The photo or cover image at its largest width, the file itself in the archive
    (base64), as it was uploaded after cropping and without metadata; None for none."""
    if not key:
        return None
    shape = SHAPES[kind]
    width = shape.widths[-1]
    path = media_store(ctx.settings).file(key, width)
    if path is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    w, h = shape.size(width)
    return {
        "file": f"{kind}-{w}x{h}.webp",
        "media_type": "image/webp",
        "width": w,
        "height": h,
        "url": ctx.settings.base_url.rstrip("/") + media_url(key, width),
        "data_base64": base64.b64encode(data).decode("ascii"),
    }


# -- the network ----------------------------------------------------------------------


def _connections(ctx: Ctx, me: int, person: _People) -> list[dict[str, Any]]:
    cols = (Connection.created_at, Connection.inviter_id, Connection.context, Connection.id)
    lo = select(Connection.member_hi_id.label("other"), *cols).where(Connection.member_lo_id == me)
    hi = select(Connection.member_lo_id.label("other"), *cols).where(Connection.member_hi_id == me)
    mine = union_all(lo, hi).subquery("mine")
    inviter = aliased(Member)
    rows = ctx.session.execute(
        select(
            Member.first_name,
            Member.last_name,
            Member.handle,
            mine.c.created_at,
            inviter.handle,
            mine.c.context,
        )
        .join(mine, mine.c.other == Member.id)
        .join(inviter, inviter.id == mine.c.inviter_id)
        .where(Member.is_active.is_(True))
        .order_by(mine.c.created_at, mine.c.id)
    ).all()
    return [
        {
            **person(first, last, handle),
            "connected_at": _when(since),
            "invited_by": invited_by,
            "context": context,
        }
        for first, last, handle, since, invited_by, context in rows
    ]


def _invitations_and_blocks(
    ctx: Ctx, me: int, person: _People
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The invitations both ways as the member sees them, and the blocks they made
    (read first: a block the member did not make closes an invitation silently)."""
    blocked = aliased(Member)
    block_rows = ctx.session.execute(
        select(Block, blocked.first_name, blocked.last_name, blocked.handle)
        .join(blocked, blocked.id == Block.blocked_id)
        .where(Block.blocker_id == me)
        .order_by(Block.created_at, Block.id)
    ).all()

    sender, recipient = aliased(Member), aliased(Member)
    rows = ctx.session.execute(
        select(
            Invitation,
            sender.first_name,
            sender.last_name,
            sender.handle,
            recipient.first_name,
            recipient.last_name,
            recipient.handle,
        )
        .join(sender, sender.id == Invitation.sender_id)
        .join(recipient, recipient.id == Invitation.recipient_id)
        .where(
            or_(
                Invitation.sender_id == me,
                # one sent after "I don't know this person" never reached the recipient
                # (stored undelivered, or since cancelled by a block)
                (Invitation.recipient_id == me)
                & ~(Invitation.status.in_(("undelivered", "cancelled")) & sent_after_a_report()),
            )
        )
        .order_by(Invitation.created_at, Invitation.id)
    ).all()
    sent: list[dict[str, Any]] = []
    received: list[dict[str, Any]] = []
    for inv, s_first, s_last, s_handle, r_first, r_last, r_handle in rows:
        status = status_for(ctx, inv, me)
        if status == "cancelled" and closed_by_block_of(ctx.session, inv) not in (None, me):
            # closed by the other member's block: to the member they blocked it does not
            # exist, as in the API and on the pages (the blocker does not either)
            continue
        base = {"sent_at": _when(inv.created_at), "note": inv.note, "context": inv.context}
        if inv.sender_id == me:
            # when an answer came stays unsaid: an ignore must not show through
            sent.append(
                {
                    "to": person(r_first, r_last, r_handle),
                    **base,
                    "status": status,
                    "withdrawn_at": _when(inv.withdrawn_at),
                }
            )
        else:
            received.append(
                {
                    "from": person(s_first, s_last, s_handle),
                    **base,
                    "status": status,
                    "closed_at": _when(inv.responded_at),
                }
            )
    blocks = [
        {
            **person(first, last, handle),
            "blocked_at": _when(b.created_at),
            "unblocked_at": _when(b.unblocked_at),
        }
        for b, first, last, handle in block_rows
    ]
    return {"sent": sent, "received": received}, blocks


def _follows(ctx: Ctx, me: int, person: _People) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, mine, theirs in (
        ("following", Follow.follower_id, Follow.followee_id),
        ("followers", Follow.followee_id, Follow.follower_id),
    ):
        rows = ctx.session.execute(
            select(Member.first_name, Member.last_name, Member.handle, Follow.created_at)
            .join(Follow, theirs == Member.id)
            .where(mine == me, Member.is_active.is_(True))
            .order_by(Follow.created_at, Member.id)
        ).all()
        out[key] = [
            {**person(first, last, handle), "since": _when(since)}
            for first, last, handle, since in rows
        ]
    return out


def _sender(handle: str) -> str:
    """Who wrote a message that is not the member's: the other side's handle, or
    "Former member" once that account is deleted."""
    return FORMER_MEMBER if is_former_handle(handle) else handle


def _conversations(ctx: Ctx, me: int, person: _People) -> list[dict[str, Any]]:
    other = aliased(Member)
    mine = or_(Conversation.member_lo_id == me, Conversation.member_hi_id == me)
    other_id = case(
        (Conversation.member_lo_id == me, Conversation.member_hi_id),
        else_=Conversation.member_lo_id,
    )
    conversations = ctx.session.execute(
        select(Conversation.id, Conversation.created_at, other.first_name, other.last_name)
        .add_columns(other.handle)
        .join(other, other.id == other_id)
        .where(mine)
        .order_by(Conversation.created_at, Conversation.id)
    ).all()
    messages: dict[int, list[tuple[int, str, datetime]]] = defaultdict(list)
    for conversation_id, sender_id, body, created_at in ctx.session.execute(
        select(Message.conversation_id, Message.sender_id, Message.body, Message.created_at)
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(mine)
        .order_by(Message.conversation_id, Message.seq)
    ):
        messages[int(conversation_id)].append((int(sender_id), str(body), created_at))
    return [
        {
            "with": person(first, last, handle),
            "started_at": _when(started),
            "messages": [
                {
                    "from": "me" if sender_id == me else _sender(handle),
                    "sent_at": _when(when),
                    "body": body,
                }
                for sender_id, body, when in messages.get(cid, [])
            ],
        }
        for cid, started, first, last, handle in conversations
    ]


# -- private relationship data --------------------------------------------------------


def _relationships(ctx: Ctx, me: int, person: _People) -> dict[str, Any]:
    tiers = ctx.session.scalars(
        select(Tier).where(Tier.owner_id == me).order_by(Tier.position, Tier.id)
    ).all()
    tags = ctx.session.scalars(select(Tag).where(Tag.owner_id == me).order_by(Tag.key)).all()
    other, matched = aliased(Member), aliased(Member)
    contacts = ctx.session.execute(
        select(
            Contact,
            Tier.name,
            other.first_name,
            other.last_name,
            other.handle,
            matched.first_name,
            matched.last_name,
            matched.handle,
        )
        .outerjoin(Tier, Tier.id == Contact.tier_id)
        .outerjoin(other, other.id == Contact.other_id)
        .outerjoin(matched, matched.id == Contact.matched_member_id)
        .where(Contact.owner_id == me)
        .order_by(Contact.created_at, Contact.id)
    ).all()
    contact_tags: dict[int, list[str]] = defaultdict(list)
    for contact_id, name in ctx.session.execute(
        select(ContactTag.contact_id, Tag.name)
        .join(Tag, Tag.id == ContactTag.tag_id)
        .where(Tag.owner_id == me)
        .order_by(Tag.key)
    ):
        contact_tags[int(contact_id)].append(str(name))
    notes: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for contact_id, body, created, updated in ctx.session.execute(
        select(
            ContactNote.contact_id, ContactNote.body, ContactNote.created_at, ContactNote.updated_at
        )
        .join(Contact, Contact.id == ContactNote.contact_id)
        .where(Contact.owner_id == me)
        .order_by(ContactNote.created_at, ContactNote.id)
    ):
        notes[int(contact_id)].append(
            {"body": body, "created_at": _when(created), "updated_at": _when(updated)}
        )
    interactions: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for i in ctx.session.scalars(
        select(Interaction)
        .join(Contact, Contact.id == Interaction.contact_id)
        .where(Contact.owner_id == me)
        .order_by(Interaction.occurred_at, Interaction.id)
    ):
        interactions[i.contact_id].append(
            {
                "kind": i.kind,
                "note": i.note,
                "occurred_at": _when(i.occurred_at),
                "automatic": i.automatic,
                "count": i.count,
            }
        )
    out = []
    for c, tier, o_first, o_last, o_handle, m_first, m_last, m_handle in contacts:
        entry: dict[str, Any]
        if c.other_id is not None:
            entry = {"private": False, "member": person(o_first, o_last, o_handle)}
        else:
            entry = {
                "private": True,
                "name": c.name,
                "email": c.email,  # from the owner's own source, so theirs to take
                "company": c.company,
                "title": c.title,
                "url": c.url,
                "source": c.source,
                "connected_on": _when(c.connected_elsewhere_on),
                "matched_member": person(m_first, m_last, m_handle),
                "match": c.match,
            }
        entry |= {
            "tier": tier,
            "tags": contact_tags.get(c.id, []),
            "how_we_met": c.how_we_met,
            "cadence_days": c.cadence_days,
            "snoozed_until": _when(c.snoozed_until),
            "last_interaction_at": _when(c.last_interaction_at),
            "last_message_at": _when(c.last_message_at),
            "created_at": _when(c.created_at),
            "notes": notes.get(c.id, []),
            "interactions": interactions.get(c.id, []),
        }
        out.append(entry)
    return {
        "tiers": [{"name": t.name, "cadence_days": t.cadence_days} for t in tiers],
        "tags": [{"name": t.name, "cadence_days": t.cadence_days} for t in tags],
        "contacts": out,
    }


# -- the rest -------------------------------------------------------------------------


def _notifications(ctx: Ctx, me: int, person: _People) -> list[dict[str, Any]]:
    actor = aliased(Member)
    rows = ctx.session.execute(
        select(
            Notification.kind,
            Notification.created_at,
            Notification.read_at,
            actor.first_name,
            actor.last_name,
            actor.handle,
        )
        .outerjoin(actor, actor.id == Notification.actor_id)
        .where(Notification.member_id == me)
        .order_by(Notification.created_at, Notification.id)
    ).all()
    return [
        {
            "kind": kind,
            "actor": person(first, last, handle),
            "created_at": _when(created),
            "read_at": _when(read),
        }
        for kind, created, read, first, last, handle in rows
    ]


def _report_summary(report: str) -> dict[str, Any]:
    """An import run's report in brief: the files read, the number of rows of each
    outcome (``counts``) and of rows in all; the rows themselves stay in Kith."""
    try:
        data = json.loads(report or "{}")
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return {"files": [], "counts": {}, "rows": 0}
    files, counts, rows = data.get("files"), data.get("counts"), data.get("rows")
    return {
        "files": [str(f) for f in files] if isinstance(files, list) else [],
        "counts": {
            str(k): v
            for k, v in (counts.items() if isinstance(counts, dict) else ())
            if isinstance(v, int) and not isinstance(v, bool)
        },
        "rows": len(rows) if isinstance(rows, list) else 0,
    }


def _imports(ctx: Ctx, me: int) -> list[dict[str, Any]]:
    rows = ctx.session.execute(
        select(ImportRun.created_at, ImportRun.filename, ImportRun.seconds, ImportRun.report)
        .where(ImportRun.owner_id == me)
        .order_by(ImportRun.created_at, ImportRun.id)
    ).all()
    return [
        {
            "created_at": _when(created),
            "filename": filename,
            "seconds": seconds,
            **_report_summary(report),
        }
        for created, filename, seconds, report in rows
    ]
