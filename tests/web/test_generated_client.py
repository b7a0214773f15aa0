"""A client generated from the OpenAPI document by a standard generator
(openapi-python-client) works against a live server: it signs in, lists
connections and reads a refusal as ``ErrorOut``, with functions named after the
short operation ids and every response model kept."""

from __future__ import annotations

import importlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from kith.runtime import Kith
from tests.fixtures.factories import PASSWORD, connect, make_member

GENERATOR = Path(sys.executable).parent / "openapi-python-client"


@pytest.fixture
def generated(live_server: str, tmp_path: Path) -> Iterator[Any]:  # noqa: F811
    """The generated package, imported from ``tmp_path``."""
    spec = tmp_path / "openapi.json"
    spec.write_bytes(httpx.get(f"{live_server}/api/v1/openapi.json", timeout=60).content)
    config = tmp_path / "config.yml"
    config.write_text("post_hooks: []\n")
    run = subprocess.run(  # noqa: S603 - our own command line
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(spec),
            "--meta",
            "none",
            "--config",
            str(config),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Warning" not in run.stdout + run.stderr, run.stdout + run.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module("kith_client")
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n == "kith_client" or n.startswith("kith_client.")]:
            del sys.modules[name]


def test_a_generated_client_signs_in_lists_and_reads_refusals(
    committed_kith: Kith,
    live_server: str,  # noqa: F811
    generated: Any,
) -> None:
    with committed_kith.uow() as ctx:
        ana = make_member(ctx, "Ana", "Lima", email="ana@example.org")
        connect(ctx, ana, make_member(ctx, "Ben", "Okafor"))

    api = importlib.import_module("kith_client.api.accounts.auth_token")
    models = importlib.import_module("kith_client.models")
    client = generated.Client(base_url=live_server)
    token = api.sync(client=client, body=models.TokenIn(email="ana@example.org", password=PASSWORD))
    assert isinstance(token, models.TokenOut)
    assert token.handle == ana.handle

    signed_in = generated.AuthenticatedClient(base_url=live_server, token=token.access_token)
    connections = importlib.import_module("kith_client.api.connections.connections_my_connections")
    page = connections.sync(client=signed_in)
    assert isinstance(page, models.ConnectionPage)
    assert [c.member.name for c in page.items] == ["Ben Okafor"]

    invitation = importlib.import_module("kith_client.api.connections.invitations_get")
    refusal = invitation.sync_detailed(client=signed_in, invitation_id=2**31 - 1)
    assert refusal.status_code == 404
    assert isinstance(refusal.parsed, models.ErrorOut)
    assert refusal.parsed.error == "invitation_not_found"

    wrong = api.sync_detailed(client=client, body=models.TokenIn(email=ana.email, password="no"))
    assert wrong.status_code == 401
    assert isinstance(wrong.parsed, models.ErrorOut)
    assert wrong.parsed.error == "invalid_credentials"

    # The response models that repeated names used to lose are there.
    insights = importlib.import_module("kith_client.api.insights.me_my_insights")
    assert "MemberInsightsOut" in str(insights.sync.__annotations__["return"])
    assert hasattr(models, "InsightsReachOut")
    assert hasattr(models, "NetworkReachOut")
    assert hasattr(models, "ImportedPositionOut")
