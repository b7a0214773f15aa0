"""Alembic environment: runs against the engine handed over in ``config.attributes``."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import Engine

import kith.models  # noqa: F401 - registers the tables
from kith.db import Base

# The full-text structures each database keeps over ``search_documents`` (SQLite's
# FTS5 table and its shadow tables; PostgreSQL's generated tsvector column and its
# GIN index) are written by hand in migration 0002: the models do not describe them.
FULL_TEXT_TABLES = "search_fts"
FULL_TEXT_COLUMN = ("search_documents", "document")
FULL_TEXT_INDEX = "ix_search_documents_document"


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, other: Any) -> bool:
    if type_ == "table" and (name or "").startswith(FULL_TEXT_TABLES):
        return False
    if type_ == "column" and (obj.table.name, name) == FULL_TEXT_COLUMN:
        return False
    return not (type_ == "index" and name == FULL_TEXT_INDEX)


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
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
