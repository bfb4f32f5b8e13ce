"""The contract explorer: a static site of contracts (docs/site.md), built by `clausec site`.

:func:`site_files` turns a checked set of contracts into the site's files (relative path and
text); :func:`write_site` writes them. The modules: ``markup`` (the one escaping function and
anchors), ``sentences`` (norms and expressions in words), ``findings`` (the check's findings
at their clauses), ``pages`` (the index and a page per contract), ``site.css`` (the one
stylesheet, shipped as a file)."""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from clausec.diagnostics import Diagnostic
from clausec.files import write_atomically
from clausec.ir import nodes as ir
from clausec.site.pages import STYLESHEET, contract_page, index_page, page_name

__all__ = ["site_files", "stylesheet", "write_site"]


def stylesheet() -> str:
    """The site's stylesheet, as shipped beside this module."""
    return resources.files(__package__).joinpath(STYLESHEET).read_text(encoding="utf-8")


def site_files(
    contracts: Sequence[ir.Contract], diagnostics: Sequence[Diagnostic]
) -> dict[str, str]:
    """Every file of the site, by path relative to its folder: ``index.html``, the
    stylesheet, and ``ID.html`` per contract, in the order given (the driver's: sorted by
    file). ``diagnostics`` are the check's findings (with analysis), placed on the pages of
    the contracts whose files they concern."""
    files = {page_name(c): contract_page(c, diagnostics) for c in contracts}
    files[STYLESHEET] = stylesheet()
    files["index.html"] = index_page(contracts, diagnostics)
    return files


def write_site(files: dict[str, str], folder: Path) -> list[Path]:
    """Write the site into ``folder`` (created if missing), each file atomically: the
    contract pages and the stylesheet first, the index last, so that an index is never
    newer than the pages it lists. Returns the paths written, in that order."""
    folder.mkdir(parents=True, exist_ok=True)
    order = sorted(files, key=lambda name: (name == "index.html", name))
    return [write_atomically(folder / name, files[name]) for name in order]
