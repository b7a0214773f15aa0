"""Request bodies are bounded: the sign-in check comes before the body, and a body
over its route's ceiling is refused with 413 body_too_large as it arrives."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from kith.app import create_app
from kith.runtime import Kith
from tests.fixtures.factories import bearer, make_member
from tests.fixtures.live import serve

CHUNK = b" " * 65_536
HUGE = 200 * 2**20  # what an attacker sends: 200 MB
RSS_BOUND = 64 * 2**20  # resident memory may grow this much at most while refusing it
BOUNDARY = "kithboundary"


class Stream:
    """A body of ``size`` bytes made on the fly, counting what was taken from it."""

    def __init__(self, size: int, head: bytes = b"") -> None:
        self.size = size
        self.head = head
        self.sent = 0

    def __iter__(self) -> Iterator[bytes]:
        if self.head:
            self.sent += len(self.head)
            yield self.head
        while self.sent < self.size:
            self.sent += len(CHUNK)
            yield CHUNK


def multipart_head(name: str = "Connections.csv") -> bytes:
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()


def rss() -> int:
    pages = Path("/proc/self/statm").read_text().split()[1]
    return int(pages) * 4096


class PeakRss:
    """The highest resident memory of this process (server included) while inside."""

    def __enter__(self) -> PeakRss:
        self.start = self.peak = rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def _watch(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, rss())

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss())

    @property
    def growth(self) -> int:
        return self.peak - self.start


def _post(base: str, path: str, body: Stream, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(f"{base}{path}", content=iter(body), headers=headers, timeout=60)


def test_huge_bodies_are_refused_with_bounded_memory(committed_kith: Kith) -> None:
    with committed_kith.uow() as ctx:
        auth = bearer(ctx, make_member(ctx, "Ana"))
    json_type = {"Content-Type": "application/json"}
    form_type = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
    with serve(create_app(committed_kith)) as base:
        _post(base, "/api/v1/invitations", Stream(1024), json_type)  # warm up
        cases = [
            ("/api/v1/invitations", Stream(HUGE, b'{"to": "'), json_type, 401),
            ("/api/v1/invitations", Stream(HUGE, b'{"to": "'), json_type | auth, 413),
            ("/api/v1/me/imports", Stream(HUGE, multipart_head()), form_type, 401),
            ("/api/v1/me/imports", Stream(HUGE, multipart_head()), form_type | auth, 413),
        ]
        for path, body, headers, status in cases:
            with PeakRss() as memory:
                response = _post(base, path, body, headers)
            assert response.status_code == status, (path, response.text)
            if status == 413:
                assert response.json()["error"] == "body_too_large"
            assert memory.growth < RSS_BOUND, (path, status, memory.growth)
            assert body.sent < HUGE  # the server stopped reading long before the end


@pytest.fixture
def signed_in(kith: Kith) -> dict[str, str]:
    with kith.uow() as ctx:
        return bearer(ctx, make_member(ctx, "Ana"))


def test_a_declared_length_over_the_ceiling_is_refused_before_any_byte(
    client: TestClient, signed_in: dict[str, str]
) -> None:
    big = b"x" * (1_048_576 + 1)
    for headers in ({}, signed_in):
        response = client.post(
            "/api/v1/invitations",
            content=big,
            headers=headers | {"Content-Type": "application/json"},
        )
        assert response.status_code == 413
        assert response.json() == {
            "error": "body_too_large",
            "detail": "That request is too large: at most 1 MB can be sent here.",
        }


def test_no_credentials_no_body_read(client: TestClient) -> None:
    response = client.post("/api/v1/invitations", json={"to": "someone"})
    assert response.status_code == 401
    assert response.json()["error"] == "not_authenticated"
    response = client.post(
        "/api/v1/invitations",
        json={"to": "someone"},
        headers={"Authorization": "Bearer not-a-token"},
    )
    assert response.status_code == 401
    # A page behind sign-in sends the browser to sign in, body unread.
    response = client.post(
        "/me/data/import",
        files={"files": ("Connections.csv", b"First Name\n")},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"].startswith("/signin?next=")


def test_uploads_take_the_import_ceiling(
    kith: Kith, client: TestClient, signed_in: dict[str, str]
) -> None:
    csv = b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    # over 1 MB, under the import limit, and within the ceiling of 30,000 people
    row = b"Ana,Lopez,,," + b"Acme Holdings International " * 2 + b",Engineer,01 Jan 2024\n"
    between = csv + row * 20_000
    assert 2**20 < len(between) < kith.settings.import_max_mb * 2**20
    accepted = client.post(
        "/api/v1/me/imports", files={"files": ("Connections.csv", between)}, headers=signed_in
    )
    assert accepted.status_code == 201, accepted.text
    over = b"x" * (kith.settings.import_max_mb * 2**20 + 128 * 1024)
    refused = client.post(
        "/api/v1/me/imports", files={"files": ("Connections.csv", over)}, headers=signed_in
    )
    assert refused.status_code == 413
    limit = kith.settings.import_max_mb
    assert refused.json() == {
        "error": "body_too_large",
        "detail": f"That upload is too large: files up to {limit} MB in all can be imported.",
    }
    # The same body on a route that takes no files is over the small ceiling.
    elsewhere = client.patch("/api/v1/me", content=between, headers=signed_in)
    assert elsewhere.status_code == 413


def test_pages_say_it_in_words(kith: Kith, client: TestClient) -> None:
    from kith.accounts.service import issue_token

    with kith.uow() as ctx:
        session = issue_token(ctx, make_member(ctx, "Ana"), kind="session")
    client.cookies.set("kith_session", session)
    response = client.post("/me/edit", data={"headline": "x" * (2**20 + 10)})
    assert response.status_code == 413
    assert "text/html" in response.headers["content-type"]
    assert "That request is too large: at most 1 MB can be sent here." in response.text
