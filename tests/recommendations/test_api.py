"""The recommendations API and pages on both databases: the whole path from asking to
the profile, each refusal a code and a sentence, and a declined recommendation that its
writer cannot tell from one still waiting, in any response or page."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from kith.models import Member
from kith.recommendations import service
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.factories import bearer, connect, make_member
from tests.fixtures.pages import page_text, post, sign_in_as
from tests.fixtures.recommendations import TEXT, accepted, position, written
from tests.fixtures.refusals import refused

API = "/api/v1"


def _ready(ctx: Ctx, kith: Kith) -> None:
    ctx.session.commit()
    if kith.network is not None:
        kith.network.poll()


def test_ask_write_accept_and_show(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana, ben, cai = (make_member(ctx, n) for n in ("Ana", "Ben", "Cai"))
    connect(ctx, ana, ben)
    connect(ctx, ben, cai)
    job = position(ctx, ana, "Acme", "Data engineer")
    a, b, c = bearer(ctx, ana), bearer(ctx, ben), bearer(ctx, cai)
    _ready(ctx, kith)

    asked = client.post(
        f"{API}/recommendations/requests",
        json={
            "handle": ben.handle,
            "relationship": "managed_directly",
            "position_id": job.id,
            "message": "Would you write a few lines about the migration?",
        },
        headers=a,
    )
    assert asked.status_code == 201, asked.text
    rec = asked.json()
    assert (rec["status"], rec["role"], rec["about"]) == (
        "requested",
        "recipient",
        "Data engineer at Acme",
    )
    assert rec["relationship_text"] == "Ben managed Ana directly"
    rec_id = rec["id"]
    inbox = client.get(f"{API}/recommendations?box=to_write", headers=b).json()
    assert [i["id"] for i in inbox["items"]] == [rec_id]
    assert inbox["items"][0]["message"].startswith("Would you")

    draft = client.patch(
        f"{API}/recommendations/{rec_id}", json={"body": "Draft", "send": False}, headers=b
    )
    assert draft.json()["status"] == "draft"
    assert client.get(f"{API}/recommendations/{rec_id}", headers=a).json()["body"] == ""
    sent = client.patch(f"{API}/recommendations/{rec_id}", json={"body": TEXT}, headers=b)
    assert (sent.json()["status"], sent.json()["label"]) == ("pending", "Sent")
    waiting = client.get(f"{API}/recommendations?box=to_approve", headers=a).json()
    assert waiting["items"][0]["body"] == TEXT
    profile = f"{API}/members/{ana.handle}/recommendations"
    assert client.get(profile, headers=c).json()["total"] == 0

    ok = client.post(f"{API}/recommendations/{rec_id}/accept", headers=a)
    assert ok.status_code == 200, ok.text
    shown = client.get(profile, headers=c).json()
    assert [i["id"] for i in shown["items"]] == [rec_id]
    assert shown["items"][0]["author"]["handle"] == ben.handle
    assert shown["items"][0]["author"]["degree"] == 1
    given = client.get(f"{API}/members/{ben.handle}/recommendations?direction=given", headers=c)
    assert given.json()["total"] == 1
    hidden = client.post(f"{API}/recommendations/{rec_id}/hide", headers=a).json()
    assert hidden["hidden"] is True
    assert client.get(profile, headers=c).json()["total"] == 0
    client.post(f"{API}/recommendations/{rec_id}/show", headers=a)
    assert client.get(profile, headers=c).json()["total"] == 1

    notes = client.get(f"{API}/notifications", headers=b).json()["items"]
    kinds = {n["kind"]: n["recommendation_id"] for n in notes}
    assert kinds["recommendation_requested"] == rec_id
    assert kinds["recommendation_accepted"] == rec_id


def test_refusals(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana, ben, eve = (make_member(ctx, n) for n in ("Ana", "Ben", "Eve"))
    connect(ctx, ana, ben)
    bens_job = position(ctx, ben)
    a, b, e = bearer(ctx, ana), bearer(ctx, ben), bearer(ctx, eve)
    _ready(ctx, kith)
    url = f"{API}/recommendations/requests"
    ask = {"handle": ben.handle, "relationship": "client"}
    refused(client.post(url, json={**ask, "handle": eve.handle}, headers=a), 404, "not_connected")
    refused(client.post(url, json={**ask, "handle": "no-one"}, headers=a), 404, "member_not_found")
    refused(
        client.post(url, json={**ask, "relationship": "pal"}, headers=a),
        422,
        "invalid_relationship",
    )
    refused(
        client.post(url, json={**ask, "position_id": bens_job.id}, headers=a),
        404,
        "position_not_found",
    )
    refused(
        client.post(url, json={**ask, "message": "m" * 1001}, headers=a), 422, "message_too_long"
    )
    refused(client.post(url, json={**ask, "message": "a\u0000"}, headers=a), 422, "invalid")
    assert client.post(url, json=ask, headers=a).status_code == 201
    refused(client.post(url, json=ask, headers=a), 409, "recommendation_already_requested")
    write = {"handle": ana.handle, "relationship": "client", "body": "x" * 3001}
    refused(
        client.post(f"{API}/recommendations", json=write, headers=b),
        422,
        "recommendation_too_long",
    )
    rec_id = client.get(f"{API}/recommendations?box=to_write", headers=b).json()["items"][0]["id"]
    for bad in (2**63, 0, rec_id + 999):
        refused(
            client.get(f"{API}/recommendations/{bad}", headers=a), 404, "recommendation_not_found"
        )
    refused(
        client.get(f"{API}/recommendations/{rec_id}", headers=e), 404, "recommendation_not_found"
    )
    refused(
        client.post(f"{API}/recommendations/{rec_id}/accept", headers=e),
        404,
        "recommendation_not_found",
    )
    refused(
        client.post(f"{API}/recommendations/{rec_id}/accept", headers=a),
        409,
        "recommendation_closed",
    )
    refused(
        client.patch(f"{API}/recommendations/{rec_id}", json={"body": "x"}, headers=a),
        403,
        "not_recommendation_author",
    )
    refused(client.get(f"{API}/recommendations?box=spam", headers=a), 422, "invalid_box")
    refused(
        client.get(f"{API}/members/{ana.handle}/recommendations?direction=up", headers=a),
        422,
        "invalid_direction",
    )


def _writer_json(body: dict[str, Any], recipient: Member) -> dict[str, Any]:
    body = {k: v for k, v in body.items() if k not in ("id", "url", "recipient")}
    return body


def _writer_page(html: str, rec_id: int, recipient: Member) -> str:
    text = html.replace(f"/recommendations/{rec_id}", "/recommendations/ID")
    text = text.replace(recipient.name, "NAME")
    text = text.replace(recipient.first_name, "FIRST").replace(recipient.handle, "HANDLE")
    return re.sub(r'name="csrf_token" value="[^"]+"', "", text)


def test_a_declined_recommendation_reads_as_sent_everywhere(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    """Everything the writer can ask about a declined recommendation (API, its page,
    the inbox, counts, notifications) is what they get for one still waiting."""
    ben = make_member(ctx, "Ben")
    ana, cara = make_member(ctx, "Ana", "Same"), make_member(ctx, "Ana", "Same")
    connect(ctx, ana, ben)
    connect(ctx, cara, ben)
    waiting, declined = written(ctx, ben, ana), written(ctx, ben, cara)
    b, c = bearer(ctx, ben), bearer(ctx, cara)
    sign_in_as(client, ctx, ben)
    _ready(ctx, kith)
    notes_before = client.get(f"{API}/notifications", headers=b).json()["total"]
    assert client.post(f"{API}/recommendations/{declined.id}/decline", headers=c).status_code == 204
    assert client.get(f"{API}/notifications", headers=b).json()["total"] == notes_before

    def writer_sees(rec_id: int, recipient: Member) -> tuple[dict[str, Any], str]:
        api = client.get(f"{API}/recommendations/{rec_id}", headers=b).json()
        page = client.get(f"/recommendations/{rec_id}").text
        return _writer_json(api, recipient), _writer_page(page, rec_id, recipient)

    assert writer_sees(waiting.id, ana) == writer_sees(declined.id, cara)
    written_box = client.get(f"{API}/recommendations?box=written", headers=b).json()
    assert {i["label"] for i in written_box["items"]} == {"Sent"}
    assert written_box["total"] == 2
    inbox = page_text(client.get("/recommendations?box=written").text)
    assert inbox.count("· Sent") == 2
    # Edited, both still read the same.
    for rec in (waiting, declined):
        edited = client.patch(f"{API}/recommendations/{rec.id}", json={"body": "New"}, headers=b)
        assert edited.status_code == 200
    assert writer_sees(waiting.id, ana) == writer_sees(declined.id, cara)
    # The recipient who declined no longer finds it.
    refused(
        client.get(f"{API}/recommendations/{declined.id}", headers=c),
        404,
        "recommendation_not_found",
    )


def test_pages_ask_write_and_answer(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    connect(ctx, ana, ben)
    job = position(ctx, ana, "Acme", "Analyst")
    _ready(ctx, kith)
    sign_in_as(client, ctx, ana)
    form = client.get(f"/in/{ben.handle}/recommendations/request")
    assert form.status_code == 200
    assert "Analyst at Acme" in form.text
    too_long = post(
        client,
        kith,
        f"/in/{ben.handle}/recommendations/request",
        {"relationship": "client", "about": f"position:{job.id}", "message": "m" * 1001},
    )
    assert too_long.status_code == 422
    assert "at most 1,000 characters" in page_text(too_long.text)
    made = post(
        client,
        kith,
        f"/in/{ben.handle}/recommendations/request",
        {"relationship": "client", "about": f"position:{job.id}", "message": "Please?"},
    )
    assert made.status_code == 303
    rec_url = made.headers["location"]
    assert "Requested" in page_text(client.get(rec_url).text)

    sign_in_as(client, ctx, ben)
    assert "Write it" in client.get("/recommendations?box=to_write").text
    sent = post(client, kith, f"{rec_url}/write", {"body": TEXT, "relationship": "client"})
    assert sent.status_code == 303
    assert "Sent" in page_text(client.get(rec_url).text)

    sign_in_as(client, ctx, ana)
    page = page_text(client.get(rec_url).text)
    assert TEXT in page
    assert "Accept and show on my profile" in page
    assert post(client, kith, f"{rec_url}/accept").status_code == 303
    profile = page_text(client.get(f"/in/{ana.handle}").text)
    assert "Received" in profile
    assert TEXT in profile
    assert "Ben" in profile
    other = page_text(client.get(f"/in/{ben.handle}").text)
    assert "Given" in other
    assert TEXT in other
    listed = page_text(client.get(f"/in/{ben.handle}/recommendations?direction=given").text)
    assert TEXT in listed
    missing = client.get("/recommendations/9223372036854775807")
    assert missing.status_code == 404
    assert "There is no such recommendation." in page_text(missing.text)


def test_the_pruning_preview_counts_what_is_hidden(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    ana, ben, cai = (make_member(ctx, n) for n in ("Ana", "Ben", "Cai"))
    connect(ctx, ana, ben)
    connect(ctx, ana, cai)
    accepted(ctx, ben, ana)
    accepted(ctx, ana, ben)
    hidden = accepted(ctx, cai, ana)
    service.set_hidden(ctx, ana, hidden.id, True)  # not shown: nothing more to hide
    written(ctx, cai, ana, asked=False)  # waiting: not shown either
    a = bearer(ctx, ana)
    sign_in_as(client, ctx, ana)
    _ready(ctx, kith)
    preview = client.post(
        f"{API}/relationships/prune/preview", json={"handles": [ben.handle, cai.handle]}, headers=a
    ).json()["items"]
    assert [(i["member"]["handle"], i["recommendations"]) for i in preview] == [
        (ben.handle, 2),
        (cai.handle, 0),
    ]
    assert "no endorsements and 2 recommendations between you are hidden" in preview[0]["what_goes"]
    page = page_text(
        client.get(f"/relationships/prune/review?handle={ben.handle}&handle={cai.handle}").text
    )
    assert "2 recommendations between you are hidden" in page
    assert "no recommendations between you are hidden" in page
