"""Every page action answers htmx with the header badges' fresh counts, the counts the
page shows (out of band) and a toast for the member who acted; opening Notifications
marks them seen; Connect takes a note from anywhere; profiles offer Message where
messaging is allowed."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from kith.connections.service import send_invitation
from kith.messaging.service import send_message
from kith.models import Invitation, Member
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.factories import connect, make_member
from tests.fixtures.pages import HTMX, post, sign_in_as
from tests.fixtures.search import profile

FROM_MYNETWORK = {**HTMX, "HX-Current-URL": "http://testserver/mynetwork"}


def badge(html: str, kind: str) -> int | None:
    """The count of an out-of-band header badge in an htmx answer (None: not there)."""
    found = re.search(
        rf'<span id="badge-{kind}" class="badge" hx-swap-oob="true"(?: hidden)? '
        rf'aria-label="(\d+) [a-z ]+">(\d+)</span>',
        html,
    )
    if found is None:
        return None
    assert found.group(1) == found.group(2)
    return int(found.group(1))


def toasts(html: str) -> list[str]:
    """The toasts an htmx answer adds to the page's toast region."""
    return re.findall(
        r'<div hx-swap-oob="beforeend:#toasts"><div class="toast" role="status">([^<]*)</div>',
        html.replace("&#39;", "'"),
    )


def oob(html: str, element_id: str) -> str | None:
    """The text of an out-of-band replacement of ``element_id`` (None: not there)."""
    found = re.search(rf'id="{element_id}" hx-swap-oob="true">([^<]*)<', html)
    return None if found is None else found.group(1)


def _invited(ctx: Ctx, ana: Member, *names: str) -> dict[str, int]:
    return {n: send_invitation(ctx, make_member(ctx, n, "Doe"), ana).invitation.id for n in names}


def test_answers_on_my_network_update_badges_counts_and_toast(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    ana = make_member(ctx, "Ana", "Ruiz")
    ids = _invited(ctx, ana, "Ben", "Cleo", "Dev")
    eve = make_member(ctx, "Eve", "Lund")
    sent = send_invitation(ctx, ana, eve).invitation.id
    kith.settings.withdraw_cooldown_days = 14  # the sentence follows the setting
    sign_in_as(client, ctx, ana)
    page = client.get("/mynetwork").text
    assert '<span id="received-count">Invitations (3)</span>' in page
    assert '<strong id="connections-total">0</strong>' in page
    assert "You can invite Eve again after 14 days." in page  # in the withdraw dialog

    accepted = post(
        client, kith, f"/mynetwork/invitations/{ids['Ben']}/accept", headers=FROM_MYNETWORK
    ).text
    assert badge(accepted, "invitations") == 2
    assert badge(accepted, "notifications") == 3  # three invitations received
    assert badge(accepted, "messages") == 0
    assert oob(accepted, "received-count") == "Invitations (2)"
    assert oob(accepted, "connections-total") == "1"
    assert oob(accepted, "connections-heading") == "1 connection"
    assert toasts(accepted) == ["Connected with Ben Doe"]

    ignored = post(
        client, kith, f"/mynetwork/invitations/{ids['Cleo']}/ignore", headers=FROM_MYNETWORK
    ).text
    assert badge(ignored, "invitations") == 1
    assert oob(ignored, "received-count") == "Invitations (1)"
    assert toasts(ignored) == ["Invitation from Cleo Doe ignored"]

    reported = post(
        client, kith, f"/mynetwork/invitations/{ids['Dev']}/report", headers=FROM_MYNETWORK
    ).text
    assert badge(reported, "invitations") == 0
    assert 'id="badge-invitations" class="badge" hx-swap-oob="true" hidden' in reported
    assert oob(reported, "received-count") == "Invitations"
    assert toasts(reported) == ["Thanks for letting us know. Dev Doe can't invite you again"]

    withdrawn = post(
        client, kith, f"/mynetwork/invitations/{sent}/withdraw", headers=FROM_MYNETWORK
    ).text
    assert oob(withdrawn, "sent-count") == "Sent invitations"
    assert oob(withdrawn, "sent-total") == "0"
    assert toasts(withdrawn) == ["Withdrawn. You can invite Eve again after 14 days."]


def test_only_the_counts_the_page_shows_are_replaced(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    ana = make_member(ctx, "Ana", "Ruiz")
    ids = _invited(ctx, ana, "Ben", "Cleo")
    sign_in_as(client, ctx, ana)
    from_list = {**HTMX, "HX-Current-URL": "http://testserver/mynetwork/received?page=1"}
    answer = post(client, kith, f"/mynetwork/invitations/{ids['Ben']}/accept", headers=from_list)
    assert oob(answer.text, "received-count") == "Invitations (1)"
    for absent in ("connections-total", "sent-total", "connections-heading", "sent-count"):
        assert absent not in answer.text, absent  # not on that page: htmx would complain
    filtered = {**HTMX, "HX-Current-URL": "http://testserver/mynetwork?q=doe"}
    answer = post(client, kith, f"/mynetwork/invitations/{ids['Cleo']}/accept", headers=filtered)
    assert oob(answer.text, "connections-total") == "2"
    assert "connections-heading" not in answer.text  # the heading counts the matches
    plain = post(client, kith, f"/mynetwork/invitations/{ids['Cleo']}/accept")
    assert plain.status_code == 303  # without scripts: back to My Network


def test_profile_actions_update_badges_and_toast(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana, ben = make_member(ctx, "Ana", "Ruiz"), make_member(ctx, "Ben", "Okafor")
    cleo = make_member(ctx, "Cleo", "Park")
    send_invitation(ctx, cleo, ana)
    sign_in_as(client, ctx, ana)

    sent = post(client, kith, f"/in/{ben.handle}/connect", {"note": "Hi Ben"}, headers=HTMX)
    assert "Pending" in sent.text
    assert badge(sent.text, "invitations") == 1
    assert toasts(sent.text) == ["Invitation sent to Ben Okafor"]
    withdrawn = post(client, kith, f"/in/{ben.handle}/withdraw", headers=HTMX).text
    assert toasts(withdrawn) == ["Withdrawn. You can invite Ben again after 21 days."]
    followed = post(client, kith, f"/in/{ben.handle}/follow", headers=HTMX).text
    assert toasts(followed) == ["Following Ben Okafor"]
    assert 'id="profile-stats" hx-swap-oob="true"' in followed
    assert "1 follower" in followed
    unfollowed = post(client, kith, f"/in/{ben.handle}/unfollow", headers=HTMX).text
    assert toasts(unfollowed) == ["You no longer follow Ben Okafor"]

    accepted = post(client, kith, f"/in/{cleo.handle}/accept", headers=HTMX).text
    assert badge(accepted, "invitations") == 0
    assert toasts(accepted) == ["Connected with Cleo Park"]
    assert re.search(
        r'id="profile-degree" class="degree degree-1"[^>]*hx-swap-oob="true">· 1st<', accepted
    )
    removed = post(client, kith, f"/in/{cleo.handle}/remove", headers=HTMX).text
    assert toasts(removed) == ["Removed Cleo Park from your connections"]
    assert "0 connections" in removed  # the profile's stats, out of band
    assert "· Out of network</span>" in removed  # no longer "· 1st", out of band
    # Forms that work without scripts carry the CSRF token, dialogs' forms included.
    assert 'name=""' not in removed


def test_crossing_invitation_from_a_list_says_connected(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    ana, ben = make_member(ctx, "Ana", "Ruiz"), make_member(ctx, "Ben", "Okafor")
    send_invitation(ctx, ben, ana)
    sign_in_as(client, ctx, ana)
    done = post(client, kith, f"/people/{ben.handle}/connect", headers=FROM_MYNETWORK).text
    assert badge(done, "invitations") == 0  # inviting someone who invited you accepts theirs
    assert toasts(done) == ["Connected with Ben Okafor"]
    assert oob(done, "connections-total") == "1"


def test_connect_with_a_note_from_a_list(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana, dora = make_member(ctx, "Ana", "Ruiz"), make_member(ctx, "Dora", "Lima")
    sign_in_as(client, ctx, ana)
    dialog = client.get(f"/in/{dora.handle}/connect?place=list", headers=HTMX).text
    assert '<dialog id="connect-dialog"' in dialog
    assert f'hx-post="/people/{dora.handle}/connect"' in dialog
    assert f'hx-target="#action-{dora.handle}"' in dialog
    assert 'data-counter="connect-note-count-' in dialog
    assert "<datalist" in dialog  # suggestions for "How do you know each other?"
    note = {"note": "Loved your talk", "context": "We met at an event"}
    done = post(client, kith, f"/people/{dora.handle}/connect", note, headers=FROM_MYNETWORK)
    assert "Pending" in done.text
    assert toasts(done.text) == ["Invitation sent to Dora Lima"]
    assert badge(done.text, "invitations") == 0
    assert oob(done.text, "sent-total") == "1"
    assert oob(done.text, "sent-count") == "Sent invitations (1)"
    invitation = ctx.session.query(Invitation).filter_by(recipient_id=dora.id).one()
    assert (invitation.note, invitation.context) == ("Loved your talk", "We met at an event")

    refused = post(client, kith, f"/people/{dora.handle}/connect", note, headers=HTMX)
    assert refused.status_code == 409
    assert toasts(refused.text) == []  # a refusal is an alert, not a toast


def test_connect_page_without_scripts(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana, ben = make_member(ctx, "Ana", "Ruiz"), make_member(ctx, "Ben", "Okafor")
    sign_in_as(client, ctx, ana)
    page = client.get(f"/in/{ben.handle}/connect")
    assert page.status_code == 200
    assert "<header" in page.text  # a whole page
    assert f'action="/in/{ben.handle}/connect"' in page.text
    assert "hx-post" not in page.text.split("<main", 1)[1]
    assert 'maxlength="300"' in page.text
    sent = post(client, kith, f"/in/{ben.handle}/connect", {"note": "Hello"})
    assert sent.headers["location"] == f"/in/{ben.handle}"
    again = client.get(f"/in/{ben.handle}/connect", follow_redirects=False)
    assert again.status_code == 303  # already invited: the profile says so
    assert again.headers["location"] == f"/in/{ben.handle}"
    own = client.get(f"/in/{ana.handle}/connect", headers=HTMX)
    assert own.headers["HX-Redirect"] == f"/in/{ana.handle}"


def test_opening_notifications_marks_them_seen(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    ana = make_member(ctx, "Ana", "Ruiz")
    _invited(ctx, ana, "Ben", "Cleo")
    sign_in_as(client, ctx, ana)
    assert 'aria-label="2 unread notifications">2</span>' in client.get("/mynetwork").text
    first = client.get("/notifications").text
    assert first.count("<strong>New</strong>") == 2  # new on this view...
    assert 'id="badge-notifications" class="badge" hidden' in first  # ...and seen
    again = client.get("/notifications").text
    assert "<strong>New</strong>" not in again
    assert 'id="badge-notifications" class="badge" hidden' in client.get("/mynetwork").text


def test_message_button_follows_the_messaging_rule(client: TestClient, ctx: Ctx) -> None:
    ana, ben = make_member(ctx, "Ana", "Ruiz"), make_member(ctx, "Ben", "Okafor")
    cleo, dev = make_member(ctx, "Cleo", "Park"), make_member(ctx, "Dev", "Shah")
    connect(ctx, ana, ben)
    profile(ctx, ana, positions=[("Globex", "Engineer", 2020, 1)])
    profile(ctx, cleo, positions=[("Globex", "Designer", 2021, 1)])
    sign_in_as(client, ctx, ana)

    def actions(member: Member) -> str:
        page = client.get(f"/in/{member.handle}").text
        return page[page.index('id="actions"') : page.index("<!-- /actions -->")]

    first = f'href="/messages/new?to={ben.handle}" role="button" class="">Message</a>'
    assert first in actions(ben)  # no conversation yet: compose one
    coworker = actions(cleo)
    assert f'href="/messages/new?to={cleo.handle}"' in coworker
    assert ">Message request</a>" in coworker
    assert "/messages/" not in actions(dev)  # a stranger: no messaging
    send_message(ctx, ana, ben, "Hello Ben")
    going = f'href="/messages/with/{ben.handle}" role="button" class="">Message</a>'
    assert going in actions(ben)  # a conversation opens where it left off


def test_people_you_may_know_shows_a_placeholder_until_it_loads(
    client: TestClient, ctx: Ctx
) -> None:
    sign_in_as(client, ctx, make_member(ctx, "Ana", "Ruiz"))
    page = client.get("/mynetwork").text
    card = page[page.index('<article id="pymk"') : page.index("</article>", page.index("pymk"))]
    assert 'hx-trigger="load"' in card
    assert 'aria-busy="true"' in card
    assert 'class="people skeleton"' in card  # not blank while it loads


def test_opening_a_conversation_clears_the_messages_badge(client: TestClient, ctx: Ctx) -> None:
    ana, ben = make_member(ctx, "Ana", "Ruiz"), make_member(ctx, "Ben", "Okafor")
    connect(ctx, ana, ben)
    send_message(ctx, ben, ana, "Hello Ana")
    sign_in_as(client, ctx, ana)
    assert 'aria-label="1 unread messages">1</span>' in client.get("/mynetwork").text
    opened = client.get(f"/messages/with/{ben.handle}").text
    assert "Hello Ana" in opened
    assert 'id="badge-messages" class="badge" hidden' in opened
