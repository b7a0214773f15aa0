"""The documented contract holds at the edges: ids and page numbers beyond any the
databases hold, NUL characters, punctuation-only searches, the codes of bad
parameters, strict bodies, 405 answers and the OpenAPI document itself."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from kith.accounts.service import issue_token
from kith.pagination import PageRequest
from kith.uow import Ctx
from kith.web.deps import SESSION_COOKIE
from kith.web.params import MAX_ID, NUL_REFUSED
from tests.fixtures.factories import bearer, connect, make_member
from tests.fixtures.refusals import refusal, refused

API = "/api/v1"
BEYOND = [MAX_ID + 1, 2**63, 10**30]


@pytest.fixture
def ana(ctx: Ctx) -> dict[str, str]:
    member = make_member(ctx, "Ana", "Lima", email="ana@example.org")
    for first in ("Ben", "Cleo"):
        connect(ctx, member, make_member(ctx, first, "Okafor"))
    return bearer(ctx, member)


@pytest.mark.parametrize("number", BEYOND)
@pytest.mark.parametrize(
    ("method", "path", "code"),
    [
        ("GET", "/invitations/{n}", "invitation_not_found"),
        ("POST", "/invitations/{n}/accept", "invitation_not_found"),
        ("GET", "/messages/{n}", "conversation_not_found"),
        ("POST", "/notifications/{n}/read", "notification_not_found"),
        ("DELETE", "/relationships/tags/{n}", "tag_not_found"),
        ("DELETE", "/relationships/tiers/{n}", "tier_not_found"),
        ("DELETE", "/relationships/notes/{n}", "note_not_found"),
        ("DELETE", "/relationships/interactions/{n}", "interaction_not_found"),
        ("POST", "/relationships/follow-ups/{n}/dismiss", "follow_up_not_found"),
        ("GET", "/relationships/contacts/{n}", "contact_not_found"),
        ("GET", "/me/imports/{n}", "import_not_found"),
    ],
)
def test_ids_beyond_any_in_a_path_are_the_resources_404(
    client: TestClient, ana: dict[str, str], method: str, path: str, code: str, number: int
) -> None:
    response = client.request(method, API + path.format(n=number), headers=ana)
    refused(response, 404, code)


@pytest.mark.parametrize(
    "query",
    ["page=0", f"page={10**30}", "page=1000001", "per_page=0", "per_page=101", "page=x"],
)
@pytest.mark.parametrize(
    "path", ["/connections", "/invitations/received", "/followers", "/me/imports"]
)
def test_pages_out_of_range_are_invalid_page(
    client: TestClient, ana: dict[str, str], path: str, query: str
) -> None:
    refused(client.get(f"{API}{path}?{query}", headers=ana), 422, "invalid_page")


def test_page_routes_refuse_pages_and_ids_out_of_range(client: TestClient, ctx: Ctx) -> None:
    member = make_member(ctx, "Ana", "Lima", email="ana@example.org")
    client.cookies.set(SESSION_COOKIE, issue_token(ctx, member, kind="session"))
    assert client.get("/mynetwork").status_code == 200
    assert client.get(f"/mynetwork?page={10**30}").status_code == 422
    assert client.get(f"/messages/{2**63}").status_code == 404
    assert client.get(f"/relationships/contacts/{MAX_ID + 1}").status_code == 404


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/relationships/contacts/tag", {"ids": [MAX_ID + 1], "tag": "x"}),
        ("/relationships/contacts/untag", {"ids": [1], "tag_id": 2**63}),
        ("/relationships/connections/untag", {"handles": ["x"], "tag_id": 10**30}),
        ("/me/imports/1/invitations", {"contact_ids": [2**63]}),
    ],
)
def test_ids_beyond_any_in_a_body_are_invalid(
    client: TestClient, ana: dict[str, str], path: str, body: dict[str, Any]
) -> None:
    refused(client.post(API + path, json=body, headers=ana), 422, "invalid")


def test_nul_characters_are_refused_everywhere(client: TestClient, ana: dict[str, str]) -> None:
    cases = [
        client.post(f"{API}/auth/token", json={"email": "ana\x00@example.org", "password": "x"}),
        client.get(f"{API}/members/ana%00lima", headers=ana),
        client.get(f"{API}/search/people?q=ana%00", headers=ana),
        client.get(f"{API}/connections?q=%00", headers=ana),
        client.post(f"{API}/relationships/tags", json={"name": "a\x00b"}, headers=ana),
        client.post(f"{API}/relationships/contacts", json={"name": "Zoe\x00"}, headers=ana),
        client.post(f"{API}/messages", json={"to": "ben", "body": "hi\x00"}, headers=ana),
        client.patch(f"{API}/me", json={"skills": ["a\x00"]}, headers=ana),
    ]
    for response in cases:
        body = refused(response, 422, "invalid")
        assert body["detail"] == NUL_REFUSED
    page = client.get("/search?q=a%00b")
    assert page.status_code == 422
    assert "NUL character" in page.text


@pytest.mark.parametrize("q", ["%", "!", "-", "'", "%' --", "  ...  ", "@#"])
def test_a_search_with_no_word_is_empty_search(
    client: TestClient, ana: dict[str, str], q: str
) -> None:
    refused(client.get(f"{API}/search/people", params={"q": q}, headers=ana), 422, "empty_search")
    refused(
        client.get(f"{API}/search/people", params={"company": q}, headers=ana), 422, "empty_search"
    )
    typeahead = client.get(f"{API}/search/typeahead", params={"q": q}, headers=ana)
    assert typeahead.status_code == 200
    assert typeahead.json()["items"] == []


def test_the_connections_filter_takes_wildcards_literally(
    client: TestClient, ana: dict[str, str]
) -> None:
    assert client.get(f"{API}/connections", headers=ana).json()["total"] == 2
    for q in ("%", "_", "%%", "O_afor"):
        listed = client.get(f"{API}/connections", params={"q": q}, headers=ana)
        assert listed.json()["total"] == 0, q
    assert client.get(f"{API}/connections?q=okafor", headers=ana).json()["total"] == 2


def test_bad_parameters_have_their_documented_codes(
    client: TestClient, ctx: Ctx, ana: dict[str, str]
) -> None:
    refused(client.get(f"{API}/messages?box=spam", headers=ana), 422, "invalid_box")
    refused(client.get(f"{API}/connections?sort=age", headers=ana), 422, "invalid_sort")
    handle = make_member(ctx, "Dora", "Pinto").handle
    refused(
        client.get(f"{API}/members/{handle}/connections?sort=x", headers=ana), 422, "invalid_sort"
    )
    refused(client.get(f"{API}/relationships/contacts?sort=x", headers=ana), 422, "invalid_sort")
    refused(
        client.get(f"{API}/relationships/connections?tag={2**40}", headers=ana),
        404,
        "tag_not_found",
    )
    refused(client.get(f"{API}/search/people?network=4", headers=ana), 422, "invalid_network")
    refused(client.get(f"{API}/search/people?q={'x' * 101}", headers=ana), 422, "invalid_search")
    refused(client.get(f"{API}/search/typeahead?limit=51", headers=ana), 422, "invalid_search")
    refused(client.get(f"{API}/suggestions?limit=0", headers=ana), 422, "invalid_page")


def test_a_wrong_current_password_is_403_and_keeps_the_session(
    client: TestClient, ana: dict[str, str]
) -> None:
    body = {"current_password": "not it", "new_password": "another secret"}
    refused(client.post(f"{API}/auth/password", json=body, headers=ana), 403, "wrong_password")
    assert client.get(f"{API}/me", headers=ana).status_code == 200


def test_a_body_that_is_not_utf8_json_is_invalid(client: TestClient, ana: dict[str, str]) -> None:
    headers = {**ana, "Content-Type": "application/json"}
    for content in (b'{"name": "\xff\xfe"}', b"{not json"):
        response = client.post(f"{API}/relationships/tags", content=content, headers=headers)
        refused(response, 422, "invalid")


def test_bodies_take_numbers_and_flags_as_they_are_documented(
    client: TestClient, ana: dict[str, str]
) -> None:
    for body in ({"follow_primary": 0}, {"follow_primary": "yes"}):
        refused(client.patch(f"{API}/me/settings", json=body, headers=ana), 422, "invalid")
    for cadence in (True, "30", 1.5):
        body = {"name": "Friends", "cadence_days": cadence}
        refused(client.post(f"{API}/relationships/tags", json=body, headers=ana), 422, "invalid")
    made = client.post(f"{API}/relationships/tags", json={"name": "Friends", "cadence_days": 30})
    assert made.status_code == 401  # the same body is valid (once signed in)


def test_405_names_every_method_served_at_the_path(client: TestClient, ana: dict[str, str]) -> None:
    response = client.put(f"{API}/me", headers=ana)
    refused(response, 405, "method_not_allowed")
    allowed = {m.strip() for m in response.headers["allow"].split(",")}
    assert {"GET", "PATCH", "DELETE"} <= allowed
    assert "PUT" not in allowed
    refused(
        client.patch(f"{API}/relationships/contacts/tag", headers=ana), 405, "method_not_allowed"
    )
    # A path the API names literally is its own resource: the methods of a route with a
    # parameter that also matches it (PUT /groups/{group_id}) are not listed.
    for path, methods in (
        ("/groups/invitations", "GET"),
        ("/groups/1/posts/awaiting", "GET"),
        ("/groups/1", "GET, PUT"),
    ):
        response = client.options(f"{API}{path}", headers=ana)
        refused(response, 405, "method_not_allowed")
        assert response.headers["allow"] == methods


def test_the_openapi_document_states_the_limits(client: TestClient) -> None:
    spec = client.get(f"{API}/openapi.json").json()
    operations = [op for path in spec["paths"].values() for op in path.values()]
    ids = [op["operationId"] for op in operations]
    assert len(ids) == len(set(ids))
    assert {"invitations_accept", "invitations_send", "connections_my_connections"} <= set(ids)
    assert all(len(i) <= 45 and "api_v1" not in i for i in ids), ids
    assert not [name for name in spec["components"]["schemas"] if "__" in name]

    def param(path: str, method: str, name: str) -> dict[str, Any]:
        found = spec["paths"][path][method]["parameters"]
        schema: dict[str, Any] = next(p for p in found if p["name"] == name)["schema"]
        return schema.get("anyOf", [schema])[0]

    assert param("/api/v1/connections", "get", "per_page") == {
        "type": "integer",
        "minimum": 1,
        "maximum": 100,
    }
    assert param("/api/v1/connections", "get", "page")["maximum"] == 1_000_000
    assert param("/api/v1/invitations/{invitation_id}", "get", "invitation_id")["maximum"] == MAX_ID
    assert param("/api/v1/connections", "get", "sort")["enum"] == ["recent", "name"]

    schemas = spec["components"]["schemas"]
    tag = schemas["TagIn"]["properties"]
    assert tag["name"]["maxLength"] == 60
    assert tag["cadence_days"]["maximum"] == 3650
    assert schemas["SnoozeIn"]["properties"]["days"]["maximum"] == 365
    assert schemas["BulkContactTagIn"]["properties"]["ids"]["items"]["maximum"] == MAX_ID
    assert schemas["SettingsUpdate"]["properties"]["follow_primary"]["anyOf"][0] == {
        "type": "boolean"
    }


def test_the_cli_and_services_bound_pages_too() -> None:
    for page in (0, 1_000_001, 10**30):
        refusal("invalid_page", PageRequest.of, page, None, default=20, maximum=100)
    assert PageRequest.of(1_000_000, 100, default=20, maximum=100).offset < 2**31 * 100
