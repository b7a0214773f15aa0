import pytest
from fastapi.testclient import TestClient

from kith.connections.service import send_invitation
from kith.errors import Conflict
from kith.uow import Ctx
from tests.fixtures.factories import api_signup, connect, make_member


def test_connect_through_services(ctx: Ctx) -> None:
    a, b = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    connection = connect(ctx, a, b, note="Hello")
    assert {connection.member_lo_id, connection.member_hi_id} == {a.id, b.id}
    with pytest.raises(Conflict) as err:
        send_invitation(ctx, a, b)
    assert err.value.code == "already_connected"


def test_connect_through_api(client: TestClient) -> None:
    ana, ha = api_signup(client, "Ana", "Ruiz")
    ben, hb = api_signup(client, "Ben", "Okafor")
    sent = client.post("/api/v1/invitations", json={"to": ben, "note": "Hi"}, headers=ha)
    assert sent.status_code == 201
    invitation_id = sent.json()["invitation"]["id"]
    accepted = client.post(f"/api/v1/invitations/{invitation_id}/accept", headers=hb)
    assert accepted.status_code == 200
    listing = client.get("/api/v1/connections", headers=ha).json()
    assert [item["member"]["handle"] for item in listing["items"]] == [ben]
