"""The load test's mix, as Locust users (``make loadtest`` runs it; see __init__.py).

Each simulated member is one of the community's members with a token, read from the
file ``KITH_LOADTEST_MEMBERS`` names (written by ``python -m bench.loadtest``). The
weights give the mix: mostly reads (profiles with their badge and shared
connections, search and typeahead, people you may know, the home feed) and, beside
them, writes (invitations sent and accepted, messages to connections).

A refusal the domain expects under load (already connected, an invitation already
pending, a limit reached) is a success here: only 5xx and transport errors fail.
"""

from __future__ import annotations

import json
import os
import random
from typing import Any

from locust import FastHttpUser, between, events, task

MEMBERS: list[dict[str, Any]] = []
WORDS = ["engineer", "manager", "design", "data", "sales", "research", "product", "health"]
EXPECTED_REFUSALS = {400, 403, 404, 409, 422, 429}


@events.init.add_listener
def _load_members(**_: Any) -> None:
    path = os.environ.get("KITH_LOADTEST_MEMBERS")
    if path:
        MEMBERS.extend(json.loads(open(path).read()))  # noqa: PTH123, SIM115


class Member(FastHttpUser):
    """One member browsing and, now and then, inviting and writing."""

    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        self.me = random.choice(MEMBERS)
        self.auth = {"Authorization": f"Bearer {self.me['token']}"}

    def _get(self, path: str, name: str, **params: Any) -> None:
        with self.client.get(
            path, headers=self.auth, params=params, name=name, catch_response=True
        ) as response:
            if response.status_code in EXPECTED_REFUSALS:
                response.success()

    def _other(self) -> str:
        pool = self.me["second"] or self.me["first"] or [random.choice(MEMBERS)["handle"]]
        return str(random.choice(pool))

    # ---- reads
    @task(20)
    def profile(self) -> None:
        self._get(f"/api/v1/members/{self._other()}", "profile")

    @task(6)
    def shared_connections(self) -> None:
        self._get(f"/api/v1/members/{self._other()}/mutual", "shared connections")

    @task(8)
    def search(self) -> None:
        self._get("/api/v1/search/people", "search", q=random.choice(WORDS))

    @task(10)
    def typeahead(self) -> None:
        handle = self._other()
        self._get("/api/v1/search/typeahead", "typeahead", q=handle[: random.randint(2, 4)])

    @task(6)
    def people_you_may_know(self) -> None:
        self._get("/api/v1/suggestions", "people you may know")

    @task(10)
    def feed(self) -> None:
        self._get("/api/v1/feed", "feed")

    # ---- writes
    @task(3)
    def invite_and_accept(self) -> None:
        other = random.choice(MEMBERS)
        if other["handle"] == self.me["handle"]:
            return
        with self.client.post(
            "/api/v1/invitations",
            json={"to": other["handle"]},
            headers=self.auth,
            name="invitation sent",
            catch_response=True,
        ) as sent:
            if sent.status_code in EXPECTED_REFUSALS:
                sent.success()
                return
            if sent.status_code != 201:
                return
            invitation = sent.json()["invitation"]["id"]
        with self.client.post(
            f"/api/v1/invitations/{invitation}/accept",
            headers={"Authorization": f"Bearer {other['token']}"},
            name="invitation accepted",
            catch_response=True,
        ) as accepted:
            if accepted.status_code in EXPECTED_REFUSALS:
                accepted.success()

    @task(3)
    def message(self) -> None:
        if not self.me["first"]:
            return
        with self.client.post(
            "/api/v1/messages",
            json={"to": random.choice(self.me["first"]), "body": "Good to see you at the meetup."},
            headers=self.auth,
            name="message sent",
            catch_response=True,
        ) as sent:
            if sent.status_code in EXPECTED_REFUSALS:
                sent.success()
