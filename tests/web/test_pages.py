"""The HTML pages, through the TestClient, on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from kith.models import Member
from kith.runtime import Kith
from kith.uow import Ctx
from kith.web.deps import CSRF_COOKIE, SESSION_COOKIE
from tests.fixtures.factories import PASSWORD, bearer, connect, make_member
from tests.fixtures.pages import HTMX, alerts, csrf, page_text, post, sign_in_as
from tests.fixtures.queries import count_statements

CSRF_SENTENCE = "Your session form expired; reload the page and try again."


def action_area(page: str) -> str:
    start = page.index('id="actions"')
    return page[start : page.index("<!-- /actions -->", start)]


# -- CSRF and sign-in redirects -------------------------------------------------------


def test_state_changing_requests_need_the_csrf_token(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    ana = make_member(ctx, "Ana", email="ana@example.org")
    ben = make_member(ctx, "Ben")

    # A sign-in form without a token, or with another browser's token, is refused.
    first = client.post("/signin", data={"email": "ana@example.org", "password": PASSWORD})
    assert first.status_code == 403
    assert CSRF_SENTENCE in alerts(first.text)
    forged = client.post(
        "/signin",
        data={"email": "ana@example.org", "password": PASSWORD, "csrf_token": "x.y"},
    )
    assert forged.status_code == 403
    assert SESSION_COOKIE not in forged.cookies

    sign_in_as(client, ctx, ana)
    refused = client.post(f"/in/{ben.handle}/follow", headers=HTMX)
    assert refused.status_code == 403
    assert alerts(refused.text) == [CSRF_SENTENCE]
    assert refused.headers["HX-Retarget"] == "#alerts"
    # htmx sends the token as a header.
    followed = client.post(
        f"/in/{ben.handle}/follow", headers={**HTMX, "X-CSRF-Token": csrf(client, kith)}
    )
    assert followed.status_code == 200
    assert "✓ Following" in followed.text


def test_csrf_cookie_is_set_on_first_page_view(client: TestClient) -> None:
    response = client.get("/")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{CSRF_COOKIE}=")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert client.get("/").headers.get("set-cookie") is None


@pytest.mark.parametrize(
    "path", ["/mynetwork", "/me/edit", "/me/settings", "/notifications", "/in/someone"]
)
def test_signed_out_visitors_are_sent_to_sign_in(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/signin?next={path}"


def test_landing_page_for_visitors_and_the_feed_for_members(client: TestClient, ctx: Ctx) -> None:
    landing = client.get("/")
    assert landing.status_code == 200
    assert 'href="/signup"' in landing.text
    assert 'href="/signin"' in landing.text
    sign_in_as(client, ctx, make_member(ctx, "Ana"))
    home = client.get("/", follow_redirects=False)
    assert home.status_code == 200
    assert 'id="feed-empty"' in home.text


# -- Accounts --------------------------------------------------------------------------


def test_sign_up_sign_out_sign_in(client: TestClient, kith: Kith) -> None:
    signed_up = post(
        client,
        kith,
        "/signup",
        {
            "first_name": "Ana",
            "last_name": "Ruiz",
            "email": "ana.ruiz@example.org",
            "password": PASSWORD,
        },
    )
    assert signed_up.status_code == 303
    assert signed_up.headers["location"] == "/welcome"
    cookie = signed_up.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie.replace("Lax", "lax")
    assert "Secure" not in cookie  # base_url is http in tests
    session = client.cookies[SESSION_COOKIE]
    network = client.get("/mynetwork")
    assert network.status_code == 200
    assert "Ana Ruiz" in network.text

    signed_out = post(client, kith, "/signout")
    assert signed_out.headers["location"] == "/"
    client.cookies.set(SESSION_COOKIE, session)  # the old cookie no longer works
    assert client.get("/mynetwork", follow_redirects=False).status_code == 303
    client.cookies.delete(SESSION_COOKIE)

    wrong = post(client, kith, "/signin", {"email": "ana.ruiz@example.org", "password": "nope"})
    assert wrong.status_code == 401
    assert alerts(wrong.text) == ["The email address or password is not right."]
    assert 'value="ana.ruiz@example.org"' in wrong.text
    back = post(
        client,
        kith,
        "/signin",
        {"email": "ana.ruiz@example.org", "password": PASSWORD, "next": "/notifications"},
    )
    assert back.status_code == 303
    assert back.headers["location"] == "/notifications"


def test_sign_up_refusal_keeps_input(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    make_member(ctx, "Ana", email="taken@example.org")
    response = post(
        client,
        kith,
        "/signup",
        {
            "first_name": "Zoe",
            "last_name": "Ng",
            "email": "taken@example.org",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 409
    assert alerts(response.text) == ["An account with this email address already exists."]
    assert 'value="Zoe"' in response.text


def test_sign_in_only_follows_local_next_paths(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    make_member(ctx, "Ana", email="ana@example.org")
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        response = post(
            client,
            kith,
            "/signin",
            {"email": "ana@example.org", "password": PASSWORD, "next": target},
        )
        assert response.headers["location"] == "/", target  # the home feed


def test_sign_in_throttle_is_shown_in_words(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    make_member(ctx, "Ana", email="ana@example.org")
    kith.settings.signin_max_failures = 2
    for _ in range(2):
        post(client, kith, "/signin", {"email": "ana@example.org", "password": "wrong"})
    throttled = post(client, kith, "/signin", {"email": "ana@example.org", "password": PASSWORD})
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) > 0
    api = client.post("/api/v1/auth/token", json={"email": "ana@example.org", "password": "x"})
    assert alerts(throttled.text) == [api.json()["detail"]]
    assert re.fullmatch(
        r"Too many failed sign-in attempts\. Try again in \d+ (seconds|minutes)\.",
        api.json()["detail"],
    )


# -- Profiles and their actions --------------------------------------------------------


def test_profile_actions_follow_the_relationship(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana, ben = make_member(ctx, "Ana", "Ruiz"), make_member(ctx, "Ben", "Okafor")
    sign_in_as(client, ctx, ana)

    fresh = action_area(client.get(f"/in/{ben.handle}").text)
    assert f'href="/in/{ben.handle}/connect"' in fresh  # opens the Connect dialog
    assert "Accept" not in fresh
    assert "Message" not in fresh
    dialog = client.get(f"/in/{ben.handle}/connect", headers=HTMX).text
    assert "<dialog" in dialog
    assert 'name="note"' in dialog
    assert 'maxlength="300"' in dialog
    assert 'name="context"' in dialog
    assert 'name="email"' not in dialog  # Ben accepts invitations from everyone

    sent = post(
        client,
        kith,
        f"/in/{ben.handle}/connect",
        {"note": "We met at PyCon", "context": "Conference"},
        headers=HTMX,
    )
    assert sent.status_code == 200
    assert "Pending" in sent.text
    assert "/withdraw" in sent.text
    assert 'id="alerts"' in sent.text  # clears an earlier refusal

    sign_in_as(client, ctx, ben)
    invited = action_area(client.get(f"/in/{ana.handle}").text)
    for words in ("Accept", "Ignore", "I don&#39;t know this person", "We met at PyCon"):
        assert words in invited
    accepted = post(client, kith, f"/in/{ana.handle}/accept")  # a plain form: redirect back
    assert accepted.status_code == 303
    assert accepted.headers["location"] == f"/in/{ana.handle}"

    connected = client.get(f"/in/{ana.handle}").text
    assert "Connected since 1 Jan 2026" in page_text(connected)
    assert "Remove connection" in connected
    assert "✓ Following" in connected  # connecting makes both follow each other
    assert "1 connection" in connected

    unfollowed = post(client, kith, f"/in/{ana.handle}/unfollow", headers=HTMX)
    assert "+ Follow" in unfollowed.text
    assert "Connected since" in unfollowed.text  # unfollowing keeps the connection

    removed = post(client, kith, f"/in/{ana.handle}/remove", headers=HTMX)
    assert "Connected since" not in removed.text
    assert "Connect" in removed.text


def test_withdraw_then_cooldown_sentence(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    sign_in_as(client, ctx, ana)
    post(client, kith, f"/in/{ben.handle}/connect", headers=HTMX)
    withdrawn = post(client, kith, f"/in/{ben.handle}/withdraw", headers=HTMX)
    assert "Pending" not in withdrawn.text
    again = post(client, kith, f"/in/{ben.handle}/connect", headers=HTMX)
    api = client.post("/api/v1/invitations", json={"to": ben.handle}, headers=bearer(ctx, ana))
    assert again.status_code == api.status_code == 409
    assert alerts(again.text) == [api.json()["detail"]]
    assert "you can invite them again from 22 Jan 2026" in api.json()["detail"]


def test_refusal_sentence_is_the_api_detail_without_js(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    sign_in_as(client, ctx, ana)
    note = "x" * 301
    page = post(client, kith, f"/in/{ben.handle}/connect", {"note": note})
    api = client.post(
        "/api/v1/invitations", json={"to": ben.handle, "note": note}, headers=bearer(ctx, ana)
    )
    assert page.status_code == api.status_code == 422
    assert alerts(page.text) == [api.json()["detail"]]
    assert "<header" in page.text  # a whole page in the layout, not a bare message


def test_email_field_is_shown_when_needed(client: TestClient, ctx: Ctx) -> None:
    ana = make_member(ctx, "Ana")
    ben = make_member(ctx, "Ben", invite_policy="email")
    sign_in_as(client, ctx, ana)
    assert 'name="email"' in client.get(f"/in/{ben.handle}/connect", headers=HTMX).text
    assert 'name="email"' in client.get(f"/in/{ben.handle}/connect").text  # without scripts


def test_follow_is_the_primary_action_when_the_member_asks(client: TestClient, ctx: Ctx) -> None:
    ana = make_member(ctx, "Ana")
    ben = make_member(ctx, "Ben", follow_primary=True)
    sign_in_as(client, ctx, ana)
    area = action_area(client.get(f"/in/{ben.handle}").text)
    assert area.index("+ Follow") < area.index("Connect")
    assert f'role="button" class="outline" hx-get="/in/{ben.handle}/connect"' in area


def test_block_hides_both_profiles_and_unblock(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    connect(ctx, ana, ben)
    sign_in_as(client, ctx, ana)
    assert "Blocking is silent" in client.get(f"/in/{ben.handle}").text
    blocked = post(client, kith, f"/in/{ben.handle}/block")
    assert blocked.headers["location"] == f"/me/blocked?blocked={ben.handle}"
    assert client.get(f"/in/{ben.handle}").status_code == 404
    listing = client.get(blocked.headers["location"]).text
    assert ben.name in listing
    assert f"You blocked {ben.name}. They won't be told." in listing
    # Only a member you blocked is confirmed: another handle in the address says nothing.
    cleo = make_member(ctx, "Cleo")
    assert "You blocked" not in client.get(f"/me/blocked?blocked={cleo.handle}").text
    assert "You blocked" not in client.get("/me/blocked?blocked=" + "x" * 5000).text

    sign_in_as(client, ctx, ben)
    hidden = client.get(f"/in/{ana.handle}")
    assert hidden.status_code == 404
    assert alerts(hidden.text) == [f"There is no member '{ana.handle}'."]

    sign_in_as(client, ctx, ana)
    unblocked = post(client, kith, f"/me/blocked/{ben.handle}/unblock", headers=HTMX)
    assert f"You unblocked {ben.name}." in unblocked.text
    assert client.get(f"/in/{ben.handle}").status_code == 200
    assert "1 connection" not in client.get(f"/in/{ben.handle}").text  # the block removed it


def test_profile_shows_entities_dates_and_derived_stage(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    ana = make_member(ctx, "Ana", "Ruiz")
    sign_in_as(client, ctx, ana)
    saved = post(
        client,
        kith,
        "/me/edit",
        {
            "first_name": "Ana",
            "last_name": "Ruiz",
            "headline": "Data engineer",
            "about": "I build pipelines.",
            "location": "Lisbon",
            "industry": "Technology",
            "career_stage": "",
            "positions-0-company": "Acme Corp",
            "positions-0-title": "Data engineer",
            "positions-0-start_year": "2018",
            "positions-0-start_month": "3",
            "positions-0-current": "on",
            "positions-1-company": "Initech",
            "positions-1-title": "Analyst",
            "positions-1-start_year": "2015",
            "positions-1-end_year": "2018",
            "positions-1-end_month": "2",
            "education-0-school": "Universidade de Lisboa",
            "education-0-degree": "MSc",
            "education-0-start_year": "2013",
            "education-0-end_year": "2015",
            "skills": "Python, SQL, python",
        },
    )
    assert saved.status_code == 303
    page = client.get(saved.headers["location"]).text
    shown = page_text(page)
    for text in (
        "Data engineer",
        "Lisbon",
        "Technology",
        "Mid-career",
        "Mar 2018 – Present",
        "2015 – Feb 2018",
        "Acme Corp",
        "Universidade de Lisboa",
        "I build pipelines.",
    ):
        assert text in shown, text
    assert page.count('class="skill"') == 2  # skills are de-duplicated
    assert "derived" not in page  # how the stage was found is not the member's concern
    edit = client.get("/me/edit").text
    assert 'value="Acme Corp"' in edit
    assert 'value="Python, SQL"' in edit


def test_edit_profile_lists(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana = make_member(ctx, "Ana", "Ruiz")
    sign_in_as(client, ctx, ana)
    form = {"first_name": "Ana", "last_name": "Ruiz"}
    lists = {
        "languages": "Portuguese\r\nEnglish\r\n\r\nEnglish",
        "certifications": "PMP, 2019",
        "websites": "https://ana.example\nhttp://blog.example/ana",
    }
    saved = post(client, kith, "/me/edit", form | lists)
    assert saved.status_code == 303
    shown = page_text(client.get(f"/in/{ana.handle}").text)
    for text in ("Portuguese", "English", "PMP, 2019", "https://ana.example", "blog.example/ana"):
        assert text in shown, text
    assert shown.count("English") == 1
    edit = client.get("/me/edit").text
    assert ">Portuguese\nEnglish</textarea>" in edit
    # A form without the lists leaves them as they are.
    assert post(client, kith, "/me/edit", form).status_code == 303
    assert "PMP, 2019" in page_text(client.get(f"/in/{ana.handle}").text)
    # A refused list comes back as typed, with the API's sentence.
    refused = post(client, kith, "/me/edit", form | {"websites": "ana.example"})
    assert refused.status_code == 422
    assert alerts(refused.text) == ["'ana.example' is not a web address (https://...)."]
    assert ">ana.example</textarea>" in refused.text


def test_edit_profile_error_keeps_input(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana = make_member(ctx, "Ana", "Ruiz")
    sign_in_as(client, ctx, ana)
    response = post(
        client,
        kith,
        "/me/edit",
        {
            "first_name": "Ana",
            "last_name": "Ruiz",
            "headline": "My new headline",
            "career_stage": "executive",
            "positions-0-company": "Acme",
            "positions-0-title": "Engineer",
            "positions-0-start_year": "2020",
            "positions-0-end_year": "2019",
            "skills": "Go, Rust",
        },
    )
    api = client.patch(
        "/api/v1/me",
        json={
            "positions": [
                {"company": "Acme", "title": "Engineer", "start_year": 2020, "end_year": 2019}
            ]
        },
        headers=bearer(ctx, ana),
    )
    assert response.status_code == api.status_code == 422
    assert alerts(response.text) == [api.json()["detail"]]
    assert 'value="My new headline"' in response.text
    assert 'value="2019"' in response.text
    assert 'value="Go, Rust"' in response.text
    assert '<option value="executive" selected>' in response.text
    assert client.get(f"/in/{ana.handle}").text.count("My new headline") == 0


def test_settings_and_password(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana = make_member(ctx, "Ana")
    sign_in_as(client, ctx, ana)
    saved = post(
        client,
        kith,
        "/me/settings",
        {
            "invite_policy": "email",
            "follow_policy": "connections",
            "connections_visibility": "only_me",
            "follow_primary": "on",
        },
    )
    assert saved.headers["location"] == "/me/settings?saved=settings"
    page = client.get(saved.headers["location"]).text
    assert "Your settings are saved." in page
    assert '<option value="email" selected>' in page
    assert '<option value="only_me" selected>' in page
    wrong = post(
        client, kith, "/me/password", {"current_password": "nope", "new_password": "x" * 12}
    )
    assert wrong.status_code == 403
    assert alerts(wrong.text) == ["Your current password is not right; it was not changed."]
    changed = post(
        client,
        kith,
        "/me/password",
        {"current_password": PASSWORD, "new_password": "another good password"},
    )
    assert changed.headers["location"] == "/me/settings?saved=password"


# -- My Network and notifications ------------------------------------------------------


def test_my_network_invitations_and_connections(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana, ben, cleo = make_member(ctx, "Ana"), make_member(ctx, "Ben"), make_member(ctx, "Cleo")
    sign_in_as(client, ctx, ben)
    post(client, kith, f"/in/{ana.handle}/connect", {"note": "Hello Ana", "context": "Acme"})
    sign_in_as(client, ctx, cleo)
    post(client, kith, f"/in/{ana.handle}/connect")

    sign_in_as(client, ctx, ana)
    page = client.get("/mynetwork").text
    assert "Invitations (2)" in page
    assert "Hello Ana" in page
    assert "How you know each other: Acme" in page
    ids = [int(i) for i in re.findall(r'id="invitation-(\d+)"', page)]
    cleo_id, ben_id = ids  # newest first
    accepted = post(client, kith, f"/mynetwork/invitations/{ben_id}/accept", headers=HTMX)
    assert "You are now connected with" in accepted.text
    ignored = post(client, kith, f"/mynetwork/invitations/{cleo_id}/ignore", headers=HTMX)
    assert "ignored" in ignored.text
    page = client.get("/mynetwork").text
    assert "No pending invitations." in page
    assert "1 connection" in page
    assert "Connected since 1 Jan 2026" in page_text(page)

    # Ignoring is silent: Cleo still sees "Pending".
    sign_in_as(client, ctx, cleo)
    sent = client.get("/mynetwork").text
    assert "Sent invitations (1)" in sent
    assert '<span class="tag status">Pending</span>' in sent
    assert "Pending" in action_area(client.get(f"/in/{ana.handle}").text)

    # A refusal on My Network: the invitation is already answered.
    sign_in_as(client, ctx, ana)
    again = post(client, kith, f"/mynetwork/invitations/{ben_id}/report", headers=HTMX)
    assert again.status_code == 409
    assert alerts(again.text) == ["This invitation was already accepted."]


def test_my_network_sort_filter_and_pages(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana = make_member(ctx, "Ana", "Ruiz")
    people = [
        make_member(ctx, first, last)
        for first, last in (("Zed", "Adams"), ("Yan", "Brown"), ("Xia", "Chen"))
    ]
    for other in people:
        connect(ctx, other, ana)
        kith.clock.advance(days=1)  # type: ignore[attr-defined]
    sign_in_as(client, ctx, ana)
    recent = client.get("/mynetwork").text
    assert recent.index("Xia Chen") < recent.index("Zed Adams")
    by_name = client.get("/mynetwork?sort=name").text
    assert by_name.index("Zed Adams") < by_name.index("Xia Chen")
    filtered = client.get("/mynetwork?q=bro", headers={**HTMX, "HX-Target": "connections"}).text
    assert filtered.startswith('<article id="connections">')
    assert "Yan Brown" in filtered
    assert "Zed Adams" not in filtered
    kith.settings.page_size = 2
    first = client.get("/mynetwork").text
    assert "Page 1 of 2" in first
    assert "page=2" in first
    assert "Zed Adams" in client.get("/mynetwork?page=2").text


def test_notifications_and_unread_badge(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben", "Okafor")
    sign_in_as(client, ctx, ben)
    post(client, kith, f"/in/{ana.handle}/follow")
    post(client, kith, f"/in/{ana.handle}/connect")

    sign_in_as(client, ctx, ana)
    for path in ("/mynetwork", f"/in/{ben.handle}", "/me/settings"):
        assert 'aria-label="2 unread notifications">2</span>' in client.get(path).text, path
    page = client.get("/notifications").text
    assert "Ben Okafor</a> invited you to connect." in page
    assert "Ben Okafor</a> started following you." in page
    assert f'href="/in/{ben.handle}"' in page
    marked = post(client, kith, "/notifications/read")
    assert marked.headers["location"] == "/notifications"
    assert 'id="badge-notifications" class="badge" hidden' in client.get("/mynetwork").text


def test_unknown_invitation_action_is_a_404_page(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    sign_in_as(client, ctx, make_member(ctx, "Ana"))
    response = post(client, kith, "/mynetwork/invitations/999999/accept")
    assert response.status_code == 404
    assert alerts(response.text) == ["There is no such invitation."]


# -- Query counts ----------------------------------------------------------------------


def _network(ctx: Ctx, kith: Kith, size: int) -> tuple[Member, Member]:
    owner, viewer = make_member(ctx, "Owner"), make_member(ctx, "Viewer")
    for _ in range(size):
        connect(ctx, make_member(ctx, "Friend"), owner)
    connect(ctx, owner, viewer)
    ctx.session.flush()
    return owner, viewer


def _queries(client: TestClient, kith: Kith, path: str) -> int:
    with count_statements(kith) as statements:
        response = client.get(path)
    assert response.status_code == 200
    return len(statements)


def test_query_counts_do_not_grow_with_connections(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    counts: dict[int, tuple[int, int, int]] = {}
    # Both sizes fill the first page of every list (a first page with room to spare
    # is its own count, one statement fewer).
    for size in (30, 60):
        owner, viewer = _network(ctx, kith, size)
        sign_in_as(client, ctx, viewer)
        profile = _queries(client, kith, f"/in/{owner.handle}")
        sign_in_as(client, ctx, owner)
        own_profile = _queries(client, kith, f"/in/{owner.handle}")
        network = _queries(client, kith, "/mynetwork")
        counts[size] = (profile, own_profile, network)
    assert counts[30] == counts[60]
    profile, own_profile, network = counts[60]
    # One of them: the viewer's blocks, for the degree; three say whether messaging is
    # allowed (the Message button); one finds the newest post the viewer may read (the
    # Activity part); four give the recommendations received and given (a count and a
    # page of each).
    assert profile <= 27, profile
    assert own_profile <= profile
    assert network <= 15, network  # one of them: the viewer's blocks, for the reach
