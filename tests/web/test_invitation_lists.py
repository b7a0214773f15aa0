"""My Network shows the newest invitations; the full lists are paginated pages."""

from __future__ import annotations

from fastapi.testclient import TestClient

from kith.connections.service import send_invitation
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.factories import make_member
from tests.fixtures.pages import sign_in_as


def test_received_and_sent_lists_page_through_everything(
    client: TestClient, kith: Kith, ctx: Ctx
) -> None:
    me = make_member(ctx, "Mia", "Stone")
    senders = [make_member(ctx, "Sender", f"Number{n:02d}") for n in range(25)]
    for sender in senders:
        send_invitation(ctx, sender, me, note=f"Hello from {sender.last_name}")
    invitees = [make_member(ctx, "Invitee", f"Number{n:02d}") for n in range(3)]
    for invitee in invitees:
        send_invitation(ctx, me, invitee)
    sign_in_as(client, ctx, me)

    overview = client.get("/mynetwork").text
    assert "Invitations (25)" in overview
    assert 'href="/mynetwork/received">See all 25</a>' in overview
    assert overview.count("Hello from Number") == 10
    assert '/mynetwork/sent">See all' not in overview  # all 3 sent ones are shown

    first = client.get("/mynetwork/received").text
    second = client.get("/mynetwork/received?page=2").text
    assert first.count("Hello from Number") == 20
    assert second.count("Hello from Number") == 5
    assert "Page 2 of 2" in second
    shown = {f"Number{n:02d}" for n in range(25) if f"Hello from Number{n:02d}" in first + second}
    assert len(shown) == 25

    sent = client.get("/mynetwork/sent").text
    assert sent.count('class="tag status">Pending') == 3
    # past the end: the list goes on elsewhere, it is not empty
    for box in ("received", "sent"):
        past = client.get(f"/mynetwork/{box}?page=50").text
        assert "No more invitations: the list ends on page" in past, box
        assert "No pending invitations" not in past

    assert client.get("/mynetwork/elsewhere").status_code == 404
    refused = client.get("/mynetwork/received?page=0")
    assert refused.status_code == 422
    assert "Page numbers start at 1." in refused.text
