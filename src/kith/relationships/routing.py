"""Routing one endpoint for both kinds of person.

A per-person endpoint is written once with a ``subject: Subject`` parameter and routed
on two path shapes: ``.../people/{handle}`` and ``.../contacts/{contact_id}``. The route
for each shape gets a signature that declares that shape's path parameter in the
subject's place, so validation, the OpenAPI parameters (and their order) and the
operation's published name and description are those of an endpoint written for that
path alone.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter

from kith.relationships.subject import Subject


@dataclass(frozen=True)
class PersonPath:
    """One way a URL names a person: the path prefix, its parameter (named as the
    :class:`Subject` field it fills: ``handle`` or ``contact_id``) and its type."""

    prefix: str
    param: str
    kind: Any

    def subject(self, value: Any) -> Subject:
        return Subject(**{self.param: value})


@dataclass(frozen=True)
class Operation:
    """How the route for one path shape is published (``description`` "" for none)."""

    name: str
    description: str = ""
    response_model: Any = None


def bind(endpoint: Callable[..., Any], where: PersonPath) -> Callable[..., Any]:
    """``endpoint`` with its ``subject`` taken from ``where``'s path parameter."""
    signature = inspect.signature(endpoint, eval_str=True)
    params = [
        p.replace(name=where.param, annotation=where.kind) if p.name == "subject" else p
        for p in signature.parameters.values()
    ]

    def route(**values: Any) -> Any:
        values["subject"] = where.subject(values.pop(where.param))
        return endpoint(**values)

    route.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
    route.__name__ = route.__qualname__ = endpoint.__name__
    route.__module__ = endpoint.__module__
    return route


def route_both(
    router: APIRouter,
    method: str,
    path: str,
    endpoint: Callable[..., Any],
    *,
    shapes: tuple[tuple[PersonPath, Operation], ...],
    **options: Any,
) -> None:
    """Route ``endpoint`` at ``<shape prefix><path>`` for each path shape."""
    for where, op in shapes:
        extra = {} if op.response_model is None else {"response_model": op.response_model}
        router.add_api_route(
            where.prefix + path,
            bind(endpoint, where),
            methods=[method],
            name=op.name,
            description=op.description,
            **extra,
            **options,
        )
