"""The one way text reaches the site's markup.

Clause files come from third parties: every string of a contract (titles, quotes, glosses,
reasons, names, clause numbers, messages of findings) passes through :func:`escape` before it
is put in a page, whether as element text or as an attribute value. Nothing else in
:mod:`clausec.site` writes a contract's text into markup."""

from __future__ import annotations

import html
import re

# Characters that are parse errors in HTML text (controls other than tab, line feed and
# carriage return; noncharacters) are shown as U+FFFD, so that a page never holds them.
_UNSHOWABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")


def escape(text: str) -> str:
    """``text`` as HTML element text or as a double- or single-quoted attribute value: ``&``,
    ``<``, ``>``, ``"`` and ``'`` as character references, controls replaced."""
    return html.escape(_UNSHOWABLE.sub("\ufffd", text), quote=True)


def anchor_ids(names: list[str], prefix: str) -> dict[str, str]:
    """A distinct fragment identifier per name (a clause number), readable where the name is:
    ``prefix-`` and the name's letters, digits, dots, hyphens and brackets, other characters as
    ``_``; a name that reduces to one already taken gets its position appended. Only ASCII
    letters and digits and ``-_.()``, so the identifier is safe in an attribute and a URL."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for position, name in enumerate(names, start=1):
        if name in out:
            continue
        slug = re.sub(r"[^A-Za-z0-9.()\-]", "_", name)[:60]
        candidate = f"{prefix}-{slug}"
        suffix = position
        while candidate in taken:
            candidate = f"{prefix}-{slug}-{suffix}"
            suffix += 1
        taken.add(candidate)
        out[name] = candidate
    return out
