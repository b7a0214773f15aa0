"""Mail templates: one template gives a mail's subject, plain text and HTML.

A template under ``mail/templates/mail/`` is rendered twice, with ``html`` false (no
escaping; links written out as addresses) and true (escaped, links as anchors), from
the macros of ``_parts.j2``. It sets ``subject`` at its top level.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

TEMPLATES = Path(__file__).resolve().parent / "templates"


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def _environment(*, html: bool) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=html,  # noqa: S701 - the text part escapes nothing on purpose: plain text
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["html"] = html
    return env


_TEXT = _environment(html=False)
_HTML = _environment(html=True)


def _tidy_text(text: str) -> str:
    lines = [line.rstrip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def render_mail(kind: str, context: dict[str, Any]) -> Rendered:
    """The mail ``mail/<kind>.j2`` for ``context``: subject, text part and HTML part."""
    name = f"mail/{kind}.j2"
    text_template = _TEXT.get_template(name)
    module = text_template.make_module(context)
    subject = " ".join(str(getattr(module, "subject", "")).split())
    text = _tidy_text(text_template.render(context))
    html = _HTML.get_template(name).render(context)
    return Rendered(subject=subject, text=text, html=html)
