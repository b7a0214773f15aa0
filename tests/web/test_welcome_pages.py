"""The welcome sequence after sign-up, page by page: saving, skipping, going back and
refusals that keep what was typed."""

from __future__ import annotations

import html

from fastapi.testclient import TestClient

from kith.members import onboarding
from kith.models import Member
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.factories import PASSWORD, make_member
from tests.fixtures.pages import alerts, post, sign_in_as


def _signed_in(client: TestClient, ctx: Ctx, **profile: object) -> Member:
    ana = make_member(ctx, "Ana", "Ruiz", **profile)
    sign_in_as(client, ctx, ana)
    return ana


def test_sign_up_lands_on_the_first_step(client: TestClient, kith: Kith) -> None:
    signed_up = post(
        client,
        kith,
        "/signup",
        {
            "first_name": "Ana",
            "last_name": "Ruiz",
            "email": "ana@example.org",
            "password": PASSWORD,
        },
    )
    assert signed_up.headers["location"] == "/welcome"
    start = client.get("/welcome", follow_redirects=False)
    assert start.status_code == 303
    assert start.headers["location"] == "/welcome/photo"
    page = client.get("/welcome/photo")
    assert page.status_code == 200
    assert "Step 1 of 4" in page.text
    assert 'aria-current="step"><a href="/welcome/photo">' in page.text


def test_photo_and_headline_step(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana = _signed_in(client, ctx)
    page = client.get("/welcome/photo").text
    # The photo form follows the upload route's contract.
    form = page[page.index('<form method="post" action="/me/photo"') :]
    form = form[: form.index("</form>")]
    assert 'enctype="multipart/form-data"' in form
    assert 'type="file" name="photo"' in form
    assert 'name="next" value="/welcome/position"' in form
    assert '<a href="/welcome/position">Skip for now</a>' in page
    assert ">Back<" not in page  # nothing before the first step

    saved = post(client, kith, "/welcome/photo", {"headline": "Data engineer at Acme"})
    assert saved.status_code == 303
    assert saved.headers["location"] == "/welcome/position?saved=photo"
    ctx.session.expire_all()
    assert ana.headline == "Data engineer at Acme"
    after = client.get(saved.headers["location"]).text
    assert "Your headline is saved." in after
    assert "Step 2 of 4" in after


def test_an_overlong_headline_is_refused_and_kept(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana = _signed_in(client, ctx, headline="Before")
    typed = "Engineer & " + "x" * 210  # 221 characters, one over
    refused = post(client, kith, "/welcome/photo", {"headline": typed})
    assert refused.status_code == 422
    assert alerts(refused.text) == ["The headline can be at most 220 characters."]
    assert f'value="{html.escape(typed)}"' in refused.text
    assert "Step 1 of 4" in refused.text
    ctx.session.expire_all()
    assert ana.headline == "Before"


def test_current_position_step(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana = _signed_in(client, ctx)
    page = client.get("/welcome/position").text
    assert "Step 2 of 4" in page
    assert '<a href="/welcome/photo">Back</a>' in page
    assert '<a href="/welcome/network">Skip for now</a>' in page

    saved = post(
        client,
        kith,
        "/welcome/position",
        {"title": "Data engineer", "company": "Acme", "start_month": "3", "start_year": "2021"},
    )
    assert saved.headers["location"] == "/welcome/network?saved=position"
    ctx.session.expire_all()
    assert [
        (p.title, p.company.name, p.start_month, p.start_year, p.is_current) for p in ana.positions
    ] == [("Data engineer", "Acme", 3, 2021, True)]
    after = client.get(saved.headers["location"]).text
    assert "Your current position is saved." in after
    # The step reads as done in the progress list.
    assert (
        '<a href="/welcome/position">Current position</a> <span aria-hidden="true">✓</span>'
        in after
    )


def test_position_refusals_keep_the_form(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana = _signed_in(client, ctx)
    typed = {"title": "Data engineer", "company": "Acme", "start_month": "4", "start_year": ""}
    refused = post(client, kith, "/welcome/position", typed)
    assert refused.status_code == 422
    assert alerts(refused.text) == ["A position needs a start year."]
    assert 'value="Data engineer"' in refused.text
    assert 'value="Acme"' in refused.text
    assert '<option value="4" selected>' in refused.text

    no_title = post(client, kith, "/welcome/position", {**typed, "title": "", "start_year": "2020"})
    assert alerts(no_title.text) == ["Please give your position title."]
    future = post(client, kith, "/welcome/position", {**typed, "start_year": "3000"})
    assert alerts(future.text) == ["Position: 3000 is not a plausible year."]
    ctx.session.expire_all()
    assert ana.positions == []


def test_network_step_offers_the_import(client: TestClient, ctx: Ctx) -> None:
    _signed_in(client, ctx)
    page = client.get("/welcome/network").text
    assert "Step 3 of 4" in page
    assert 'href="/me/data#import"' in page
    assert "private contacts, which only you can see" in page
    assert '<a href="/welcome/people">Skip for now</a>' in page
    assert '<a href="/welcome/position">Back</a>' in page


def test_people_step_suggests_people_to_connect_with(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    ana = _signed_in(client, ctx, location="Lisbon", industry="Technology")
    ben = make_member(ctx, "Ben", "Okafor", location="Lisbon", industry="Technology")
    page = client.get("/welcome/people").text
    assert "Step 4 of 4" in page
    assert f'href="/in/{ben.handle}/connect"' in page  # the Connect dialog, with a note
    assert '<a href="/mynetwork" role="button" class="auto">Done</a>' in page

    sent = post(client, kith, f"/people/{ben.handle}/connect", headers={"HX-Request": "true"})
    assert "Invitation sent to Ben Okafor" in sent.text
    ctx.session.expire_all()
    assert [s.done for s in onboarding.steps(ctx, ana)] == [False, False, False, True]


def test_people_step_without_suggestions_points_to_search(client: TestClient, ctx: Ctx) -> None:
    _signed_in(client, ctx)
    page = client.get("/welcome/people").text
    assert "No suggestions yet" in page
    assert 'href="/search"' in page


def test_the_steps_need_a_signed_in_member(client: TestClient) -> None:
    for path in ("/welcome", "/welcome/photo", "/welcome/people"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/signin?next=/welcome")


# -- Profile strength --------------------------------------------------------------------


def test_own_profile_and_edit_page_show_profile_strength(client: TestClient, ctx: Ctx) -> None:
    ana = _signed_in(client, ctx)
    ben = make_member(ctx, "Ben", headline="Engineer")
    own = client.get(f"/in/{ana.handle}").text
    assert "Profile strength: Beginner" in own
    assert '<progress value="0" max="100" aria-labelledby="strength-label">' in own
    assert 'Next: <a href="/welcome/photo">Add a headline</a>' in own
    assert "Profile strength" not in client.get(f"/in/{ben.handle}").text

    ana.headline = "Engineer"
    ana.location = "Lisbon"
    ctx.session.flush()
    edit = client.get("/me/edit").text
    assert "Profile strength: Beginner" in edit
    assert '<progress value="20" max="100"' in edit
    assert 'Next: <a href="/welcome/photo">Add a photo</a>' in edit


# -- Empty states where a new member lands ------------------------------------------------


def test_a_new_member_meets_empty_states_with_one_action_each(client: TestClient, ctx: Ctx) -> None:
    _signed_in(client, ctx)
    for path, words, action in (
        ("/mynetwork", "No connections yet.", 'href="/suggestions"'),
        ("/notifications", "You have no notifications yet.", 'href="/suggestions"'),
        ("/messages", "No conversations yet.", 'href="/mynetwork"'),
        ("/relationships/connections", "No connections yet.", 'href="/suggestions"'),
        ("/relationships", "Once you have connections", 'href="/suggestions"'),
    ):
        page = client.get(path)
        assert page.status_code == 200, path
        empty = page.text[page.text.index('class="empty-state"') :]
        empty = empty[: empty.index("</div>")]
        assert words in empty, path
        assert action in empty, path
    # A filter that matches nothing still says so.
    filtered = client.get("/relationships/connections?q=zzz").text
    assert "No connections match." in filtered
    assert '<div class="empty-state">' not in filtered
