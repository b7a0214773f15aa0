"""``kith.uow.kept_service``: what a domain keeps beside the database is made once per
runtime, however many threads ask for it at the same moment."""

from __future__ import annotations

import threading

import pytest

from kith.uow import kept_service


class Thing:
    made = 0

    def __init__(self) -> None:
        Thing.made += 1


def test_made_once_for_many_threads_at_once() -> None:
    store: dict[str, object] = {}
    Thing.made = 0
    start = threading.Barrier(16)
    found: list[Thing] = []

    def ask() -> None:
        start.wait()
        found.append(kept_service(store, "thing", Thing, Thing))

    threads = [threading.Thread(target=ask) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Thing.made == 1
    assert len(found) == 16
    assert all(f is found[0] for f in found)
    assert store == {"thing": found[0]}


def test_a_name_kept_as_another_kind_is_an_error() -> None:
    store: dict[str, object] = {"thing": "not a thing"}
    with pytest.raises(TypeError, match="'thing' is kept as str"):
        kept_service(store, "thing", Thing, Thing)
