"""Every route with an id in its path answers an id beyond any (2^31, 2^63, 10^20)
with a 404, never a 500: walked over the app's own routes, so a new route is
checked the day it is added."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from kith.app import create_app
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.factories import bearer, make_member

HUGE = ("2147483648", "9223372036854775808", "100000000000000000000")
ID = re.compile(r"\{(\w+_id)(?::int)?\}")


def _id_routes(kith: Kith) -> list[tuple[str, str]]:
    """Every operation of the OpenAPI document with an id in its path."""
    paths = create_app(kith).openapi()["paths"]
    return [
        (method.upper(), path)
        for path, operations in paths.items()
        if ID.search(path)
        for method in operations
    ]


def test_every_id_beyond_any_is_not_found(kith: Kith, ctx: Ctx, client: TestClient) -> None:
    ana = make_member(ctx, "Ana")
    headers = bearer(ctx, ana)
    routes = _id_routes(kith)
    assert len(routes) > 20  # the walk reaches the app's routes
    answers = {}
    for method, path in routes:
        for huge in HUGE:
            url = ID.sub(huge, path).replace("{handle}", ana.handle)
            response = client.request(method, url, headers=headers, json={})
            answers[f"{method} {url}"] = response.status_code
    assert {k: v for k, v in answers.items() if v != 404} == {}
