"""Each action on a person's record is written once and routed for a connection
(``/people/{handle}``) and a private contact (``/contacts/{contact_id}``): both routes
publish the parameters, names and refusals of an endpoint written for that path."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from kith.uow import Ctx
from tests.fixtures.factories import bearer, make_member

API = "/api/v1/relationships"
# (method, path under the person, operation for a connection, for a private contact)
RECORD_ACTIONS = (
    ("post", "/tags", "add_tag", "tag_private_contact"),
    ("delete", "/tags/{tag_id}", "remove_tag", "untag_private_contact"),
    ("post", "/notes", "add_note", "note_private_contact"),
    ("get", "/interactions", "interactions", "private_contact_interactions"),
    ("post", "/interactions", "log_interaction", "log_private_contact_interaction"),
    ("post", "/snooze", "snooze", "snooze_private_contact"),
)


def _operation(doc: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    op: dict[str, Any] = doc["paths"][f"{API}{path}"][method]
    return op


def test_each_record_action_is_published_for_both_kinds_of_person(client: TestClient) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    for method, path, person_name, contact_name in RECORD_ACTIONS:
        person = _operation(doc, method, "/people/{handle}" + path)
        contact = _operation(doc, method, "/contacts/{contact_id}" + path)
        assert person["operationId"] == f"relationships_{person_name}", path
        assert contact["operationId"] == f"relationships_{contact_name}", path
        # the person's own parameter stands first, typed as the path names it
        first = person["parameters"][0], contact["parameters"][0]
        assert [(p["name"], p["in"], p["schema"]["type"]) for p in first] == [
            ("handle", "path", "string"),
            ("contact_id", "path", "integer"),
        ]
        rest = [[p["name"] for p in op["parameters"][1:]] for op in (person, contact)]
        assert rest[0] == rest[1], path
    snooze = [
        _operation(doc, "post", f"{shape}/snooze")["responses"]["200"]["content"][
            "application/json"
        ]["schema"]["$ref"]
        for shape in ("/people/{handle}", "/contacts/{contact_id}")
    ]
    assert snooze == ["#/components/schemas/ContactOut", "#/components/schemas/PrivateContactOut"]


def test_each_shape_refuses_as_its_own_path_would(client: TestClient, ctx: Ctx) -> None:
    ana = make_member(ctx, "Ana")
    a = bearer(ctx, ana)
    not_a_number = client.post(f"{API}/contacts/abc/notes", json={"body": "n"}, headers=a)
    # not a number: no such route; a number beyond any id: no such contact
    assert (not_a_number.status_code, not_a_number.json()["error"]) == (404, "not_found")
    too_large = client.post(f"{API}/contacts/2147483648/notes", json={"body": "n"}, headers=a)
    assert (too_large.status_code, too_large.json()["error"]) == (404, "contact_not_found")
    nobody = client.post(f"{API}/people/nobody-here/notes", json={"body": "n"}, headers=a)
    assert (nobody.status_code, nobody.json()["error"]) == (404, "member_not_found")
    missing = client.post(f"{API}/contacts/999999/notes", json={"body": "n"}, headers=a)
    assert (missing.status_code, missing.json()["error"]) == (404, "contact_not_found")
