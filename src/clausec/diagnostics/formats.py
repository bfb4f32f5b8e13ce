"""The output formats of `clausec check`, by name. Each renderer returns the whole of what
the command prints for one run."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TypeAlias

from clausec.diagnostics import Diagnostic, Run, github, json_output, sarif, text

Renderer: TypeAlias = Callable[[Sequence[Diagnostic], Run], str]

# In the order `clausec check --help` lists them.
FORMATS: Mapping[str, Renderer] = {
    "text": text.render,
    "json": json_output.render,
    "sarif": sarif.render,
    "github": github.render,
}
