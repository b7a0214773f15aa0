"""The engagement bar's pages: each form works as a plain post and with htmx (the bar
redrawn), refusals read as sentences, and the notifications page names the post."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from kith.models import Comment, Post
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.engagement import make_post
from tests.fixtures.factories import connect, make_member
from tests.fixtures.pages import HTMX, alerts, page_text, post, sign_in_as


def test_the_bar_reacts_comments_replies_and_reposts(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    connect(ctx, ana, ben)
    target = make_post(ctx, ana)
    sign_in_as(client, ctx, ben)
    ctx.session.commit()
    assert kith.network is not None
    kith.network.poll()

    bar = post(client, kith, f"/posts/{target.id}/reaction", {"kind": "celebrate"}, headers=HTMX)
    assert bar.status_code == 200, bar.text
    assert f'id="engage-{target.id}"' in bar.text
    assert 'aria-pressed="true"><span aria-hidden="true">👏</span> Celebrate' in bar.text
    assert "You reacted: see who" in page_text(bar.text)

    # Without scripts: back to the page the form was on.
    plain = post(client, kith, f"/posts/{target.id}/reaction", {"kind": ""})
    assert plain.status_code == 303
    assert ctx.session.get_one(Post, target.id).reaction_count == 0

    bar = post(client, kith, f"/posts/{target.id}/comments", {"body": "Bravo!"}, headers=HTMX)
    assert "Bravo!" in bar.text
    assert "1 comment" in page_text(bar.text)
    top = ctx.session.scalars(select(Comment)).one()
    bar = post(client, kith, f"/comments/{top.id}/replies", {"body": "And more"}, headers=HTMX)
    assert 'class="comment reply"' in bar.text
    assert "2 comments" in page_text(bar.text)

    refused = post(client, kith, f"/posts/{target.id}/comments", {"body": " "}, headers=HTMX)
    assert refused.status_code == 422
    assert alerts(refused.text) == ["Write something in your comment."]

    dialog = client.get(f"/posts/{target.id}/repost", headers=HTMX)
    assert "<dialog" in dialog.text
    assert 'value="anyone"' in dialog.text
    bar = post(client, kith, f"/posts/{target.id}/repost", {"body": "Worth a read"}, headers=HTMX)
    assert "Reposted." in bar.text
    assert "1 repost" in page_text(bar.text)

    sign_in_as(client, ctx, ana)
    ctx.session.commit()
    notes = page_text(client.get("/notifications").text)
    assert f"{ben.name} commented on your post." in notes
    assert f"{ben.name} reposted your post." in notes
    assert f"{ben.name} reacted to your post." in notes
    listed = client.get(f"/posts/{target.id}/reactions")
    assert listed.status_code == 200
    off = post(client, kith, f"/posts/{target.id}/notify", {"on": ""}, headers=HTMX)
    assert "Notifications off" in off.text


def test_a_post_outside_the_audience_is_not_found(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana, dee = make_member(ctx, "Ana"), make_member(ctx, "Dee")
    closed = make_post(ctx, ana, "connections")
    sign_in_as(client, ctx, dee)
    ctx.session.commit()
    for response in (
        post(client, kith, f"/posts/{closed.id}/reaction", {"kind": "like"}, headers=HTMX),
        post(client, kith, f"/posts/{closed.id}/comments", {"body": "Hi"}, headers=HTMX),
        client.get(f"/posts/{closed.id}/repost", headers=HTMX),
        client.get(f"/posts/{closed.id}/reactions"),
    ):
        assert response.status_code == 404
        assert "There is no such post, or it isn't shared with you." in page_text(response.text)
