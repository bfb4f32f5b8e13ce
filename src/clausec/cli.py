"""The ``clausec`` command line. Exit codes: 0 clean, 1 findings, 2 usage or I/O error."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from clausec import __version__
from clausec.diagnostics import Severity, render_all_text, render_json, summary_line
from clausec.driver import InputError, check_paths

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="clausec")
def cli() -> None:
    """clausec: compile contracts written in the clause language."""


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
@click.option("--fail-on", type=click.Choice(["error", "warning"]), default="warning",
              show_default=True, help="Lowest severity that makes the exit code 1.")
def check(paths: Sequence[str], fmt: str, fail_on: str) -> None:
    """Parse, resolve and type-check clause files (files or folders)."""
    try:
        result = check_paths(paths)
    except InputError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    diagnostics = result.diagnostics
    if fmt == "json":
        click.echo(render_json(diagnostics, result.files), nl=False)
    else:
        if diagnostics:
            click.echo(render_all_text(diagnostics, result.sources) + "\n")
        click.echo(summary_line(diagnostics, len(result.files)))
    threshold = Severity.ERROR.rank if fail_on == "error" else Severity.WARNING.rank
    failing = any(d.severity.rank <= threshold for d in diagnostics)
    sys.exit(EXIT_FINDINGS if failing else EXIT_OK)


def main(argv: Sequence[str] | None = None) -> None:
    """Console entry point: never lets a Python traceback reach the user."""
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="clausec",
                 standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - last line of defence, reported as a bug
        click.echo(f"clausec: internal error: {type(exc).__name__}: {exc}\n"
                   "This is a bug in clausec; please report it with the input that caused it.",
                   err=True)
        sys.exit(EXIT_INTERNAL)
