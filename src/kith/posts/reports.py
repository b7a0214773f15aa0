"""Reports of posts and comments, and the administrators' queue.

A member reports a post or a comment they can see, once, with a reason from
:data:`kith.models.REPORT_REASONS`. Administrators see the open reports grouped by
the reported item, oldest first: the content, its author, how many members reported
it and why — never who. *Remove* deletes the content (its counts corrected), tells
its author with a ``post_removed`` notification that names it by its first words, and
resolves every report on it; *Dismiss* resolves them and leaves the content. Each
decision is kept in :class:`kith.models.ModerationAction`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import and_, func, select, update

from kith.community import audit
from kith.connections.queries import blocked_between
from kith.errors import Conflict, Invalid, NotFound
from kith.models import (
    REPORT_REASONS,
    Comment,
    ContentReport,
    Member,
    ModerationAction,
    Post,
)
from kith.notifications.service import notify
from kith.pagination import Page, PageRequest
from kith.posts.audience import visible_post
from kith.posts.engagement import comment_not_found, delete_comment
from kith.posts.engagement import visible_comment as readable_comment
from kith.posts.service import delete_post
from kith.uow import Ctx

Subject = Literal["post", "comment"]
DETAIL_MAX = 1000
EXCERPT_WORDS = 8


def report_not_found(subject: str = "item") -> NotFound:
    return NotFound(
        f"There are no open reports on that {subject}; another administrator may have "
        "dealt with them.",
        code="report_not_found",
    )


def require_admin(member: Member) -> None:
    """The reports queue is for the community's administrators."""
    audit.require_admin(member)


def excerpt(body: str, *, words: int = EXCERPT_WORDS) -> str:
    """The first words of ``body``, as a notification names a post: ``Excited to share…``."""
    parts = body.split()
    text = " ".join(parts[:words])
    if len(parts) > words:
        text += "…"
    return text[:150]


def _named(subject: Subject, body: str) -> str:
    """``your post “Excited to share…”`` (a post without words of its own is a repost)."""
    words = excerpt(body)
    what = "your post" if subject == "post" else "your comment"
    if not words:
        return "your repost" if subject == "post" else what
    return f"{what} “{words}”"


# --------------------------------------------------------------------------- reporting
def visible_comment(ctx: Ctx, viewer_id: int, comment_id: int) -> Comment:
    """A comment whose post ``viewer_id`` may read, by an author neither has blocked."""
    comment, _post = readable_comment(ctx, viewer_id, comment_id)
    if blocked_between(ctx.session, viewer_id, comment.author_id):
        raise comment_not_found()
    return comment


def _check_reason(reason: str, detail: str) -> str:
    if reason not in REPORT_REASONS:
        raise Invalid(
            "Choose a reason: " + ", ".join(REPORT_REASONS) + ".", code="invalid_report_reason"
        )
    detail = detail.strip()
    if len(detail) > DETAIL_MAX:
        raise Invalid(
            f"Say what is wrong in at most {DETAIL_MAX:,} characters.",
            code="report_detail_too_long",
        )
    return detail


def report(
    ctx: Ctx,
    reporter: Member,
    subject: Subject,
    item_id: int,
    *,
    reason: str,
    detail: str = "",
) -> ContentReport:
    """``reporter`` reports a post or a comment they can see, once.

    Something they cannot see is ``post_not_found`` (or ``comment_not_found``);
    their own content ``report_own``; a second report ``already_reported``."""
    if subject == "post":
        target = visible_post(ctx, reporter.id, item_id)
        author_id = target.author_id
        mine = ContentReport.post_id == item_id
    else:
        comment = visible_comment(ctx, reporter.id, item_id)
        author_id = comment.author_id
        mine = ContentReport.comment_id == item_id
    if author_id == reporter.id:
        raise Invalid(f"You can't report your own {subject}.", code="report_own")
    detail = _check_reason(reason, detail)
    # One report per member per item: take the reporter's row so that two reports
    # sent at once are decided one after the other (PostgreSQL; SQLite writes serially).
    ctx.session.execute(select(Member.id).where(Member.id == reporter.id).with_for_update())
    already = ctx.session.scalar(
        select(ContentReport.id).where(ContentReport.reporter_id == reporter.id, mine).limit(1)
    )
    if already is not None:
        raise Conflict(
            f"You have already reported this {subject}; an administrator will look at it.",
            code="already_reported",
        )
    row = ContentReport(
        reporter_id=reporter.id,
        post_id=item_id if subject == "post" else None,
        comment_id=item_id if subject == "comment" else None,
        reason=reason,
        detail=detail,
        created_at=ctx.clock.now(),
    )
    ctx.session.add(row)
    ctx.session.flush()
    return row


# --------------------------------------------------------------------------- the queue
@dataclass(frozen=True)
class ReportedItem:
    """One reported post or comment with its open reports (never who sent them)."""

    subject: Subject
    id: int
    post_id: int
    author: Member
    body: str
    created_at: datetime
    first_reported_at: datetime
    reporters: int
    reasons: list[tuple[str, int]]
    details: list[str]


def open_count(ctx: Ctx) -> int:
    """How many posts and comments wait for an administrator."""
    keys = (
        select(ContentReport.post_id, ContentReport.comment_id)
        .where(ContentReport.resolved_at.is_(None))
        .group_by(ContentReport.post_id, ContentReport.comment_id)
        .subquery()
    )
    return int(ctx.session.scalar(select(func.count()).select_from(keys)) or 0)


def queue(ctx: Ctx, admin: Member, req: PageRequest) -> Page[ReportedItem]:
    """The reported items with open reports, the longest waiting first."""
    require_admin(admin)
    first = func.min(ContentReport.created_at)
    keys = (
        select(ContentReport.post_id, ContentReport.comment_id, first.label("first"))
        .where(ContentReport.resolved_at.is_(None))
        .group_by(ContentReport.post_id, ContentReport.comment_id)
        .order_by(first, func.min(ContentReport.id))
        .offset(req.offset)
        .limit(req.per_page)
    )
    rows = ctx.session.execute(keys).all()
    total = open_count(ctx)
    items = [_item(ctx, post_id, comment_id, at) for post_id, comment_id, at in rows]
    return Page(items, total, req.page, req.per_page)


def _item(ctx: Ctx, post_id: int | None, comment_id: int | None, at: datetime) -> ReportedItem:
    if comment_id is not None:
        comment = ctx.session.get(Comment, comment_id)
        assert comment is not None
        subject: Subject = "comment"
        mine = ContentReport.comment_id == comment_id
        author, body, created, on_post = (
            comment.author,
            comment.body,
            comment.created_at,
            comment.post_id,
        )
        item_id = comment_id
    else:
        assert post_id is not None
        post = ctx.session.get(Post, post_id)
        assert post is not None
        subject = "post"
        mine = and_(ContentReport.post_id == post_id, ContentReport.comment_id.is_(None))
        author, body, created, on_post = post.author, post.body, post.created_at, post.id
        item_id = post_id
    reports = ctx.session.execute(
        select(ContentReport.reason, ContentReport.detail)
        .where(mine, ContentReport.resolved_at.is_(None))
        .order_by(ContentReport.created_at, ContentReport.id)
    ).all()
    reasons = Counter(reason for reason, _ in reports)
    return ReportedItem(
        subject=subject,
        id=item_id,
        post_id=on_post,
        author=author,
        body=body,
        created_at=created,
        first_reported_at=at,
        reporters=len(reports),
        reasons=sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])),
        details=[d for _, d in reports if d],
    )


def reported_item(ctx: Ctx, admin: Member, subject: Subject, item_id: int) -> ReportedItem:
    """One item with open reports, for an administrator; ``report_not_found`` otherwise."""
    require_admin(admin)
    mine = (
        ContentReport.comment_id == item_id
        if subject == "comment"
        else and_(ContentReport.post_id == item_id, ContentReport.comment_id.is_(None))
    )
    # Lock the open reports: of two administrators deciding at once, the second finds
    # them resolved (or gone with the content) and is told so.
    open_ids = ctx.session.scalars(
        select(ContentReport.id).where(mine, ContentReport.resolved_at.is_(None)).with_for_update()
    ).all()
    if not open_ids:
        raise report_not_found(subject)
    at = ctx.session.scalar(
        select(func.min(ContentReport.created_at)).where(ContentReport.id.in_(open_ids))
    )
    assert at is not None
    if subject == "comment":
        return _item(ctx, None, item_id, at)
    return _item(ctx, item_id, None, at)


# --------------------------------------------------------------------------- decisions
def _record(ctx: Ctx, admin: Member, action: str, item: ReportedItem) -> ModerationAction:
    row = ModerationAction(
        admin_id=admin.id,
        action=action,
        subject=item.subject,
        subject_id=item.id,
        author_id=item.author.id,
        excerpt=excerpt(item.body, words=30)[:200],
        reports=item.reporters,
        reasons=", ".join(f"{reason} ×{n}" for reason, n in item.reasons)[:200],
        created_at=ctx.clock.now(),
    )
    ctx.session.add(row)
    audit.record(
        ctx,
        admin,
        f"{item.subject}_{action}",
        item.subject,
        item.id,
        label=f"{item.author.name}: {excerpt(item.body)}",
        reason=row.reasons,
        detail={"reports": item.reporters, "author_id": item.author.id},
    )
    return row


def _resolve(ctx: Ctx, admin: Member, item: ReportedItem, outcome: str) -> None:
    mine = (
        ContentReport.comment_id == item.id
        if item.subject == "comment"
        else and_(ContentReport.post_id == item.id, ContentReport.comment_id.is_(None))
    )
    ctx.session.execute(
        update(ContentReport)
        .where(mine, ContentReport.resolved_at.is_(None))
        .values(resolved_at=ctx.clock.now(), resolved_by_id=admin.id, outcome=outcome)
    )


def dismiss(ctx: Ctx, admin: Member, subject: Subject, item_id: int) -> ModerationAction:
    """Resolve the open reports on an item and leave it as it is."""
    item = reported_item(ctx, admin, subject, item_id)
    _resolve(ctx, admin, item, "dismissed")
    action = _record(ctx, admin, "dismissed", item)
    ctx.session.flush()
    return action


def remove(ctx: Ctx, admin: Member, subject: Subject, item_id: int) -> ModerationAction:
    """Delete a reported item (its counts corrected), tell its author, and resolve
    every report on it; the reporters are never named."""
    item = reported_item(ctx, admin, subject, item_id)
    _resolve(ctx, admin, item, "removed")
    action = _record(ctx, admin, "removed", item)
    # The services' own deletions, on the standing of whoever may delete the item
    # (its author for a post; the post's author, who may delete any comment on it).
    if subject == "post":
        delete_post(ctx, item.author, item.id)
        notify(ctx, item.author.id, "post_removed", actor_id=None, detail=_named("post", item.body))
    else:
        post_author = ctx.session.get_one(Post, item.post_id).author
        delete_comment(ctx, post_author, item.id)
        notify(
            ctx,
            item.author.id,
            "post_removed",
            actor_id=None,
            post_id=item.post_id,
            detail=_named("comment", item.body)[:200],
        )
    ctx.session.flush()
    return action


def actions(ctx: Ctx, admin: Member, req: PageRequest) -> Page[ModerationAction]:
    """The moderation audit trail, newest first."""
    require_admin(admin)
    total = int(ctx.session.scalar(select(func.count()).select_from(ModerationAction)) or 0)
    rows = ctx.session.scalars(
        select(ModerationAction)
        .order_by(ModerationAction.created_at.desc(), ModerationAction.id.desc())
        .offset(req.offset)
        .limit(req.per_page)
    ).all()
    return Page(list(rows), total, req.page, req.per_page)
