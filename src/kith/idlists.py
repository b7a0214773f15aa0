"""Many ids bound as one parameter, however many there are.

A filter by a 2nd degree (tens of thousands of ids), or by the rows of an import,
would otherwise be one bind parameter per id: SQLite refuses more than 32,766 and
PostgreSQL 65,535, and psycopg adapts each element in Python. Here the ids travel
as one value: a JSON array read by ``json_each`` on SQLite, a binary ``integer[]``
written by numpy on PostgreSQL (typed, so the planner sees the array and hashes a
long ``= ANY``).
"""

from __future__ import annotations

import json
import struct
from collections.abc import Sequence
from typing import Any

import numpy as np
import psycopg
from psycopg.adapt import Dumper
from psycopg.pq import Format
from sqlalchemy import ARRAY, ColumnElement, Integer, String, any_, bindparam, cast, func, select
from sqlalchemy.types import UserDefinedType

from kith.uow import Ctx

INT4_OID, INT4_ARRAY_OID = 23, 1007


def is_postgres(ctx: Ctx) -> bool:
    return bool(ctx.session.get_bind().dialect.name == "postgresql")


def _ints(ids: Sequence[int]) -> list[int]:
    """Ids as a list of Python ints (``ndarray.tolist()`` already is one)."""
    return ids if isinstance(ids, list) else [int(i) for i in ids]


class _Int4Array:
    """Ids bound as one PostgreSQL ``integer[]`` parameter in binary form."""

    __slots__ = ("ids",)

    def __init__(self, ids: Sequence[int]) -> None:
        self.ids = np.asarray(ids, dtype=np.int64)


class _Int4ArrayDumper(Dumper):
    """``integer[]`` in PostgreSQL's binary array format, written by numpy in one step:
    psycopg's list dumper adapts and checks every element in Python (about 40 ms for
    60,000 ids, more than the query that uses them)."""

    format = Format.BINARY
    oid = INT4_ARRAY_OID

    def dump(self, obj: Any) -> bytes:
        ids = obj.ids
        if not ids.size:
            return struct.pack(">iii", 0, 0, INT4_OID)
        cells = np.empty((ids.size, 2), dtype=">i4")
        cells[:, 0] = 4  # each element: its length in bytes, then its value
        cells[:, 1] = ids
        return struct.pack(">iiiii", 1, 0, INT4_OID, ids.size, 1) + cells.tobytes()


psycopg.adapters.register_dumper(_Int4Array, _Int4ArrayDumper)


class _Int4ArrayType(UserDefinedType[Any]):
    """The bind type of an ``_Int4Array``: passed to psycopg as it is (its dumper
    says ``integer[]``), so the planner sees a typed array parameter."""

    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "INTEGER[]"

    def bind_processor(self, dialect: Any) -> None:
        return None


def _pg_array(ids: Sequence[int]) -> Any:
    """An int array parameter (bound as one typed value, so the planner sees the array
    and hashes a long ``= ANY``)."""
    return bindparam(None, _Int4Array(ids), type_=_Int4ArrayType())


def id_array(ctx: Ctx, ids: Sequence[int]) -> Any:
    """Many ids as one parameter: a JSON array read by ``json_each`` on SQLite (a
    subquery), an int array on PostgreSQL."""
    if is_postgres(ctx):
        return _pg_array(ids)
    each = func.json_each(json.dumps(_ints(ids))).table_valued("value")
    return select(each.c.value)


def id_in(ctx: Ctx, column: Any, ids: Sequence[int]) -> ColumnElement[bool]:
    """``column IN ids`` with the ids as one parameter (see :func:`id_array`)."""
    cond: ColumnElement[bool] = (
        column == any_(_pg_array(ids)) if is_postgres(ctx) else column.in_(id_array(ctx, ids))
    )
    return cond


def id_probe(ctx: Ctx, column: Any, ids: Sequence[int]) -> ColumnElement[bool]:
    """``column IN ids`` where the ids are to drive an index on ``column``, one probe
    each, however many there are. On PostgreSQL the array reaches the planner as the
    result of a one-row sub-select, not as a value: a plan made for a known array of
    thousands of ids may prefer reading the whole table with a hashed ``= ANY``, and the
    plan would then change with the connection's prepared state and the number of
    ids. SQLite plans ``IN`` over ``json_each`` as probes already."""
    if not is_postgres(ctx):
        probe: ColumnElement[bool] = column.in_(id_array(ctx, ids))
        return probe
    hidden = cast(select(_pg_array(ids)).scalar_subquery(), ARRAY(Integer))
    cond: ColumnElement[bool] = column == any_(hidden)
    return cond


def id_in_named(column: Any, name: str, *, postgres: bool) -> ColumnElement[bool]:
    """``column IN :name`` for a statement built once (one per kind of database: the
    two forms differ); bind the ids to ``name`` with :func:`id_value`. A statement
    built once is not built again, nor its cache key, for each request."""
    if postgres:
        cond: ColumnElement[bool] = column == any_(bindparam(name, type_=_Int4ArrayType()))
        return cond
    each = func.json_each(bindparam(name, type_=String())).table_valued("value")
    within: ColumnElement[bool] = column.in_(select(each.c.value))
    return within


def id_value(ctx: Ctx, ids: Sequence[int]) -> Any:
    """The value to bind to an :func:`id_in_named` parameter."""
    return _Int4Array(ids) if is_postgres(ctx) else json.dumps(_ints(ids))
