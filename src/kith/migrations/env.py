"""Alembic environment: runs against the engine handed over in ``config.attributes``."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from sqlalchemy import Engine
from sqlalchemy.types import TypeDecorator

import kith.models  # noqa: F401 - registers the tables
from kith.db import Base

# The full-text structures each database keeps over ``search_documents`` (SQLite's
# FTS5 table and its shadow tables; PostgreSQL's table of tsvectors, the generated
# name tsvector and their GIN indexes) are written by hand in migrations 0002, 0006
# and 0007: the models do not describe them.
FULL_TEXT_TABLES = ("search_fts", "search_vectors")
FULL_TEXT_COLUMNS = {("search_documents", "name_words")}
FULL_TEXT_INDEXES = {"ix_search_documents_name_words"}


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, other: Any) -> bool:
    if type_ == "table" and (name or "").startswith(FULL_TEXT_TABLES):
        return False
    if type_ == "column" and (obj.table.name, name) in FULL_TEXT_COLUMNS:
        return False
    return not (type_ == "index" and name in FULL_TEXT_INDEXES)


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    """Write a model's own column type (``UTCDateTime``) as the plain type it stores, so
    a new migration imports nothing of Kith (see tests/test_data_layer.py)."""
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl!r}"
    return False


config = context.config
engine = config.attributes["engine"]
assert isinstance(engine, Engine)

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=include_object,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
