"""Posts, comments and reactions in the JSON archive; LinkedIn's Shares.csv imported as
the member's own posts (several vintages), idempotent on re-import (both databases)."""

from __future__ import annotations

import base64
import io
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import select

from kith.models import Member, Post
from kith.portability.archive import member_archive
from kith.portability.importing import import_linkedin
from kith.portability.linkedin import read_export
from kith.portability.reports import report_of
from kith.posts import images
from kith.posts.service import Draft, publish
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.factories import bearer, connect, make_member
from tests.fixtures.images import image_bytes
from tests.fixtures.posts import make_comment, make_post, react

SHARES_2024 = (
    "Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility\n"
    "2024-03-04 15:22:10,https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A1,"
    '"Excited to share that I joined Acme!\n\nA new chapter, ""finally"".",,,MEMBER_NETWORK\n'
    "2023-11-20 08:00:00,https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A2,"
    '"Worth a read:",https://example.org/article,,PUBLIC\n'
    "2023-10-01 09:30:00,https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A3,"
    '"Our team at the offsite",,https://media.licdn.com/dms/image/x,CONNECTIONS\n'
    "not a date,https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A4,Lost,,,PUBLIC\n"
    "2023-09-01 10:00:00,https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A5,,,,PUBLIC\n"
)
# An older vintage: no Visibility, no ShareLink, Windows line endings, a byte-order mark,
# quotes escaped twice (still doubled once the CSV is read), once with the whole text
# wrapped in one more pair of quotes.
SHARES_2019 = (
    "\ufeffDate,ShareCommentary,SharedUrl,MediaUrl\r\n"
    '2019-05-06 12:00:00,"""He said """"hello"""" to me""",,\r\n'
    '2019-05-07 12:00:00,"Line one\r\nline two",https://example.com,\r\n'
    '2019-05-08 12:00:00,"A """"quoted"""" word",,\r\n'
).encode()


def _import(ctx: Ctx, owner: Member, data: bytes, name: str = "Shares.csv"):  # type: ignore[no-untyped-def]
    return report_of(import_linkedin(ctx, owner, read_export([(name, data)])))


def _posts(ctx: Ctx, owner: Member) -> list[Post]:
    return list(
        ctx.session.scalars(
            select(Post).where(Post.author_id == owner.id).order_by(Post.created_at)
        )
    )


def test_shares_become_own_posts_with_their_dates_only_for_the_owner(ctx: Ctx) -> None:
    ana = make_member(ctx, "Ana")
    report = _import(ctx, ana, SHARES_2024.encode())
    posts = _posts(ctx, ana)
    assert [p.created_at for p in posts] == [
        datetime(2023, 10, 1, 9, 30, tzinfo=UTC),
        datetime(2023, 11, 20, 8, 0, tzinfo=UTC),
        datetime(2024, 3, 4, 15, 22, 10, tzinfo=UTC),
    ]
    assert {p.audience for p in posts} == {"only_me"}
    assert {p.source for p in posts} == {"linkedin"}
    assert posts[2].body == 'Excited to share that I joined Acme!\n\nA new chapter, "finally".'
    assert posts[1].body == "Worth a read:\n\nhttps://example.org/article"
    assert posts[0].body == "Our team at the offsite"
    statuses = {(r.line, r.status) for r in report.rows}
    assert statuses == {(2, "post"), (5, "post"), (6, "post"), (7, "skipped"), (8, "skipped")}
    image_row = next(r for r in report.rows if r.line == 6)
    assert "image" in image_row.warning
    assert report.counts["post"] == 3

    again = _import(ctx, ana, SHARES_2024.encode())
    assert len(_posts(ctx, ana)) == 3
    assert again.counts["post"] == 0
    assert again.counts["unchanged"] == 3


def test_older_vintage_without_links_or_visibility(ctx: Ctx) -> None:
    ana = make_member(ctx, "Ana")
    report = _import(ctx, ana, SHARES_2019, "Shares (1).csv")
    posts = _posts(ctx, ana)
    assert [p.body for p in posts] == [
        'He said "hello" to me',
        "Line one\nline two\n\nhttps://example.com",
        'A "quoted" word',
    ]
    assert all(p.source_key and p.source_key.startswith("linkedin-sha256:") for p in posts)
    assert report.counts["post"] == 3
    assert _import(ctx, ana, SHARES_2019).counts["unchanged"] == 3


def test_a_share_file_without_its_columns_is_listed_not_used(ctx: Ctx) -> None:
    files = {"Shares.csv": b"Foo,Bar\n1,2\n", "Skills.csv": b"Name\nPython\n"}
    export = read_export([("export.zip", _zip(files))])
    assert [(s.name, s.status) for s in export.sources] == [
        ("Shares.csv", "not_used"),
        ("Skills.csv", "read"),
    ]
    assert export.shares == []


def _zip(files: dict[str, bytes]) -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return out.getvalue()


def test_archive_holds_posts_with_images_comments_and_reactions(kith: Kith) -> None:
    with kith.uow() as ctx:
        ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben")
        connect(ctx, ana, ben)
        ana_id, ben_id = ana.id, ben.id

    def find(ctx: Ctx) -> Member:
        return ctx.session.get_one(Member, ana_id)

    upload = images.Upload(io.BytesIO(image_bytes("PNG", (800, 400))), "A chart")
    publish(kith, find, Draft("My chart"), [upload])
    with kith.uow() as ctx:
        ana, ben = ctx.session.get_one(Member, ana_id), ctx.session.get_one(Member, ben_id)
        bens = make_post(ctx, ben, "Ben's secret text")
        comment = make_comment(ctx, ana, bens, "Great post")
        react(ctx, ana, bens, "insightful")
        react(ctx, ana, comment, "like")
        make_post(ctx, ana, "Reposting", repost_of_id=bens.id)
        archive = member_archive(ctx, ana)
        bens_id, comment_id = bens.id, comment.id
    posts = archive["posts"]
    assert [p["body"] for p in posts] == ["My chart", "Reposting"]
    image = posts[0]["images"][0]
    assert (image["alt"], image["media_type"], image["width"]) == ("A chart", "image/webp", 800)
    assert base64.b64decode(image["data_base64"])[:4] == b"RIFF"
    assert posts[1]["repost_of"]["url"].endswith(f"/posts/{bens_id}")
    assert "Ben's secret text" not in str(archive)
    assert [c["body"] for c in archive["comments"]] == ["Great post"]
    assert archive["comments"][0]["post"]["author"]["handle"] == ben.handle
    assert [(r["kind"], r["comment"]) for r in archive["reactions"]] == [
        ("insightful", None),
        ("like", comment_id),
    ]
    assert all(r["post"]["url"].endswith(f"/posts/{bens_id}") for r in archive["reactions"])


def test_import_through_the_api(kith: Kith, client: TestClient) -> None:
    with kith.uow() as ctx:
        ana = make_member(ctx, "Ana")
        auth, ana_id = bearer(ctx, ana), ana.id
    r = client.post(
        "/api/v1/me/imports",
        headers=auth,
        files={"files": ("Shares.csv", SHARES_2024.encode(), "text/csv")},
    )
    assert r.status_code == 201, r.text
    with kith.uow(write=False) as ctx:
        assert len(_posts(ctx, ctx.session.get_one(Member, ana_id))) == 3
