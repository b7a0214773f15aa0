"""Endorsements through the REST API and the pages, on both databases: every refusal a
code and a sentence, the endorse button answered in place, the recipient's choices,
the pruning preview's counts and the notification."""

from __future__ import annotations

from fastapi.testclient import TestClient

from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.endorsements import give_skills
from tests.fixtures.factories import bearer, connect, make_member
from tests.fixtures.pages import HTMX, alerts, page_text, post, sign_in_as


def _ready(ctx: Ctx, kith: Kith) -> None:
    ctx.session.commit()
    assert kith.network is not None
    kith.network.poll()


def test_endorse_through_the_api_with_every_refusal(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    ana, ben, cai = (make_member(ctx, n) for n in ("Ana", "Ben", "Cai"))
    connect(ctx, ana, ben)
    python, sql = give_skills(ctx, ana, "Python", "SQL")
    as_ben, as_cai, as_ana = bearer(ctx, ben), bearer(ctx, cai), bearer(ctx, ana)
    _ready(ctx, kith)
    url = f"/api/v1/members/{ana.handle}/skills/{python.id}/endorsements"

    done = client.post(url, headers=as_ben)
    assert done.status_code == 200, done.text
    assert done.json() == {"skill_id": python.id, "count": 1, "endorsed_by_you": True}
    assert client.post(url, headers=as_ben).json()["count"] == 1

    def refusal(response: object) -> tuple[int, str]:
        r = response
        return r.status_code, r.json()["error"]  # type: ignore[attr-defined]

    assert refusal(client.post(url, headers=as_cai)) == (404, "not_connected")
    assert refusal(client.post(url, headers=as_ana)) == (422, "cannot_endorse_self")
    missing = f"/api/v1/members/{ana.handle}/skills/{2**63}/endorsements"
    assert refusal(client.post(missing, headers=as_ben))[0] == 404
    nobody = f"/api/v1/members/nobody-here/skills/{python.id}/endorsements"
    assert refusal(client.post(nobody, headers=as_ben)) == (404, "member_not_found")
    closed = client.put(f"/api/v1/me/skills/{sql.id}/closed", json={"closed": True}, headers=as_ana)
    assert closed.json() == {"skill_id": sql.id, "closed": True}
    sql_url = f"/api/v1/members/{ana.handle}/skills/{sql.id}/endorsements"
    assert refusal(client.post(sql_url, headers=as_ben)) == (404, "skill_not_found")
    off = client.put("/api/v1/me/endorsement-settings", json={"receiving": False}, headers=as_ana)
    assert off.json() == {"receiving": False}
    assert refusal(client.post(url, headers=as_ben)) == (403, "endorsements_off")
    client.put("/api/v1/me/endorsement-settings", json={"receiving": True}, headers=as_ana)

    skills = client.get(f"/api/v1/members/{ana.handle}/skills", headers=as_ben).json()
    assert skills["can_endorse"] is True
    assert [(s["name"], s["count"], s["endorsed_by_you"]) for s in skills["skills"]] == [
        ("Python", 1, True),
        ("SQL", 0, False),
    ]
    top = client.put("/api/v1/me/skills/top", json={"skill_ids": [sql.id]}, headers=as_ana)
    assert top.json() == {"skill_ids": [sql.id]}
    many = client.put("/api/v1/me/skills/top", json={"skill_ids": [1, 2, 3, 4]}, headers=as_ana)
    assert refusal(many) == (422, "too_many_top_skills")
    skills = client.get(f"/api/v1/members/{ana.handle}/skills", headers=as_cai).json()
    assert [s["name"] for s in skills["skills"]] == ["SQL", "Python"]
    assert skills["can_endorse"] is False

    who = client.get(url, headers=as_cai).json()
    assert who["total"] == 1
    assert who["skill"] == "Python"
    endorsement_id = who["items"][0]["id"]
    assert refusal(
        client.post(f"/api/v1/me/endorsements/{endorsement_id}/hide", headers=as_ben)
    ) == (404, "endorsement_not_found")
    hidden = client.post(f"/api/v1/me/endorsements/{endorsement_id}/hide", headers=as_ana)
    assert hidden.json() == {"id": endorsement_id, "hidden": True}
    assert client.get(url, headers=as_cai).json()["total"] == 0
    mine = client.get(url, headers=as_ana).json()
    assert [i["hidden"] for i in mine["items"]] == [True]
    client.delete(f"/api/v1/me/endorsements/{endorsement_id}/hide", headers=as_ana)
    assert client.get(url, headers=as_cai).json()["total"] == 1

    gone = client.delete(url, headers=as_ben)
    assert gone.json() == {"skill_id": python.id, "count": 0, "endorsed_by_you": False}

    notes = client.get("/api/v1/notifications", headers=as_ana).json()["items"]
    assert [(n["skill"], n["count"]) for n in notes if n["kind"] == "skill_endorsed"] == [
        ("Python", 1)
    ]


def test_the_profile_endorses_in_place_and_the_pages_follow(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    connect(ctx, ana, ben)
    (python,) = give_skills(ctx, ana, "Python")
    sign_in_as(client, ctx, ben)
    _ready(ctx, kith)

    profile = client.get(f"/in/{ana.handle}")
    assert profile.status_code == 200
    assert f'id="endorse-{python.id}"' in profile.text
    assert "No endorsements yet" in page_text(profile.text)

    answer = post(
        client, kith, f"/in/{ana.handle}/skills/{python.id}/endorse", {"on": "on"}, headers=HTMX
    )
    assert answer.status_code == 200, answer.text
    assert f'id="skill-{python.id}"' in answer.text
    assert "1 endorsement" in page_text(answer.text)
    assert 'aria-pressed="true"' in answer.text
    assert "You endorsed Ana for Python" in answer.text

    # A refusal reads as a sentence.
    refused = post(
        client, kith, f"/in/{ben.handle}/skills/{python.id}/endorse", {"on": "on"}, headers=HTMX
    )
    assert refused.status_code == 422
    assert alerts(refused.text) == ["You cannot endorse your own skills."]

    skills = page_text(client.get(f"/in/{ana.handle}/skills").text)
    assert "Skills of Ana" in skills
    endorsers = page_text(client.get(f"/in/{ana.handle}/skills/{python.id}").text)
    assert "Python: 1 endorsement" in endorsers
    assert ben.name in endorsers

    # Ana's own pages: her choices, and the notification.
    sign_in_as(client, ctx, ana)
    ctx.session.commit()
    notes = page_text(client.get("/notifications").text)
    assert f"{ben.name} endorsed you for Python." in notes
    own = client.get(f"/in/{ana.handle}/skills")
    assert "Stop receiving endorsements" in page_text(own.text)
    pinned = post(client, kith, "/me/skills/top", {"skill": str(python.id)})
    assert pinned.status_code == 303
    assert "Top skill" in page_text(client.get(f"/in/{ana.handle}").text)
    off = post(client, kith, "/me/endorsement-settings", {"on": ""})
    assert off.status_code == 303
    assert "Receive endorsements again" in page_text(client.get(f"/in/{ana.handle}/skills").text)

    # The pruning preview says what a removal hides.
    review = client.get("/relationships/prune/review", params={"handle": ben.handle})
    assert "1 endorsement and no recommendations between you are hidden." in page_text(review.text)


def test_hiding_an_endorsement_is_silent_to_its_endorser(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    ana, ben, cai = (make_member(ctx, n) for n in ("Ana", "Ben", "Cai"))
    connect(ctx, ana, ben)
    connect(ctx, ana, cai)
    (python,) = give_skills(ctx, ana, "Python")
    as_ben, as_ana, as_cai = bearer(ctx, ben), bearer(ctx, ana), bearer(ctx, cai)
    sign_in_as(client, ctx, ben)  # Ben's browser, for the profile page
    _ready(ctx, kith)
    url = f"/api/v1/members/{ana.handle}/skills/{python.id}/endorsements"
    client.post(url, headers=as_cai)

    def what_ben_sees() -> tuple[object, ...]:
        skills = client.get(f"/api/v1/members/{ana.handle}/skills", headers=as_ben).json()
        who = client.get(url, headers=as_ben).json()
        again = client.post(url, headers=as_ben).json()
        profile = page_text(client.get(f"/in/{ana.handle}").text)
        return (
            skills["skills"],
            [(i["member"]["handle"], i["hidden"]) for i in who["items"]],
            who["total"],
            again,
            "2 endorsements" in profile,
        )

    assert client.post(url, headers=as_ben).status_code == 200
    shown = what_ben_sees()
    assert shown[-1] is True
    bens = client.get(url, headers=as_ana).json()["items"]
    ben_id = next(i["id"] for i in bens if i["member"]["handle"] == ben.handle)
    assert client.post(f"/api/v1/me/endorsements/{ben_id}/hide", headers=as_ana).status_code == 200
    assert what_ben_sees() == shown
    # Others do not count it.
    others = client.get(f"/api/v1/members/{ana.handle}/skills", headers=as_cai).json()
    assert others["skills"][0]["count"] == 1
