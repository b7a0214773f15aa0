"""The Examples sections in the docstrings run and stay true."""

from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize(
    "module",
    ["kith.network", "kith.network._engine", "kith.synthetic"],
)
def test_docstring_examples(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


def test_public_api_is_exactly_what_the_app_uses() -> None:
    import kith.network as net

    assert net.__all__ == ["OUT_OF_NETWORK", "NetworkEngine", "Reach"]
    for name in (
        "from_edges load save connect disconnect remove_node compact overlay_size num_nodes "
        "num_edges connection_count neighbors is_connected degree degrees mutual_count "
        "mutual_counts mutual intro_paths reach suggestions second_degree"
    ).split():
        assert hasattr(net.NetworkEngine, name), name


def test_engine_imports_neither_web_nor_sql() -> None:
    import subprocess
    import sys

    code = (
        "import sys, kith.network, kith.synthetic; "
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('fastapi', 'starlette', 'sqlalchemy', 'psycopg', 'sqlite3', 'pydantic')]; "
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
