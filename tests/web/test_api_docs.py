"""The API explorer works on a server with no way out: its files are ours."""

from __future__ import annotations

import warnings

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from kith.app import create_app


def test_api_explorer_is_served_locally(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert "/static/vendor/swagger-ui-bundle.js" in page.text
    assert "/static/vendor/swagger-ui.css" in page.text
    assert "cdn." not in page.text
    assert client.get("/redoc").status_code == 404
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        response = client.get(f"/static/vendor/{asset}")
        assert response.status_code == 200
        assert len(response.content) > 10_000
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/invitations" in spec["paths"]
    assert "/api/v1/members/{handle}/paths" in spec["paths"]
    refusal = spec["paths"]["/api/v1/invitations"]["post"]["responses"]["409"]
    assert refusal["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorOut"
    }
    assert set(spec["components"]["schemas"]["ErrorOut"]["properties"]) == {"error", "detail"}


def test_every_route_is_routed_once_with_its_own_operation_id() -> None:
    app = create_app()
    seen: list[tuple[str, str]] = [
        (method, route.path)
        for route in app.routes
        if isinstance(route, APIRoute)
        for method in sorted(route.methods)
    ]
    assert len(seen) == len(set(seen))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # FastAPI warns of a duplicate operation id
        ids = [
            operation["operationId"]
            for path in app.openapi()["paths"].values()
            for operation in path.values()
        ]
    assert len(ids) == len(set(ids))
