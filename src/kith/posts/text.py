"""A post's text as the pages show it: escaped, with its links made clickable and
its mentions linked to the members' profiles.

Everything the author wrote is escaped first; only the links this module makes are
HTML. A link is an ``http://`` or ``https://`` address, or one starting ``www.``
(opened as ``https://``); trailing punctuation that ends a sentence stays outside
it. Links carry ``rel="nofollow noopener ugc"`` and open in the same tab. A mention
is ``@handle``; it becomes a link to ``/in/<handle>`` only when the handle is one of
``mentioned`` (the members the post really mentions and who may see it), so that
writing ``@someone`` never reveals whether they exist.

Examples
--------
>>> str(render("Hi @ana-m, see https://kith.example/a.", {"ana-m"}))
'Hi <a href="/in/ana-m" class="mention">@ana-m</a>, see <a href="https://kith.example/a" \
rel="nofollow noopener ugc">https://kith.example/a</a>.'
>>> str(render("<b>&</b> @nobody", set()))
'&lt;b&gt;&amp;&lt;/b&gt; @nobody'
>>> mentions("Thanks @Ana-M and @ben1, cc ana@example.org @ana-m")
['ana-m', 'ben1']
"""

from __future__ import annotations

import re
from collections.abc import Collection

from markupsafe import Markup, escape

__all__ = ["MENTION", "mentions", "render"]

#: ``@handle``: a handle's shape (kith.accounts.service.HANDLE_RE), not preceded by a
#: word character, ``@``, ``/`` or ``.`` (an email address or a path is not a mention).
MENTION = re.compile(r"(?<![\w@/.])@([A-Za-z0-9](?:[A-Za-z0-9]|-(?!-)){1,58}[A-Za-z0-9])(?![\w-])")
_LINK = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'\""
_TOKENS = re.compile(f"(?P<link>{_LINK.pattern})|{MENTION.pattern}", re.IGNORECASE)
#: The most members one post or comment may mention (more are left as plain text).
MAX_MENTIONS = 50


def mentions(body: str) -> list[str]:
    """The handles mentioned in ``body``, lowercased, each once, in order."""
    seen: dict[str, None] = {}
    for match in MENTION.finditer(_without_links(body)):
        seen.setdefault(match.group(1).lower(), None)
        if len(seen) >= MAX_MENTIONS:
            break
    return list(seen)


def _without_links(body: str) -> str:
    return _LINK.sub(lambda m: " " * len(m.group(0)), body)


def _link(url: str) -> tuple[Markup, str]:
    """The anchor for ``url`` and the trailing punctuation left outside it."""
    tail = ""
    while url and url[-1] in _TRAILING:
        # A closing bracket that the address opened belongs to it (Wikipedia links).
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        tail = url[-1] + tail
        url = url[:-1]
    href = url if url.lower().startswith(("http://", "https://")) else f"https://{url}"
    anchor = Markup('<a href="{}" rel="nofollow noopener ugc">{}</a>').format(href, url)
    return anchor, tail


def render(body: str, mentioned: Collection[str]) -> Markup:
    """``body`` as safe HTML (line breaks are kept by the page's CSS)."""
    out: list[Markup] = []
    last = 0
    for match in _TOKENS.finditer(body):
        out.append(escape(body[last : match.start()]))
        last = match.end()
        if match.group("link"):
            anchor, tail = _link(match.group("link"))
            out.append(anchor)
            out.append(escape(tail))
            continue
        handle = match.group(2).lower()
        if handle in mentioned:
            out.append(
                Markup('<a href="/in/{}" class="mention">{}</a>').format(handle, match.group(0))
            )
        else:
            out.append(escape(match.group(0)))
    out.append(escape(body[last:]))
    return Markup("").join(out)
