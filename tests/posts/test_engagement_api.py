"""The engagement API: reactions, comments and replies, reposts, who reacted and a
post's notifications, with a code for each refusal, on both databases."""

from __future__ import annotations

from fastapi.testclient import TestClient

from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.engagement import make_post
from tests.fixtures.factories import bearer, connect, make_member
from tests.fixtures.refusals import refused

API = "/api/v1"


def test_react_comment_reply_repost_and_list(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana, ben, cai = (make_member(ctx, n) for n in ("Ana", "Ben", "Cai"))
    connect(ctx, ana, ben)
    post = make_post(ctx, ana)
    a, b, c = bearer(ctx, ana), bearer(ctx, ben), bearer(ctx, cai)
    ctx.session.commit()
    assert kith.network is not None
    kith.network.poll()
    url = f"{API}/posts/{post.id}"

    made = client.put(f"{url}/reaction", json={"kind": "like"}, headers=b)
    assert made.status_code == 200, made.text
    assert made.json()["kind"] == "like"
    assert client.put(f"{url}/reaction", json={"kind": "love"}, headers=b).json()["kind"] == "love"
    assert client.put(f"{url}/reaction", json={"kind": "funny"}, headers=c).status_code == 200
    listed = client.get(f"{url}/reactions", headers=a).json()
    assert listed["total"] == 2
    assert listed["headline"] == f"{ben.name} and 1 other"
    assert [(i["member"]["handle"], i["kind"]) for i in listed["items"]] == [
        (ben.handle, "love"),
        (cai.handle, "funny"),
    ]
    assert listed["items"][0]["member"]["degree"] == 1
    assert client.get(f"{url}/reactions?kind=funny", headers=a).json()["total"] == 1
    assert client.delete(f"{url}/reaction", headers=c).status_code == 204

    top = client.post(f"{url}/comments", json={"body": "Congratulations!"}, headers=b)
    assert top.status_code == 201, top.text
    top_id = top.json()["id"]
    reply = client.post(f"{API}/comments/{top_id}/replies", json={"body": "Thanks"}, headers=a)
    assert reply.status_code == 201, reply.text
    deeper = client.post(
        f"{API}/comments/{reply.json()['id']}/replies", json={"body": "Agreed"}, headers=c
    ).json()
    assert deeper["parent_id"] == top_id
    edited = client.patch(f"{API}/comments/{top_id}", json={"body": "Well done!"}, headers=b)
    assert edited.json()["edited_at"] is not None
    assert client.put(
        f"{API}/comments/{top_id}/reaction", json={"kind": "support"}, headers=a
    ).json() == {
        "kind": "support",
        "created_at": edited.json()["created_at"],
        "post_id": None,
        "comment_id": top_id,
    }
    threads = client.get(f"{url}/comments", headers=c).json()
    assert threads["next_before"] is None
    [thread] = threads["items"]
    assert thread["comment"]["body"] == "Well done!"
    assert thread["comment"]["reaction_count"] == 1
    assert [r["body"] for r in thread["replies"]] == ["Thanks", "Agreed"]
    assert client.get(f"{url}/comments", headers=a).json()["items"][0]["comment"][
        "my_reaction"
    ] == ("support")
    # The post's author removes a comment on their post.
    assert client.delete(f"{API}/comments/{deeper['id']}", headers=a).status_code == 204

    shared = client.post(f"{url}/reposts", json={"body": "Read this"}, headers=c)
    assert shared.status_code == 201, shared.text
    assert shared.json()["repost_of_id"] == post.id
    again = client.post(f"{API}/posts/{shared.json()['id']}/reposts", json={}, headers=b).json()
    assert again["repost_of_id"] == post.id

    off = client.put(f"{url}/notifications", json={"on": False}, headers=a)
    assert off.json() == {"post_id": post.id, "on": False}
    items = client.get(f"{API}/notifications", headers=a).json()["items"]
    assert {"post_reaction", "post_comment", "post_repost"} <= {n["kind"] for n in items}
    [grouped] = [n for n in items if n["kind"] == "post_reaction"]
    assert (grouped["post_id"], grouped["count"], grouped["actor"]["handle"]) == (
        post.id,
        2,
        cai.handle,
    )


def test_refusals_have_codes(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana, ben, dee = (make_member(ctx, n) for n in ("Ana", "Ben", "Dee"))
    connect(ctx, ana, ben)
    closed = make_post(ctx, ana, "connections")
    a, b, d = bearer(ctx, ana), bearer(ctx, ben), bearer(ctx, dee)
    ctx.session.commit()
    url = f"{API}/posts/{closed.id}"
    comment_id = client.post(f"{url}/comments", json={"body": "Hi"}, headers=b).json()["id"]

    # Outside the audience: post_not_found from every path.
    for response in (
        client.put(f"{url}/reaction", json={"kind": "like"}, headers=d),
        client.delete(f"{url}/reaction", headers=d),
        client.get(f"{url}/reactions", headers=d),
        client.get(f"{url}/comments", headers=d),
        client.post(f"{url}/comments", json={"body": "Hi"}, headers=d),
        client.post(f"{url}/reposts", json={}, headers=d),
        client.put(f"{url}/notifications", json={"on": False}, headers=d),
    ):
        refused(response, 404, "post_not_found")
    # A comment on a post outside the audience answers exactly as no such comment.
    for comment in (comment_id, 2**62):
        for response in (
            client.post(f"{API}/comments/{comment}/replies", json={"body": "Hi"}, headers=d),
            client.put(f"{API}/comments/{comment}/reaction", json={"kind": "like"}, headers=d),
            client.delete(f"{API}/comments/{comment}/reaction", headers=d),
            client.patch(f"{API}/comments/{comment}", json={"body": "x"}, headers=d),
            client.delete(f"{API}/comments/{comment}", headers=d),
            client.post(f"{API}/comments/{comment}/reports", json={"reason": "spam"}, headers=d),
        ):
            refused(response, 404, "comment_not_found")
            assert (
                response.json()["detail"]
                == "There is no such comment, or it isn't shared with you."
            )

    refused(client.put(f"{url}/reaction", json={"kind": "meh"}, headers=b), 422, "invalid_reaction")
    refused(client.post(f"{url}/comments", json={"body": " "}, headers=b), 422, "invalid_comment")
    refused(
        client.post(f"{url}/comments", json={"body": "x" * 1251}, headers=b), 422, "invalid_comment"
    )
    refused(
        client.patch(f"{API}/comments/{comment_id}", json={"body": "x"}, headers=a),
        403,
        "comment_not_yours",
    )
    refused(
        client.put(f"{url}/notifications", json={"on": False}, headers=b), 403, "post_not_yours"
    )
    refused(client.put(f"{url}/notifications", json={"on": 0}, headers=a), 422, "invalid")
    refused(
        client.post(f"{url}/reposts", json={"audience": "anyone"}, headers=b),
        409,
        "repost_audience_wider",
    )
    refused(
        client.post(f"{url}/reposts", json={"audience": "galaxy"}, headers=b),
        422,
        "invalid_audience",
    )
    refused(client.get(f"{API}/posts/99999999999/comments", headers=b), 404, "post_not_found")
    refused(client.get(f"{API}/posts/999999/comments", headers=b), 404, "post_not_found")
    refused(client.delete(f"{API}/comments/999999", headers=b), 404, "comment_not_found")
    refused(client.get(f"{url}/comments?before=0", headers=b), 422, "invalid_cursor")
    refused(client.post(f"{url}/comments", json={"body": "a\u0000b"}, headers=b), 422, "invalid")
