"""LinkedIn posts (``Shares.csv``) brought in as the member's own posts.

Each share becomes a post with its original date, its text and the link it shared,
visible to the member alone (``only_me``) until they choose an audience for it. Its
address on LinkedIn (``ShareLink``; else a digest of its date and text) is the post's
``source_key``, so importing the same export again adds nothing: rows already
imported read "already imported". The export does not carry the images themselves:
a share with an image keeps its text and says so in the report.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from kith.clock import day_text
from kith.models import Member, Post
from kith.portability.records import ShareRow
from kith.portability.reports import ReportRow
from kith.uow import Ctx

__all__ = ["SOURCE", "import_shares", "share_body", "share_key"]

SOURCE = "linkedin"
BODY_MAX = 3000
_CHUNK = 500


def share_key(row: ShareRow) -> str:
    """The post's ``source_key``: LinkedIn's address of the share, else a digest."""
    if row.share_link:
        return f"linkedin:{row.share_link}"[:400]
    digest = hashlib.sha256(f"{row.posted_at.isoformat()}\n{row.commentary}".encode()).hexdigest()
    return f"linkedin-sha256:{digest}"


def share_body(row: ShareRow) -> tuple[str, str]:
    """The post's text (with the shared link when the text lacks it), and a warning."""
    body = row.commentary
    if row.shared_url and row.shared_url not in body:
        body = f"{body}\n\n{row.shared_url}".strip()
    warnings = []
    if row.media_url and not row.shared_url:
        warnings.append("its image is not in LinkedIn's export: the text is kept")
    if len(body) > BODY_MAX:
        body = body[: BODY_MAX - 1].rstrip() + "…"
        warnings.append(f"shortened to {BODY_MAX:,} characters")
    return body, "; ".join(warnings)


def import_shares(ctx: Ctx, owner: Member, shares: Sequence[ShareRow]) -> list[ReportRow]:
    """Write ``shares`` as ``owner``'s posts (only they see them), skipping those an
    earlier import brought; one report row each."""
    if not shares:
        return []
    keys = [share_key(r) for r in shares]
    have: set[str] = set()
    for start in range(0, len(keys), _CHUNK):
        have.update(
            k
            for k in ctx.session.scalars(
                select(Post.source_key).where(
                    Post.author_id == owner.id, Post.source_key.in_(keys[start : start + _CHUNK])
                )
            )
            if k is not None
        )
    rows: list[ReportRow] = []
    values = []
    for row, key in zip(shares, keys, strict=True):
        said = f"post of {day_text(row.posted_at.date())}"
        if key in have:
            rows.append(ReportRow(row.file, row.line, "unchanged", f"{said}: already imported"))
            continue
        have.add(key)  # the same share twice in one upload is one post
        body, warning = share_body(row)
        values.append(
            {
                "author_id": owner.id,
                "body": body,
                "audience": "only_me",
                "source": SOURCE,
                "source_key": key,
                "created_at": row.posted_at,
                "notify": True,
                "reaction_count": 0,
                "comment_count": 0,
                "repost_count": 0,
            }
        )
        rows.append(
            ReportRow(
                row.file,
                row.line,
                "post",
                f"{said}: only you see it until you choose an audience",
                warning=warning,
            )
        )
    dialect = ctx.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    for start in range(0, len(values), _CHUNK):
        # A concurrent import of the same file adds each post once.
        ctx.session.execute(
            insert(Post)
            .values(values[start : start + _CHUNK])
            .on_conflict_do_nothing(index_elements=["author_id", "source_key"])
        )
    return rows
