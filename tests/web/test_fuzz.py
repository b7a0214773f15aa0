"""Schemathesis against a live server, on SQLite and PostgreSQL: every operation of
the OpenAPI document, signed in as a member with connections, invitations, tags
and a conversation; every check (no 5xx, responses as documented, invalid data
refused, 405s with Allow...). Zero failures is the bar.

``make test`` runs a bounded pass (a few cases per operation, a fixed seed). Its
coverage phase (every documented boundary and type of every parameter, a few thousand
requests, about seven minutes) runs on SQLite only there: what it checks is the API's
validation, which is the same on both databases; the other phases run on both.
``make fuzz`` runs every phase on both, for longer (``KITH_FUZZ_EXAMPLES``,
``KITH_FUZZ_SEED``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kith.accounts.service import issue_token
from kith.connections.service import send_invitation
from kith.messaging.service import send_message
from kith.relationships.tiers_tags import create_tag
from kith.runtime import Kith
from tests.fixtures.factories import connect, make_member

pytestmark = pytest.mark.slow

EXAMPLES = os.environ.get("KITH_FUZZ_EXAMPLES", "2")
LONG = "KITH_FUZZ_EXAMPLES" in os.environ
SEED = os.environ.get("KITH_FUZZ_SEED", "20261206")
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"

EXCLUDED = [
    # Each can end the token the whole run uses (signing out; signing out everywhere;
    # ending a session by an id that may be the token's own), after which every later
    # case is a 401; tests/accounts covers them.
    "--exclude-path",
    "/api/v1/auth/logout",
    "--exclude-path",
    "/api/v1/auth/signout-everywhere",
    "--exclude-path-regex",
    "^/api/v1/auth/sessions/",
    # Text never carries NUL (refused as 422 invalid, tests/web/test_contract.py).
    "--generation-allow-x00",
    "false",
]


# The checks, in the configuration file: a per-operation setting there is overridden
# by any check named on the command line.
CONFIG = """
# Every check, but "valid by the schema, so it must be accepted": that cannot hold
# for rules between fields or against the data (yourself as a target: self_follow,
# self_block, self_dismiss; an end year before the start; an interaction in the
# future; a search with no criterion: empty_search; confirmation_required; an upload
# with no file: import_empty). Each of those is a documented 422 with its own code.
[checks]
positive_data_acceptance.enabled = false

# A multipart form sends every field as text: a "non-string" alt generated for the
# images upload reaches the server as the text of that value, which is a valid alt.
[[operations]]
include-name = "PUT /api/v1/posts/{post_id}/images"
checks.negative_data_rejection.enabled = false
"""


def _community(kith: Kith) -> str:
    """A signed-in member with something in every list; returns their API token."""
    with kith.uow() as ctx:
        ana = make_member(ctx, "Ana", "Lima")
        people = [make_member(ctx, first, "Okafor") for first in ("Ben", "Cleo", "Dara", "Eli")]
        connect(ctx, ana, people[0])
        connect(ctx, ana, people[1])
        connect(ctx, people[1], people[2])
        send_invitation(ctx, people[3], ana, note="Hello")
        send_invitation(ctx, ana, people[2], context="We met at a conference")
        send_message(ctx, people[0], ana, "Hi Ana")
        create_tag(ctx, ana, "Friends", 30)
        return issue_token(ctx, ana, kind="api")


def test_schemathesis_finds_nothing(
    committed_kith: Kith,
    live_server: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    token = _community(committed_kith)
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG)
    command = [
        str(SCHEMATHESIS),
        "--config-file",
        str(config),
        "run",
        f"{live_server}/api/v1/openapi.json",
        "--header",
        f"Authorization: Bearer {token}",
        *EXCLUDED,
        "--max-examples",
        EXAMPLES,
        "--phases",
        "examples,coverage,fuzzing,stateful"
        if LONG or committed_kith.db.is_sqlite
        else "examples,fuzzing,stateful",
        "--seed",
        SEED,
        "--workers",
        "1",
        "--generation-database",
        "none",
        "--suppress-health-check",
        "all",
        "--request-timeout",
        "30",
        "--no-color",
    ]
    run = subprocess.run(  # noqa: S603 - our own command line
        command, capture_output=True, text=True, cwd=tmp_path, timeout=1800, check=False
    )
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-5000:]
