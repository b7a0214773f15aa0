"""Post pages and the rest of the API on both databases: compose with images, the
refusals kept beside the form, edit and delete with confirmation, activity by cursor,
the images endpoint, the profile's Activity part and the mention notification."""

from __future__ import annotations

import re
from types import SimpleNamespace

from fastapi.testclient import TestClient
from sqlalchemy import select

from kith.models import PostImpression
from kith.posts import engagement as engage
from kith.posts import impressions
from kith.posts.audience import POST_NOT_FOUND
from kith.posts.service import Audience, Draft, create_post
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.factories import bearer, connect, make_member
from tests.fixtures.images import image_bytes, jpeg_with_exif
from tests.fixtures.pages import alerts, csrf, page_text, post, sign_in_as
from tests.fixtures.refusals import refused

API = "/api/v1"


def test_compose_with_images_then_edit_and_delete(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana = make_member(ctx, "Ana", handle="ana-writer")
    ben = make_member(ctx, "Ben", handle="ben-reader")
    connect(ctx, ana, ben)
    sign_in_as(client, ctx, ana)
    page = client.get("/posts/new")
    assert page.status_code == 200
    assert 'name="audience"' in page.text
    assert ">Connections<" in page.text
    assert 'data-mentions="post-mentions"' in page.text

    response = client.post(
        "/posts",
        data={
            "csrf_token": csrf(client, kith),
            "body": "Hello @ben-reader, see https://kith.example/news",
            "audience": "connections",
            "alt_1": "A flag",
            "alt_2": "ignored: no file",
        },
        files={
            "image_1": ("flag.jpg", jpeg_with_exif((800, 400)), "image/jpeg"),
            "image_2": ("", b"", "application/octet-stream"),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    url = response.headers["location"]
    post_id = int(url.rsplit("/", 1)[1])
    page = client.get(url)
    assert 'alt="A flag"' in page.text
    assert 'width="400" height="800"' in page.text
    assert '<a href="/in/ben-reader" class="mention">@ben-reader</a>' in page.text
    assert 'rel="nofollow noopener ugc"' in page.text
    assert "Connections" in page_text(page.text)

    # Refusals come back beside the form, with what was written kept.
    refused_page = post(client, kith, "/posts", {"body": "x" * 3001, "audience": "anyone"})
    assert refused_page.status_code == 422
    assert alerts(refused_page.text) == [
        "A post can be at most 3,000 characters; this one has 3,001."
    ]
    assert "x" * 3001 in refused_page.text
    tier_page = post(client, kith, "/posts", {"body": "Hi", "audience": "tier:99999"})
    assert tier_page.status_code == 404
    assert "You have no such tier" in alerts(tier_page.text)[0]
    bad = client.post(
        "/posts",
        data={"csrf_token": csrf(client, kith), "body": "Hi"},
        files={"image_1": ("x.gif", image_bytes("GIF"), "image/gif")},
        follow_redirects=False,
    )
    assert bad.status_code == 422
    assert "not a JPEG, PNG or WebP" in alerts(bad.text)[0]

    # Edit: the form shows the post; saving marks it edited.
    form = client.get(f"/posts/{post_id}/edit")
    assert "Hello @ben-reader" in form.text
    assert 'value="connections" selected' in form.text
    saved = post(client, kith, f"/posts/{post_id}/edit", {"body": "Changed", "audience": "anyone"})
    assert saved.status_code == 303
    assert "Edited" in page_text(client.get(f"/posts/{post_id}").text)
    empty = post(client, kith, f"/posts/{post_id}/edit", {"body": " ", "audience": "anyone"})
    assert empty.status_code == 303  # a post with an image may have no text
    assert "Changed" not in client.get(f"/posts/{post_id}").text
    # Ben may read it, but not edit or delete it.
    sign_in_as(client, ctx, ben)
    assert client.get(f"/posts/{post_id}/edit").status_code == 403
    assert client.get(f"/posts/{post_id}/delete").status_code == 403
    # Delete asks first, then goes.
    sign_in_as(client, ctx, ana)
    confirm = client.get(f"/posts/{post_id}/delete")
    assert "Delete this post?" in confirm.text
    gone = post(client, kith, f"/posts/{post_id}/delete")
    assert gone.status_code == 303
    assert gone.headers["location"] == "/in/ana-writer/activity?deleted=1"
    assert "The post was deleted." in client.get(gone.headers["location"]).text
    missing = client.get(f"/posts/{post_id}")
    assert missing.status_code == 404
    assert POST_NOT_FOUND in page_text(missing.text).replace("’", "'")


def test_the_edit_page_replaces_and_removes_images_with_the_text_in_one_step(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    ana = make_member(ctx, "Ana", handle="ana-pics")
    sign_in_as(client, ctx, ana)
    made = client.post(
        "/posts",
        data={"csrf_token": csrf(client, kith), "body": "", "alt_1": "First"},
        files={"image_1": ("a.jpg", jpeg_with_exif((600, 600)), "image/jpeg")},
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    post_id = int(made.headers["location"].rsplit("/", 1)[1])
    form = client.get(f"/posts/{post_id}/edit")
    assert 'enctype="multipart/form-data"' in form.text
    assert 'alt="First"' in form.text
    assert "Remove these images" in form.text

    def alts_now() -> list[str]:
        return re.findall(r'<img[^>]+alt="([^"]*)"', client.get(f"/posts/{post_id}").text)

    # A post with no text keeps an image: removing it alone is refused, nothing changes.
    kept = post(client, kith, f"/posts/{post_id}/edit", {"body": "", "remove_images": "on"})
    assert kept.status_code == 422
    assert alerts(kept.text) == ["Write something to post, or add an image."]
    assert "First" in alts_now()
    # A damaged file is refused beside the form, and the text is not saved either.
    damaged = client.post(
        f"/posts/{post_id}/edit",
        data={"csrf_token": csrf(client, kith), "body": "New words", "alt_1": "Broken"},
        files={"image_1": ("b.jpg", b"\xff\xd8 not really", "image/jpeg")},
        follow_redirects=False,
    )
    assert damaged.status_code == 422
    assert "New words" not in client.get(f"/posts/{post_id}").text
    # New files take the place of the current images, with the text, in one step.
    replaced = client.post(
        f"/posts/{post_id}/edit",
        data={"csrf_token": csrf(client, kith), "body": "New words", "alt_1": "Second"},
        files={"image_1": ("c.png", image_bytes("PNG", (500, 500)), "image/png")},
        follow_redirects=False,
    )
    assert replaced.status_code == 303, replaced.text
    page = client.get(f"/posts/{post_id}").text
    assert "New words" in page
    assert "Second" in alts_now()
    assert "First" not in alts_now()
    # With text, the images can go.
    removed = post(
        client, kith, f"/posts/{post_id}/edit", {"body": "Words only", "remove_images": "on"}
    )
    assert removed.status_code == 303
    assert "Second" not in alts_now()
    assert "Edited" in page_text(client.get(f"/posts/{post_id}").text)


def test_activity_pages_by_cursor_and_the_profile_part(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    ana = make_member(ctx, "Ana", handle="ana-busy")
    ben = make_member(ctx, "Ben", handle="ben-viewer")
    headers = bearer(ctx, ana)
    ids = []
    for i in range(45):
        kith.clock.advance(minutes=1)  # type: ignore[attr-defined]
        response = client.post(f"{API}/posts", json={"body": f"Note {i}"}, headers=headers)
        ids.append(response.json()["id"])
    seen: list[int] = []
    url = f"{API}/members/ana-busy/activity?per_page=20"
    while True:
        page = client.get(url, headers=bearer(ctx, ben)).json()
        seen += [item["id"] for item in page["items"]]
        if not page["next_cursor"]:
            break
        url = f"{API}/members/ana-busy/activity?per_page=20&cursor={page['next_cursor']}"
    assert seen == list(reversed(ids))

    sign_in_as(client, ctx, ben)
    first = client.get("/in/ana-busy/activity")
    assert "Note 44" in first.text
    assert "Note 24" not in first.text
    older = re.search(r'href="(/in/ana-busy/activity\?cursor=[^"]+)"', first.text)
    assert older is not None
    second = client.get(older.group(1).replace("&amp;", "&"))
    assert "Note 24" in second.text
    assert "Note 44" not in second.text
    profile = client.get("/in/ana-busy")
    assert "Activity" in profile.text
    assert "Note 44" in profile.text
    assert 'href="/in/ana-busy/activity"' in profile.text
    # One's own activity page has the compose box.
    sign_in_as(client, ctx, ana)
    assert 'action="/posts"' in client.get("/in/ana-busy/activity").text


def test_activity_comments_and_reactions_page_and_api(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    ana = make_member(ctx, "Ana", "Ruiz", handle="ana-poster")
    ben = make_member(ctx, "Ben", handle="ben-engaged")
    vic = make_member(ctx, "Vic", handle="vic-stranger")
    connect(ctx, ana, ben)
    open_post = create_post(ctx, ana, Draft("Open to all"))
    closed_post = create_post(ctx, ana, Draft("Close friends", Audience("connections")))
    engage.react(ctx, ben, open_post.id, "insightful")
    for i in range(25):
        kith.clock.advance(minutes=1)  # type: ignore[attr-defined]
        engage.add_comment(ctx, ben, open_post.id, f"Word {i}")
    kith.clock.advance(minutes=1)  # type: ignore[attr-defined]
    engage.add_comment(ctx, ben, closed_post.id, "Only for Ana's connections")

    # Vic sees what Ben did on the public post only, page by page.
    seen: list[str] = []
    base = f"{API}/members/ben-engaged/activity/engagement?per_page=10"
    url = base
    while True:
        page = client.get(url, headers=bearer(ctx, vic)).json()
        seen += [item["body"] or item["reaction"] for item in page["items"]]
        if not page["next_cursor"]:
            break
        url = f"{base}&cursor={page['next_cursor']}"
    assert seen == [f"Word {i}" for i in reversed(range(25))] + ["insightful"]
    mine = client.get(f"{API}/members/ben-engaged/activity/engagement", headers=bearer(ctx, ben))
    assert mine.json()["items"][0]["body"] == "Only for Ana's connections"
    refused(
        client.get(
            f"{API}/members/ben-engaged/activity/engagement?cursor=x", headers=bearer(ctx, vic)
        ),
        422,
        "invalid_cursor",
    )

    sign_in_as(client, ctx, vic)
    first = client.get("/in/ben-engaged/activity?show=engagement")
    assert first.status_code == 200
    shown = page_text(first.text)
    assert "Ben commented on Ana Ruiz’s post" in shown
    assert "Word 24" in shown
    assert "Only for Ana" not in shown
    assert 'aria-current="page">Comments and reactions<' in first.text
    older = re.search(
        r'href="(/in/ben-engaged/activity\?show=engagement&amp;cursor=[^"]+)"', first.text
    )
    assert older is not None
    second = page_text(client.get(older.group(1).replace("&amp;", "&")).text)
    assert "Ben reacted Insightful to Ana Ruiz’s post" in second
    assert "Word 24" not in second
    sign_in_as(client, ctx, ana)
    own = page_text(client.get("/in/ana-poster/activity?show=engagement").text)
    assert "Your comments and reactions will appear here." in own
    sign_in_as(client, ctx, ben)
    assert "You commented on Ana Ruiz’s post" in page_text(
        client.get("/in/ben-engaged/activity?show=engagement").text
    )


def test_images_endpoint_and_refusals(client: TestClient, ctx: Ctx) -> None:
    ana = make_member(ctx, "Ana")
    ben = make_member(ctx, "Ben")
    headers = bearer(ctx, ana)
    refused(client.post(f"{API}/posts", json={"body": ""}, headers=headers), 422, "post_empty")
    refused(client.post(f"{API}/posts", json={"body": "a\u0000b"}, headers=headers), 422, "invalid")
    refused(
        client.post(f"{API}/posts", json={"body": "Hi", "audience": "everyone"}, headers=headers),
        422,
        "invalid_audience",
    )
    refused(
        client.post(f"{API}/posts", json={"body": "Hi", "audience": "tag"}, headers=headers),
        404,
        "tag_not_found",
    )
    created = client.post(f"{API}/posts", json={"body": "With pictures"}, headers=headers).json()
    assert created["images"] == []
    assert created["edited"] is False
    assert created["notify"] is True
    files = [
        ("image", ("a.png", image_bytes("PNG", (2000, 1000)), "image/png")),
        ("image", ("b.webp", image_bytes("WEBP", (300, 300)), "image/webp")),
    ]
    response = client.put(
        f"{API}/posts/{created['id']}/images",
        files=files,
        data={"alt": ["Wide", "Square"]},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    out = response.json()
    assert [(i["width"], i["height"], i["alt"]) for i in out["images"]] == [
        (1200, 600, "Wide"),
        (300, 300, "Square"),
    ]
    assert set(out["images"][0]["urls"]) == {"600", "1200"}
    assert client.get(out["images"][0]["urls"]["600"]).status_code == 200
    refused(
        client.put(
            f"{API}/posts/{created['id']}/images",
            files=[("image", ("a.png", image_bytes("PNG"), "image/png"))] * 5,
            headers=headers,
        ),
        422,
        "too_many_images",
    )
    refused(
        client.put(f"{API}/posts/{created['id']}/images", files=files, headers=bearer(ctx, ben)),
        403,
        "not_post_author",
    )
    # Notifications off, and the choice is the author's alone to see.
    patched = client.patch(f"{API}/posts/{created['id']}", json={"notify": False}, headers=headers)
    assert patched.json()["notify"] is False
    assert (
        client.get(f"{API}/posts/{created['id']}", headers=bearer(ctx, ben)).json()["notify"]
        is None
    )


def test_mention_notification_page(client: TestClient, ctx: Ctx) -> None:
    ana = make_member(ctx, "Ana", handle="ana-mentions")
    ben = make_member(ctx, "Ben", handle="ben-mentioned")
    post_id = client.post(
        f"{API}/posts", json={"body": "Thanks @ben-mentioned"}, headers=bearer(ctx, ana)
    ).json()["id"]
    sign_in_as(client, ctx, ben)
    page = client.get("/notifications")
    assert "mentioned you in a post" in page_text(page.text)
    assert f'href="/posts/{post_id}"' in page.text


def test_edit_form_of_a_post_whose_tier_was_deleted_keeps_it_private(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    ana = make_member(ctx, "Ana", handle="ana-tiers")
    headers = bearer(ctx, ana)
    tier = client.post(f"{API}/relationships/tiers", json={"name": "Board"}, headers=headers)
    assert tier.status_code == 201, tier.text
    tier_id = tier.json()["id"]
    made = client.post(
        f"{API}/posts",
        json={"body": "Board only", "audience": "tier", "tier_id": tier_id},
        headers=headers,
    ).json()
    assert made["audience_name"] == "Board"
    assert client.delete(f"{API}/relationships/tiers/{tier_id}", headers=headers).status_code == 204
    sign_in_as(client, ctx, ana)
    form = client.get(f"/posts/{made['id']}/edit")
    assert 'value="only_me" selected' in form.text
    assert "deleted" in page_text(client.get(f"/posts/{made['id']}").text)


def test_post_image_routes_take_a_ceiling_per_image(kith: Kith) -> None:
    from kith.app import ALBUM_PATHS, PHOTO_PATHS, UPLOAD_PATHS
    from kith.web.limits import MULTIPART_SLACK, BodyLimitMiddleware

    limits = BodyLimitMiddleware(
        lambda *_: None,  # type: ignore[arg-type]
        upload_paths=UPLOAD_PATHS,
        photo_paths=PHOTO_PATHS,
        album_paths=ALBUM_PATHS,
    )
    app = SimpleNamespace(state=SimpleNamespace(kith=kith))  # the app the runtime serves
    per_image = kith.settings.photo_max_mb * 2**20
    for path in ("/posts", "/api/v1/posts/12/images"):
        assert limits.limit({"path": path, "app": app}) == 4 * per_image + MULTIPART_SLACK
    for path in ("/posts/12/edit", "/api/v1/posts", "/api/v1/posts/12"):
        assert limits.limit({"path": path, "app": app}) == kith.settings.request_max_bytes


def test_page_views_are_counted_and_cards_link_insights_and_reports(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    ana = make_member(ctx, "Ana", handle="ana-counted")
    ben = make_member(ctx, "Ben", handle="ben-looking")
    connect(ctx, ana, ben)
    shared = create_post(ctx, ana, Draft("Counted"))
    assert kith.network is not None
    kith.network.poll()  # the engine follows the connection made above
    sign_in_as(client, ctx, ben)
    page = client.get(f"/posts/{shared.id}").text
    assert f'href="/posts/{shared.id}/report"' in page
    assert f'href="/posts/{shared.id}/insights"' not in page
    client.get("/in/ana-counted/activity")
    assert "Counted" in client.get("/?order=recent").text  # the home feed counts too
    impressions.counter(kith).flush()
    stored = ctx.session.execute(
        select(PostImpression.degree, PostImpression.count).where(
            PostImpression.post_id == shared.id
        )
    ).all()
    assert [tuple(row) for row in stored] == [(1, 3)]  # three views by a 1st-degree member
    sign_in_as(client, ctx, ana)
    own = client.get(f"/posts/{shared.id}").text
    assert f'href="/posts/{shared.id}/insights"' in own
    assert f'href="/posts/{shared.id}/report"' not in own
