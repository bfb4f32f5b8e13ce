"""What the terminal gets: whether to colour, and a progress line on standard error.

Colour follows https://no-color.org: ``--color auto`` colours only a terminal, and not when
``NO_COLOR`` is set to a non-empty value or ``TERM`` is ``dumb``; ``always`` and ``never``
(options given on the command line) override the environment."""

from __future__ import annotations

import os
from typing import TextIO

COLOR_CHOICES = ("auto", "always", "never")


def wants_color(choice: str, stream: TextIO) -> bool:
    """Whether output to ``stream`` is coloured under ``--color choice``."""
    if choice == "always":
        return True
    if choice == "never":
        return False
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
