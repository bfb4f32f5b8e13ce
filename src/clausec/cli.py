"""The ``clausec`` command line (docs/cli.md).

Exit codes: 0 clean or answered, 1 findings (diagnostics, failed scenarios, bad facts),
2 usage or I/O error, 3 internal error."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

import click

from clausec import __version__
from clausec.checking import check_many, default_cache_dir, default_jobs
from clausec.diagnostics import Run, Severity, select
from clausec.diagnostics.formats import FORMATS
from clausec.diagnostics.text import Palette, render_all_text, summary_line
from clausec.driver import CheckResult, InputError, check_paths
from clausec.files import FileProblem, read_regular, terminate_cleanly, write_atomically
from clausec.ir import nodes as ir
from clausec.terminal import COLOR_CHOICES, wants_color

if TYPE_CHECKING:
    from clausec.analysis import Unasked
    from clausec.backends.sql import AsOf
    from clausec.evaluation import scenarios

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def _remember_import_roots(context: click.Context, _: object, value: tuple[str, ...]) -> None:
    context.meta["clausec.import_roots"] = value


# Every command that reads clause files takes it; it reaches check_paths through the context.
import_root_option = click.option(
    "--import-root",
    "import_roots",
    multiple=True,
    metavar="FOLDER",
    expose_value=False,
    callback=_remember_import_roots,
    type=click.Path(exists=True, file_okay=False),
    help="Also let imports read .clause files in FOLDER (repeatable); by default they stay "
    "in the folder being checked.",
)


def _import_roots() -> tuple[str, ...]:
    roots: tuple[str, ...] = click.get_current_context().meta.get("clausec.import_roots", ())
    return roots


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="clausec")
def cli() -> None:
    """clausec: compile contracts written in the clause language."""


@cli.command()
@import_root_option
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(FORMATS)),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning"]),
    default="warning",
    show_default=True,
    help="Lowest severity that makes the exit code 1.",
)
@click.option(
    "--select",
    "chosen",
    multiple=True,
    metavar="CODES",
    help="Report only these codes or code prefixes (comma-separated, repeatable).",
)
@click.option(
    "--ignore",
    "ignored",
    multiple=True,
    metavar="CODES",
    help="Do not report these codes or code prefixes (comma-separated, repeatable).",
)
@click.option(
    "--no-analysis",
    is_flag=True,
    help="Only parse and type-check: skip the analyses of docs/checks.md.",
)
@click.option(
    "--show-info",
    is_flag=True,
    help="List infos (resolved conflicts, scenario coverage) in text, GitHub and SARIF "
    "output; they are always counted in the summary, and always in JSON.",
)
@click.option(
    "--show-accepted",
    is_flag=True,
    help="List accepted findings (and those in the baseline) in text and GitHub output; "
    "SARIF always lists them, as suppressed.",
)
@click.option(
    "--color",
    type=click.Choice(COLOR_CHOICES),
    default="auto",
    show_default=True,
    help="Colour the text format: on a terminal only (and not under NO_COLOR), always, or never.",
)
@click.option(
    "--no-dependents",
    is_flag=True,
    help="Check only the files given: not also the project's files that import them.",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Do not read or write the cache of results (the user's cache folder, or "
    "$CLAUSEC_CACHE_DIR).",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    metavar="N",
    help="Check files in up to N processes (default: the number of CPUs; 1: in this process).",
)
@click.option(
    "--srcroot",
    metavar="FOLDER",
    type=click.Path(exists=True, file_okay=False),
    help="SARIF: paths relative to FOLDER (default: the enclosing git repository's root, "
    "else the working folder); also the root of baseline paths.",
)
@click.option(
    "--baseline",
    "baseline_file",
    metavar="FILE",
    help="Findings recorded in FILE are reported as known and do not fail the check.",
)
@click.option(
    "--write-baseline",
    "new_baseline",
    metavar="FILE",
    help="Record this run's warnings and infos in FILE (errors are never recorded).",
)
@click.option(
    "--sources",
    multiple=True,
    metavar="FOLDER",
    type=click.Path(exists=True, file_okay=False),
    help="Check every quote against the contract's source document (its `source` header), "
    "found in FOLDER (repeatable; the first that has it).",
)
def check(
    paths: Sequence[str],
    fmt: str,
    fail_on: str,
    chosen: Sequence[str],
    ignored: Sequence[str],
    no_analysis: bool,
    show_info: bool,
    show_accepted: bool,
    color: str,
    no_dependents: bool,
    no_cache: bool,
    jobs: int | None,
    srcroot: str | None,
    baseline_file: str | None,
    new_baseline: str | None,
    sources: Sequence[str],
) -> None:
    """Check clause files (files or folders): syntax, names, types, and the analyses of
    docs/checks.md (conflicts between norms, deadlines, dead norms, unused facts)."""
    from clausec.diagnostics import baseline
    from clausec.diagnostics.fingerprints import fingerprints, source_root

    chosen_codes = _codes(chosen, "--select")
    ignored_codes = _codes(ignored, "--ignore")
    known: frozenset[str] = frozenset()
    if baseline_file is not None:
        try:
            known = baseline.read(Path(baseline_file))
        except baseline.BaselineError as exc:
            _fail(str(exc), EXIT_USAGE)
    extra = [] if no_dependents else _dependents(paths)
    try:
        result = check_many(
            [*paths, *extra],
            analysis=not no_analysis,
            import_roots=_import_roots(),
            cache_dir=None if no_cache else default_cache_dir(),
            jobs=jobs or default_jobs(),
            progress=_progress_line(sys.stderr),
            source_folders=sources,
        )
    except InputError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    diagnostics = select(result.diagnostics, chosen_codes, ignored_codes)
    root = source_root(srcroot)
    prints = dict(zip(diagnostics, fingerprints(diagnostics, result.sources, root), strict=True))
    if new_baseline is not None:
        try:
            write_atomically(Path(new_baseline), baseline.render(diagnostics, prints, root))
        except OSError as exc:
            _fail(f"{new_baseline}: cannot write: {exc.strerror or exc}", EXIT_USAGE)
        recorded = sum(baseline.recordable(d) for d in diagnostics)
        click.echo(f"wrote {new_baseline} ({recorded} findings)", err=True)
        known = frozenset(prints.values())
    if known:
        diagnostics, prints = baseline.mark(diagnostics, prints, known)
    run = Run(
        result.files,
        result.sources,
        __version__,
        show_info,
        show_accepted,
        root=str(root),
        fingerprints=prints,
        baseline=baseline_file is not None or new_baseline is not None,
        dependents=len(extra),
        color=wants_color(color, sys.stdout),
    )
    # click strips ANSI codes from output that is not a terminal unless told the choice.
    click.echo(FORMATS[fmt](diagnostics, run), nl=False, color=run.color)
    threshold = Severity.ERROR.rank if fail_on == "error" else Severity.WARNING.rank
    failing = any(d.severity.rank <= threshold and d.counts for d in diagnostics)
    sys.exit(EXIT_FINDINGS if failing else EXIT_OK)


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--check",
    "check_only",
    is_flag=True,
    help="Write nothing; list the files that would change and exit 1 if there are any.",
)
@click.option(
    "--diff",
    "show_diff",
    is_flag=True,
    help="Write nothing; print a unified diff of each file to its formatted text.",
)
def fmt(paths: Sequence[str], check_only: bool, show_diff: bool) -> None:
    """Lay out clause files (files or folders; - for standard input to standard output) in
    the one canonical layout of docs/language.md: indentation, spacing, line breaks;
    comments, blank-line groups and strings are kept."""
    from clausec.formatting import Formatted, format_bytes, format_paths

    if "-" in paths:
        if len(paths) > 1:
            _fail("- (standard input) cannot be given with other paths", EXIT_USAGE)
        results = [format_bytes(sys.stdin.buffer.read(), "<stdin>")]
    else:
        try:
            results = format_paths(paths)
        except InputError as exc:
            _fail(str(exc), EXIT_USAGE)
    palette = Palette(wants_color("auto", sys.stderr))
    failed: list[Formatted] = []
    changed = 0
    for result in results:
        if result.text is None:
            failed.append(result)
            text = render_all_text(result.diagnostics, {result.name: result.source}, palette)
            click.echo(text + "\n", err=True, color=palette.on)
            continue
        changed += result.changed
        if show_diff:
            click.echo(result.diff(), nl=False)
        elif check_only:
            if result.changed:
                click.echo(f"would reformat {result.name}")
        elif result.path is None:
            click.echo(result.text, nl=False)
        elif result.changed:
            try:
                write_atomically(result.path, result.text)
            except OSError as exc:
                _fail(f"{result.name}: cannot write: {exc.strerror or exc}", EXIT_USAGE)
            click.echo(f"formatted {result.name}", err=True)
    if failed:
        names = ", ".join(r.name for r in failed)
        _fail(f"cannot format {names}: fix the syntax errors first", EXIT_FINDINGS)
    sys.exit(EXIT_FINDINGS if check_only and changed else EXIT_OK)


def _progress_line(stream: TextIO) -> Callable[[int, int], None] | None:
    """`checking 12/400`, redrawn in place on a terminal (never in a pipe or a file), at
    most ten times a second, and erased when done."""
    if not stream.isatty():
        return None
    import time

    last = [0.0]

    def show(done: int, total: int) -> None:
        now = time.monotonic()
        if done >= total:
            if last[0]:
                stream.write("\r\x1b[K")
                stream.flush()
        elif total >= 4 and now - last[0] >= 0.1:
            last[0] = now
            stream.write(f"\rchecking {done}/{total}")
            stream.flush()

    return show


def _dependents(paths: Sequence[str]) -> list[Path]:
    """The files that import the files named directly (not those found in a folder)."""
    from clausec.dependents import dependents

    files = [Path(p) for p in paths if Path(p).is_file()]
    return dependents(files) if files else []


def _codes(values: Sequence[str], option: str) -> list[str]:
    """Codes or prefixes from comma-separated option values; a usage error if malformed."""
    import re

    out = []
    for value in values:
        for part in value.split(","):
            code = part.strip().upper()
            if not re.fullmatch(r"[EWI][0-9]{0,4}", code):
                _fail(
                    f"{option}: {part.strip()!r} is not a code (like W0501) or a code "
                    "prefix (like W05)",
                    EXIT_USAGE,
                )
            out.append(code)
    return out


def _compile(
    paths: Sequence[str], *, analysis: bool = False, source_folders: Sequence[str] = ()
) -> CheckResult:
    """Check the files (with the analyses of `clausec check` if ``analysis``, and the quotes
    against ``source_folders``); on any error print the diagnostics and exit 1."""
    try:
        result = check_paths(
            paths,
            import_roots=_import_roots(),
            analysis=analysis,
            source_folders=source_folders,
        )
    except InputError as exc:
        _fail(str(exc), EXIT_USAGE)
    if not result.ok:
        errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
        palette = Palette(wants_color("auto", sys.stderr))
        text = render_all_text(errors, result.sources, palette)
        click.echo(text + "\n", err=True, color=palette.on)
        _fail(f"cannot evaluate: {summary_line(errors, len(result.files))}", EXIT_FINDINGS)
    if not result.contracts:
        _fail(f"no contract in {', '.join(paths)}", EXIT_USAGE)
    return result


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def _find_question(result: CheckResult, name: str) -> tuple[ir.Contract, ir.Question]:
    """A question by name, or ``contract.question`` when several contracts are loaded."""
    contract_id, _, qname = name.rpartition(":")
    found = [
        (c, q)
        for c in result.contracts
        for q in c.questions
        if q.name == qname and contract_id in ("", c.id)
    ]
    if len(found) == 1:
        return found[0]
    if found:
        _fail(
            f"question `{qname}` is in several contracts; write CONTRACT:QUESTION "
            f"({', '.join(c.id + ':' + qname for c, _ in found)})",
            EXIT_USAGE,
        )
    _no_question(name, qname, result.contracts)


def _no_question(name: str, question: str, contracts: Sequence[ir.Contract]) -> NoReturn:
    """Fail: no question ``question`` (written ``name``) in ``contracts``."""
    import difflib

    names = sorted(q.name for c in contracts for q in c.questions)
    close = difflib.get_close_matches(question, names, n=1)
    hint = (
        f"; did you mean `{close[0]}`?"
        if close
        else (f"; the questions are: {', '.join(names)}" if names else "; it has no questions")
    )
    _fail(f"no question `{name}`{hint}", EXIT_USAGE)


def _read_facts_file(path: str) -> dict[str, object]:
    """The facts of a JSON file, or of standard input for ``-``."""
    from clausec.files import read_stream

    source, path = (path, "<stdin>") if path == "-" else (path, path)
    try:
        raw = read_stream(sys.stdin.buffer) if source == "-" else read_regular(Path(source))
        text = raw.decode("utf-8")
    except FileProblem as exc:
        _fail(f"{path}: cannot read: {exc}", EXIT_USAGE)
    except UnicodeDecodeError as exc:
        _fail(f"{path}: not UTF-8 (byte {exc.start + 1}: {exc.reason})", EXIT_FINDINGS)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        _fail(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}", EXIT_FINDINGS)
    except RecursionError:
        _fail(f"{path}: JSON nested too deeply", EXIT_FINDINGS)
    except ValueError as exc:  # an integer past Python's digit limit for int()
        _fail(f"{path}: not usable JSON: {exc}", EXIT_FINDINGS)
    if not isinstance(data, dict):
        _fail(f"{path}: facts must be a JSON object of fact names to values", EXIT_FINDINGS)
    return data


def _given_facts(facts: Sequence[str], facts_file: str | None) -> dict[str, object]:
    """The facts of --facts FILE, then of each --fact NAME=VALUE (which win)."""
    from clausec.evaluation.facts import FactError, parse_assignment

    raw: dict[str, object] = _read_facts_file(facts_file) if facts_file else {}
    try:
        for item in facts:
            name, value = parse_assignment(item)
            raw[name] = value
    except FactError as exc:
        _fail(str(exc), EXIT_USAGE)
    return raw


def _as_of(value: str | None) -> dt.date | None:
    """--as-of: a date, ``today``, or ``none`` (evaluate without a date)."""
    if value is None or value == "none":
        return None
    from clausec.evaluation.facts import FactError, read_as_of
    from clausec.evaluation.messages import show

    try:
        return read_as_of(value)
    except FactError:
        _fail(
            f"--as-of: expected a date (YYYY-MM-DD), `today` or `none`, got {show(value)}",
            EXIT_USAGE,
        )


@cli.command()
@import_root_option
@click.argument("contract")
@click.argument("question")
@click.option(
    "--fact",
    "facts",
    multiple=True,
    metavar="NAME=VALUE",
    help="A fact (repeatable); `NAME=unknown` leaves it unknown.",
)
@click.option(
    "--facts",
    "facts_file",
    metavar="FILE.json",
    help="A JSON object of facts (`-`: standard input); --fact options override it.",
)
@click.option(
    "--as-of",
    "as_of",
    metavar="DATE",
    default="today",
    show_default=True,
    help="The evaluation date: YYYY-MM-DD, `today`, or `none` (no date: every date given "
    "counts as past, and what depends on the current date stays undetermined).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option(
    "--no-presumptions",
    "strict",
    is_flag=True,
    help="Do not use the contract's presumptions: a fact not given stays unknown.",
)
@click.option(
    "--interactive",
    is_flag=True,
    help="While the answer is undetermined, ask for the fact that matters most, and answer "
    "again (a terminal session; an empty reply stops).",
)
def ask(
    contract: str,
    question: str,
    facts: Sequence[str],
    facts_file: str | None,
    as_of: str,
    as_json: bool,
    strict: bool,
    interactive: bool,
) -> None:
    """Answer QUESTION of the contract in CONTRACT (a clause file or folder) for facts."""
    from clausec.evaluation.facts import FactError
    from clausec.evaluation.interpreter import ask as evaluate
    from clausec.evaluation.next_facts import ask_next
    from clausec.evaluation.result import render_json as result_json
    from clausec.evaluation.result import render_next, render_text
    from clausec.evaluation.values import EvaluationError

    if interactive and as_json:
        _fail("--interactive talks to a person: give one of --interactive and --json", EXIT_USAGE)
    date = _as_of(as_of)
    raw = _given_facts(facts, facts_file)
    result = _compile([contract])
    target, q = _find_question(result, question)
    while True:
        try:
            answer = evaluate(target, q.name, raw, date, presume=not strict)
            ranked = ask_next(
                target,
                answer,
                raw,
                lambda given: evaluate(target, q.name, given, date, presume=not strict),
            )
        except FactError as exc:
            _fail(str(exc), EXIT_FINDINGS)
        except EvaluationError as exc:
            _fail(f"cannot answer `{q.name}`: {exc}", EXIT_FINDINGS)
        if as_json:
            click.echo(result_json({**answer.to_dict(), "ask_next": ranked}), nl=False)
            return
        click.echo(render_text(answer.to_dict()) + render_next(ranked), nl=False)
        if not interactive or not ranked:
            return
        reply = _prompt_fact(target, str(ranked[0]["fact"]))
        if reply is None:
            return
        raw = {**raw, str(ranked[0]["fact"]): reply}


def _prompt_fact(contract: ir.Contract, name: str) -> str | None:
    """A value for fact ``name`` typed by the user, asked again until it is one the fact
    takes (None: the user stopped)."""
    from clausec.evaluation.facts import FactError, describe, read_facts

    fact = next(f for f in contract.facts if f.name == name)
    while True:
        try:
            text = click.prompt(
                f"{name} ({describe(fact)}; empty to stop)",
                default="",
                show_default=False,
                err=True,
            ).strip()
        except click.exceptions.Abort:  # end of input
            return None
        if not text:
            return None
        try:
            read_facts(contract, {name: text})
        except FactError as exc:
            click.echo(f"error: {exc}", err=True)
            continue
        click.echo("", err=True)
        return text


TEST_FORMATS = ("text", "json", "junit")


def _min_coverage(
    _context: click.Context, _parameter: click.Parameter, value: str | None
) -> tuple[Fraction, str] | None:
    """--min-coverage: a percentage from 0 to 100 (``80``, ``92.5``, ``80%``), exactly."""
    if value is None:
        return None
    text = value.strip().removesuffix("%")
    if not re.fullmatch(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+", text) or Fraction(text) > 100:
        raise click.BadParameter(f"{value!r} is not a percentage from 0 to 100")
    return Fraction(text), text


@cli.command()
@import_root_option
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(TEST_FORMATS),
    help="Report format  [default: text].",
)
@click.option("--json", "as_json", is_flag=True, help="The same as --format json.")
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    help="Write the report to FILE (atomically; `-`: standard output); standard output then "
    "shows the text report.",
)
@click.option(
    "--min-coverage",
    "minimum",
    metavar="PERCENT",
    callback=_min_coverage,
    help="Fail (exit 1) when clause coverage or question coverage is below PERCENT (0-100).",
)
@click.option(
    "--record-times",
    is_flag=True,
    help="JUnit: record measured run times and the start time; without it every time is 0, "
    "so that the same files give the same report.",
)
@click.option(
    "--no-presumptions",
    "strict",
    is_flag=True,
    help="Answer the scenarios without the contracts' presumptions.",
)
def test(
    paths: Sequence[str],
    fmt: str | None,
    as_json: bool,
    output: str | None,
    minimum: tuple[Fraction, str] | None,
    record_times: bool,
    strict: bool,
) -> None:
    """Run every scenario of the contracts in PATHS and report clause and question coverage,
    and the norms no question asks about, as text, JSON or JUnit XML (docs/cli.md)."""
    from clausec.analysis import norms_without_question
    from clausec.evaluation.scenarios import Report, coverage, run

    if as_json and fmt not in (None, "json"):
        _fail(f"--json is --format json: give one of --json and --format {fmt}", EXIT_USAGE)
    fmt = "json" if as_json else (fmt or "text")
    if record_times and fmt != "junit":
        _fail("--record-times applies to --format junit", EXIT_USAGE)
    started = dt.datetime.now(dt.UTC)
    result = _compile(paths)
    reports: list[Report] = []
    progress = _Progress(len(result.contracts), sys.stderr)
    try:
        for contract in result.contracts:
            progress.advance(len(reports), contract.id)
            reports.append(run(contract, presume=not strict))
    finally:
        progress.close()
    covered = coverage(reports)
    unasked = {
        c.id: (len(c.norms), norms_without_question(c)) for c in result.contracts if c.questions
    }
    short: list[scenarios.Coverage] = []
    problems: dict[str, str] = {}
    if minimum is not None:
        short = [c for c in covered if c.percent < minimum[0]]
        problems = {c.what: _coverage_problem(c, *minimum) for c in short}
    if fmt == "junit":
        from clausec.evaluation import junit

        checks = (
            []
            if minimum is None
            else [
                junit.Check(f"{c.what} coverage >= {minimum[1]}%", problems.get(c.what))
                for c in covered
            ]
        )
        report = junit.render(reports, checks=checks, record_times=record_times, started=started)
    elif fmt == "json":
        report = _test_json(reports, covered, minimum, short, unasked)
    else:
        report = _test_text(reports, covered if minimum is not None else (), unasked)
    if output is None or output == "-":
        click.echo(report, nl=False)
    else:
        try:
            write_atomically(Path(output), report)
        except OSError as exc:
            _fail(f"{output}: cannot write: {exc.strerror or exc}", EXIT_USAGE)
        if fmt != "text":
            click.echo(
                _test_text(reports, covered if minimum is not None else (), unasked), nl=False
            )
        click.echo(f"wrote {output}", err=True)
    for problem in problems.values():
        click.echo(f"error: {problem}", err=True)
    failed = any(r.failures for r in reports)
    sys.exit(EXIT_FINDINGS if failed or short else EXIT_OK)


def _test_text(
    reports: Sequence[scenarios.Report],
    total: Sequence[scenarios.Coverage],
    unasked: Mapping[str, tuple[int, Sequence[Unasked]]],
) -> str:
    """The text report of `clausec test`; with the coverage of all contracts when ``total``
    gives it (--min-coverage). ``unasked``: per contract with questions, its number of norms
    and those no question asks about."""
    lines = []
    for r in reports:
        for f in r.failures:
            lines.append(f'FAILED {f.span}: scenario "{f.scenario}", {f.question}')
            lines += [f"  {problem}" for problem in f.problems]
        for w in r.warnings:
            lines.append(f'warning {w.span}: scenario "{w.scenario}", {w.question}: {w.message}')
    for r in reports:
        line = (
            f"coverage {r.contract}: {len(r.exercised)} of {len(r.clauses)} "
            "normative clauses exercised by scenarios"
        )
        if r.unexercised:
            line += "; not exercised: " + ", ".join(r.unexercised)
        lines.append(line)
        if r.contract in unasked:
            lines.append(_unasked_line(r.contract, *unasked[r.contract]))
    if total:
        clauses, questions = total
        lines.append(
            f"coverage of all contracts: {clauses.covered} of {clauses.total} normative "
            f"clauses ({_shown(clauses.percent)}%), {questions.covered} of {questions.total} "
            f"questions ({_shown(questions.percent)}%)"
        )
    passed = sum(r.passed for r in reports)
    failed = sum(len(r.failures) for r in reports)
    lines.append(f"{passed} passed, {failed} failed")
    # Scenario titles come from third-party files: no control character reaches a terminal.
    return "".join(_CONTROL.sub("\N{REPLACEMENT CHARACTER}", line) + "\n" for line in lines)


def _unasked_line(contract: str, norms: int, unasked: Sequence[Unasked]) -> str:
    """How many of a contract's norms some question asks about; the others, with a reason
    recorded or without."""
    line = f"questions {contract}: {norms - len(unasked)} of {norms} norms asked about"
    reasoned = sum(1 for u in unasked if u.reason is not None)
    if reasoned:
        line += f", {reasoned} not asked with a recorded reason"
    bare = [u.norm for u in unasked if u.reason is None]
    if bare:
        line += "; no question and no reason: " + ", ".join(bare)
    return line


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _test_json(
    reports: Sequence[scenarios.Report],
    covered: Sequence[scenarios.Coverage],
    minimum: tuple[Fraction, str] | None,
    short: Sequence[scenarios.Coverage],
    unasked: Mapping[str, tuple[int, Sequence[Unasked]]],
) -> str:
    data: dict[str, object] = {
        "passed": sum(r.passed for r in reports),
        "failed": sum(len(r.failures) for r in reports),
        "contracts": [
            {
                "contract": r.contract,
                "passed": r.passed,
                "failures": [
                    {
                        "scenario": f.scenario,
                        "question": f.question,
                        "problems": list(f.problems),
                        "span": f.span.to_dict(),
                    }
                    for f in r.failures
                ],
                "normative_clauses": len(r.clauses),
                "exercised": list(r.exercised),
                "unexercised": list(r.unexercised),
                "warnings": [
                    {
                        "scenario": w.scenario,
                        "question": w.question,
                        "message": w.message,
                        "span": w.span.to_dict(),
                    }
                    for w in r.warnings
                ],
                "questions": len(r.questions),
                "asked": list(r.asked),
                "not_asked": list(r.unasked),
                **(
                    {
                        "norms": unasked[r.contract][0],
                        "norms_without_question": [
                            {"norm": u.norm, "clause": u.clause, "reason": u.reason}
                            for u in unasked[r.contract][1]
                        ],
                    }
                    if r.contract in unasked
                    else {}
                ),
            }
            for r in reports
        ],
        "coverage": {f"{c.what}s": {"covered": c.covered, "total": c.total} for c in covered},
    }
    if minimum is not None:
        data["min_coverage"] = {"percent": minimum[1], "below": [f"{c.what}s" for c in short]}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _coverage_problem(covered: scenarios.Coverage, minimum: Fraction, given: str) -> str:
    """What --min-coverage says of a coverage below it: which, by how much, what it takes."""
    percent = _shown(covered.percent)
    points = _shown(math.ceil((minimum - Fraction(percent)) * 10) / Fraction(10))
    more = covered.missing(minimum)
    if covered.what == "clause":
        counted = f"{covered.covered} of {covered.total} normative clauses"
        needed = f"{more} more normative clause{'s' if more > 1 else ''} must be exercised"
    else:
        counted = f"{covered.covered} of {covered.total} questions"
        needed = f"{more} more question{'s' if more > 1 else ''} must be asked by a scenario"
    return (
        f"{covered.what} coverage is {percent}% ({counted}), below --min-coverage "
        f"{given}% by {points} points: {needed}"
    )


def _shown(percent: Fraction) -> str:
    """A percentage to one decimal, rounded down (so 99.96 is not shown as 100), without a
    trailing ``.0``."""
    tenths = math.floor(percent * 10)
    whole, tenth = divmod(tenths, 10)
    return f"{whole}.{tenth}" if tenth else str(whole)


class _StatusLine:
    """One line of standard error rewritten in place (``\\r``) while a long step runs, and
    erased at the end; only on a terminal (not when ``TERM`` is ``dumb``), without colour."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.width = 0
        try:
            tty = stream.isatty()
        except (AttributeError, ValueError):
            tty = False
        self.on = tty and os.environ.get("TERM") != "dumb"

    def show(self, text: str) -> None:
        if not self.on:
            return
        import shutil

        # Never as wide as the terminal: a line that wraps cannot be rewritten with \\r.
        line = _CONTROL.sub("\N{REPLACEMENT CHARACTER}", text)
        line = line[: max(shutil.get_terminal_size().columns - 1, 20)]
        self.stream.write("\r" + line.ljust(self.width))
        self.stream.flush()
        self.width = max(self.width, len(line))

    def close(self) -> None:
        if self.on and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0


class _Progress(_StatusLine):
    """``running scenarios: 3 of 12 contracts`` while `clausec test` runs several contracts."""

    def __init__(self, total: int, stream: TextIO) -> None:
        super().__init__(stream)
        self.total = total
        self.on = self.on and total > 1

    def advance(self, done: int, name: str) -> None:
        self.show(f"running scenarios: {done} of {self.total} contracts ({name})")


@cli.command()
@import_root_option
@click.argument("contract")
@click.option(
    "--view",
    type=click.Choice(["obligations", "dependencies", "remedies", "timeline"]),
    default="obligations",
    show_default=True,
    help="What to draw.",
)
@click.option(
    "--question",
    metavar="QUESTION",
    help="dependencies / timeline: only what this question may read.",
)
@click.option(
    "--clause",
    "clauses",
    multiple=True,
    metavar="NUMBER",
    help="Only the norms of this clause and its sub-clauses (repeatable; not timeline).",
)
@click.option(
    "--all",
    "everything",
    is_flag=True,
    help="obligations: every norm, even of a contract with more than 40 (default: an "
    "overview by section).",
)
@click.option("--scenario", metavar="TITLE", help="timeline: the facts of this scenario.")
@click.option(
    "--fact",
    "facts",
    multiple=True,
    metavar="NAME=VALUE",
    help="timeline: a fact (repeatable), as for `ask`.",
)
@click.option(
    "--facts",
    "facts_file",
    metavar="FILE.json",
    help="timeline: a JSON object of facts (`-`: standard input).",
)
@click.option("--as-of", "as_of", metavar="DATE", help="timeline: the evaluation date.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["dot", "svg", "png", "mermaid"]),
    help="Output format (default: from the output's suffix, else dot).",
)
@click.option("-o", "--output", required=True, metavar="FILE", help="Where to write (`-`: stdout).")
def graph(
    contract: str,
    view: str,
    question: str | None,
    clauses: Sequence[str],
    everything: bool,
    scenario: str | None,
    facts: Sequence[str],
    facts_file: str | None,
    as_of: str | None,
    fmt: str | None,
    output: str,
) -> None:
    """Draw the obligations, dependencies, remedies or timeline of the contract in CONTRACT."""
    from clausec.evaluation.facts import FactError, read_facts
    from clausec.evaluation.values import EvaluationError
    from clausec.graph import dot, views
    from clausec.graph import output as out

    if view not in ("dependencies", "timeline") and question is not None:
        _fail("--question applies to the dependencies and timeline views", EXIT_USAGE)
    if view != "timeline" and (scenario or facts or facts_file or as_of):
        _fail("--scenario, --fact, --facts and --as-of apply to the timeline view", EXIT_USAGE)
    if view == "timeline" and clauses:
        _fail("--clause applies to the obligations, dependencies and remedies views", EXIT_USAGE)
    if everything and (view != "obligations" or clauses):
        _fail("--all applies to the obligations view without --clause", EXIT_USAGE)
    if scenario is not None and (facts or facts_file):
        _fail("--scenario gives the facts; do not combine it with --fact or --facts", EXIT_USAGE)
    fmt = fmt or out.SUFFIXES.get(Path(output).suffix.lower(), "dot")
    date = _as_of(as_of)
    raw = _given_facts(facts, facts_file)
    result = _compile([contract])
    if question is not None:
        target, q = _find_question(result, question)
        question = q.name
    elif len(result.contracts) == 1:
        target = result.contracts[0]
    else:
        _fail(
            f"{contract} holds several contracts ({', '.join(c.id for c in result.contracts)}); "
            "give one file, or --question CONTRACT:QUESTION",
            EXIT_USAGE,
        )
    numbers = [c.number for c in target.clauses]
    for wanted in clauses:
        if not any(views.in_clauses(n, [wanted]) for n in numbers):
            import difflib

            close = difflib.get_close_matches(wanted, numbers, n=1)
            _fail(
                f'no clause "{wanted}" in {target.id}'
                + (f'; did you mean "{close[0]}"?' if close else ""),
                EXIT_USAGE,
            )
    if scenario is not None:
        try:
            values, scenario_date = out.scenario_facts(target, scenario)
        except KeyError:
            titles = ", ".join(f'"{s.title}"' for s in target.scenarios) or "none"
            _fail(
                f'no scenario "{scenario}" in {target.id}; the scenarios are: {titles}', EXIT_USAGE
            )
        date = date or scenario_date
    try:
        if scenario is None:
            values = read_facts(target, raw)
        picture = out.draw(
            target,
            view,
            fmt,
            question=question,
            facts=values,
            as_of=date,
            clauses=clauses,
            everything=everything,
        )
    except FactError as exc:
        _fail(str(exc), EXIT_FINDINGS)
    except EvaluationError as exc:
        _fail(f"cannot compute the timeline: {exc}", EXIT_FINDINGS)
    except (dot.DotMissing, dot.DotFailed) as exc:
        _fail(str(exc), EXIT_FINDINGS)
    _overview_hint(target, view, clauses, everything)
    if output == "-":
        # Bytes, so that the picture reaches stdout unchanged whatever its encoding.
        click.echo(picture.encode("utf-8") if isinstance(picture, str) else picture, nl=False)
        return
    try:
        write_atomically(Path(output), picture)
    except OSError as exc:
        _fail(f"{output}: cannot write: {exc.strerror or exc}", EXIT_USAGE)
    click.echo(f"wrote {output}")


def _overview_hint(
    target: ir.Contract, view: str, clauses: Sequence[str], everything: bool
) -> None:
    """Say on stderr that a large contract was drawn as an overview, and how to draw more."""
    from clausec.graph import output as out
    from clausec.graph.views import section_of

    if view == "obligations" and not clauses and not everything and len(target.norms) > out.LARGE:
        # In the order of the clause file, as the overview draws them.
        numbers = (c.number for c in target.clauses if c.norm_ids)
        sections = ", ".join(dict.fromkeys(section_of(n) for n in numbers))
        click.echo(
            f"note: {target.id} has {len(target.norms)} norms (more than {out.LARGE}): drew an "
            f"overview by section; draw a section with --clause NUMBER ({sections}), or every "
            "norm with --all",
            err=True,
        )


TARGETS = {
    "python": ".py",
    "javascript": ".mjs",
    "json": ".ir.json",
    "schema": ".schema.json",
    "sql": ".sql",
}
# clausec.backends.sql.DIALECTS, named here so that the command line starts without sqlglot.
SQL_DIALECTS = ("duckdb", "spark", "postgres")


@cli.command()
@import_root_option
@click.argument("paths", nargs=-1, required=True)
@click.option("--target", type=click.Choice(list(TARGETS)), required=True, help="What to generate.")
@click.option(
    "-o",
    "--output",
    "out_dir",
    required=True,
    metavar="DIR",
    help="The folder to write into (created if missing).",
)
@click.option(
    "--package",
    "package",
    metavar="NAME",
    help="Write an installable package NAME of all the contracts into DIR (python: one shared "
    "runtime, a module per contract, py.typed; javascript: an npm package with declarations).",
)
@click.option(
    "--dialect",
    type=click.Choice(SQL_DIALECTS),
    help="sql (required there): the SQL dialect of the queries.",
)
@click.option(
    "--as-of",
    "as_of",
    metavar="DATE",
    help="sql: the as-of date of the queries: today (default: the engine's date when a query "
    "runs), none, YYYY-MM-DD, or column:NAME (each row's, from the input column NAME).",
)
@click.option(
    "--source",
    metavar="TABLE",
    help="sql: the table (or view) of facts the queries read, e.g. schema.table  [default: facts].",
)
@click.option(
    "--keep",
    multiple=True,
    metavar="COLUMN",
    help="sql: an input column the queries pass through (repeatable; default: the facts each "
    "question reads).",
)
@click.option(
    "--question",
    "questions",
    multiple=True,
    metavar="NAME",
    help="sql: write only this question's query (repeatable; default: every question).",
)
def emit(
    paths: tuple[str, ...],
    target: str,
    out_dir: str,
    package: str | None,
    dialect: str | None,
    as_of: str | None,
    source: str | None,
    keep: tuple[str, ...],
    questions: tuple[str, ...],
) -> None:
    """Generate a standalone evaluator (or the JSON IR, the JSON Schema of fact sets and
    results, or SQL queries) for each contract in PATHS, or with --package one package of
    them all."""
    if target != "sql" and (
        dialect or as_of is not None or source is not None or keep or questions
    ):
        _fail(
            "--dialect, --as-of, --source, --keep and --question apply to --target sql",
            EXIT_USAGE,
        )
    if target == "sql":
        if package is not None:
            _fail("--package: not available for --target sql", EXIT_USAGE)
        if dialect is None:
            _fail(f"--target sql needs --dialect ({', '.join(SQL_DIALECTS)})", EXIT_USAGE)
        when = _sql_as_of(as_of)
        table = "facts" if source is None else source
        if not table or any(not part.strip() for part in table.split(".")):
            _fail(f"--source: {table!r} is not a table name (NAME or SCHEMA.NAME)", EXIT_USAGE)
        if any(not column for column in keep):
            _fail("--keep: a column name cannot be empty", EXIT_USAGE)
    result = _compile(list(paths))
    if package is not None:
        outputs = _package_files(result.contracts, package, target, Path(out_dir))
    elif target == "sql":
        assert dialect is not None
        asked = {q.name for c in result.contracts for q in c.questions}
        for name in questions:
            if name not in asked:
                _no_question(name, name, result.contracts)
        outputs = _sql_files(
            result.contracts, Path(out_dir), dialect, when, table, keep, questions or None
        )
    else:
        outputs = _standalone(result.contracts, target, Path(out_dir))
    try:
        for path, text in outputs:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(path, text)
    except OSError as exc:
        _fail(f"{out_dir}: cannot write: {exc.strerror or exc}", EXIT_USAGE)
    for path, _ in outputs:
        click.echo(f"wrote {path.as_posix()}")


def _sql_as_of(value: str | None) -> AsOf:
    """emit --as-of: ``today`` (kept as such: the engine's date when the query runs),
    ``none``, a date, or ``column:NAME``."""
    from clausec.backends.sql import AsOfColumn
    from clausec.evaluation.facts import FactError, read_as_of
    from clausec.evaluation.messages import show

    if value is None or value == "today":
        return "today"
    if value == "none":
        return None
    if value.startswith("column:"):
        name = value.removeprefix("column:")
        if not name:
            _fail("--as-of column:NAME needs the name of a column", EXIT_USAGE)
        return AsOfColumn(name)
    try:
        return read_as_of(value)
    except FactError:
        _fail(
            "--as-of: expected a date (YYYY-MM-DD), `today`, `none` or `column:NAME`, got "
            + show(value),
            EXIT_USAGE,
        )


def _sql_files(
    contracts: Sequence[ir.Contract],
    out: Path,
    dialect: str,
    as_of: AsOf,
    source: str,
    keep: Sequence[str],
    questions: Sequence[str] | None,
) -> list[tuple[Path, str]]:
    """The files of ``emit --target sql``: one query per question (of ``questions`` only, when
    given), ``DIR/<id>/<question>.sql``."""
    from clausec.backends.sql import SQLError
    from clausec.backends.sql.emit import sql_files

    status = _StatusLine(sys.stderr)
    outputs: list[tuple[Path, str]] = []
    try:
        for c in contracts:

            def progress(done: int, total: int, question: str, c: ir.Contract = c) -> None:
                status.show(f"generating SQL for {c.id}: {done} of {total} questions ({question})")

            files = sql_files(
                c,
                dialect=dialect,
                as_of=as_of,
                source=source,
                keep=list(keep) or None,
                questions=questions,
                clausec_version=__version__,
                progress=progress,
            )
            outputs += [(out / relative, text) for relative, text in files]
    except SQLError as exc:
        status.close()
        _fail(str(exc), EXIT_USAGE)
    finally:
        status.close()
    return outputs


@cli.command()
@import_root_option
@click.argument("contract")
@click.argument("question")
@click.option(
    "--input",
    "input_file",
    required=True,
    metavar="FILE",
    help="The cases: one row per case, one column per fact (.csv, .csv.gz or .parquet).",
)
@click.option(
    "-o",
    "--output",
    "output_file",
    required=True,
    metavar="FILE",
    help="Where to write the input's columns and the answers (.csv, .csv.gz or .parquet; "
    "`-`: CSV on standard output).",
)
@click.option(
    "--as-of",
    "as_of",
    metavar="DATE",
    help="The evaluation date of every row: YYYY-MM-DD, `today` (the default) or `none`.",
)
@click.option(
    "--as-of-column",
    metavar="NAME",
    help="Each row's evaluation date is in the input column NAME (empty: none).",
)
@click.option(
    "--no-presume",
    "--no-presumptions",
    "strict",
    is_flag=True,
    help="Do not use the contract's presumptions: a fact not given stays unknown.",
)
@click.option(
    "--threads",
    type=click.IntRange(min=1),
    metavar="N",
    help="Run the query on N threads (default: one per CPU).",
)
@click.option("--quiet", "-q", is_flag=True, help="Print no progress and no summary line.")
def batch(
    contract: str,
    question: str,
    input_file: str,
    output_file: str,
    as_of: str | None,
    as_of_column: str | None,
    strict: bool,
    threads: int | None,
    quiet: bool,
) -> None:
    """Answer QUESTION of the contract in CONTRACT for every row of a CSV or Parquet file,
    with DuckDB, and write the rows with their answers (docs/batch.md)."""
    from clausec.batch import BatchError, file_format, progress_line, run
    from clausec.plan import lower

    if as_of is not None and as_of_column is not None:
        _fail("give one of --as-of and --as-of-column", EXIT_USAGE)
    try:
        file_format(input_file, "--input")
        if output_file != "-":
            file_format(output_file, "--output")
    except BatchError as exc:
        _fail(str(exc), EXIT_USAGE)
    date = _as_of("today" if as_of is None else as_of)
    result = _compile([contract])
    target, q = _find_question(result, question)
    (plan,) = [p for p in lower(target).questions if p.question == q.name]

    def to_stdout(written: Path) -> None:
        # Bytes, so that the CSV reaches standard output unchanged whatever its encoding.
        with open(written, "rb") as data:
            while chunk := data.read(1 << 16):
                click.echo(chunk, nl=False)

    try:
        summary = run(
            target,
            plan,
            Path(input_file),
            None if output_file == "-" else Path(output_file),
            as_of=date,
            as_of_column=as_of_column,
            presume=not strict,
            threads=threads,
            progress=None if quiet else progress_line(sys.stderr),
            write_to=to_stdout,
        )
    except BatchError as exc:
        _fail(str(exc), EXIT_USAGE if exc.usage else EXIT_FINDINGS)
    if not quiet:
        click.echo(summary.line(None if output_file == "-" else output_file), err=True)


@cli.command()
@import_root_option
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "-o",
    "--output",
    "out_dir",
    required=True,
    metavar="DIR",
    help="The folder to write the site into (created if missing).",
)
@click.option(
    "--sources",
    multiple=True,
    metavar="FOLDER",
    type=click.Path(exists=True, file_okay=False),
    help="Also check every quote against the contract's source document, found in FOLDER "
    "(repeatable), and show those findings at their clauses.",
)
@click.option(
    "--no-analysis",
    is_flag=True,
    help="Show no findings of the analyses of docs/checks.md (faster).",
)
def site(paths: tuple[str, ...], out_dir: str, sources: tuple[str, ...], no_analysis: bool) -> None:
    """Build the contract explorer of the contracts in PATHS: a static site in DIR, an
    index.html and a page per contract (docs/site.md)."""
    from clausec.site import site_files, write_site

    result = _compile(list(paths), analysis=not no_analysis, source_folders=sources)
    files = site_files(result.contracts, result.diagnostics)
    try:
        written = write_site(files, Path(out_dir))
    except OSError as exc:
        _fail(f"{out_dir}: cannot write: {exc.strerror or exc}", EXIT_USAGE)
    click.echo(
        f"wrote {len(written)} files to {Path(out_dir).as_posix()}; "
        f"open {(Path(out_dir) / 'index.html').as_posix()}"
    )


def _package_files(
    contracts: Sequence[ir.Contract], name: str, target: str, out_dir: Path
) -> list[tuple[Path, str]]:
    """The files of ``emit --package``: (path, text)."""
    if target == "javascript":
        return _npm_package(name, contracts, out_dir)
    if target != "python":
        _fail(f"--package: not available for --target {target}", EXIT_USAGE)
    from clausec.backends.python_package import package_problem, python_package

    problem = package_problem(name, list(contracts))
    if problem:
        _fail(f"--package: {problem}", EXIT_USAGE)
    files = python_package(list(contracts), name, clausec_version=__version__)
    return [(out_dir / relative, text) for relative, text in files.items()]


def _standalone(contracts: Sequence[ir.Contract], target: str, out: Path) -> list[tuple[Path, str]]:
    """One module per contract (and for JavaScript its TypeScript declarations beside it)."""
    from clausec.backends import module_name

    outputs = []
    for c in contracts:
        stem = module_name(c.id)
        if target == "python":
            from clausec.backends.python import emit_python

            text = emit_python(c, clausec_version=__version__)
        elif target == "javascript":
            from clausec.backends.javascript import emit_javascript
            from clausec.backends.typescript import emit_typescript

            module = stem + TARGETS[target]
            outputs.append((out / module, emit_javascript(c, clausec_version=__version__)))
            text = emit_typescript(c, module=module, clausec_version=__version__)
            outputs.append((out / (stem + ".d.mts"), text))
            continue
        elif target == "schema":
            from clausec.backends.schema import emit_schema

            text = emit_schema(c, clausec_version=__version__)
        else:
            from clausec.backends.json_ir import emit_json

            text = emit_json(c, clausec_version=__version__)
        outputs.append((out / (stem + TARGETS[target]), text))
    return outputs


def _npm_package(name: str, contracts: Sequence[ir.Contract], out: Path) -> list[tuple[Path, str]]:
    from clausec.backends import module_name
    from clausec.backends.jspackage import javascript_package, npm_name_problem

    problem = npm_name_problem(name)
    if problem is not None:
        _fail(problem, EXIT_USAGE)
    modules = [(module_name(c.id), c) for c in contracts]
    files = javascript_package(name, modules, clausec_version=__version__)
    return [(out / path, text) for path, text in files]


@cli.command()
@import_root_option
@click.argument("paths", nargs=-1, required=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="The port to listen on (0: any free port, printed at start).",
)
@click.option("--reload", is_flag=True, help="Compile a contract again when its file changes.")
@click.option(
    "--max-body-size",
    default=1 << 20,
    show_default=True,
    type=click.IntRange(1),
    metavar="BYTES",
    help="The largest request body.",
)
@click.option(
    "--time-limit",
    default=10.0,
    show_default=True,
    type=click.FloatRange(0, min_open=True),
    metavar="SECONDS",
    help="The longest a request may take.",
)
@click.option(
    "--max-batch",
    default=10_000,
    show_default=True,
    type=click.IntRange(1),
    metavar="N",
    help="The most fact sets in one batch.",
)
def serve(
    paths: tuple[str, ...],
    host: str,
    port: int,
    reload: bool,
    max_body_size: int,
    time_limit: float,
    max_batch: int,
) -> None:
    """Answer the questions of the contracts in PATHS over HTTP (docs/server.md)."""
    try:
        from clausec import server
    except ImportError as exc:
        _fail(
            f"clausec serve needs the serve extra ({exc.name} is missing): "
            "pip install 'clausec[serve]'",
            EXIT_USAGE,
        )
    roots = _import_roots()
    try:
        registry = server.load(paths, roots)
    except server.LoadError as exc:
        if exc.diagnostics:
            click.echo(exc.diagnostics + "\n", err=True)
        _fail(str(exc), EXIT_FINDINGS if exc.diagnostics else EXIT_USAGE)
    limits = server.Limits(body_bytes=max_body_size, seconds=time_limit, batch=max_batch)
    try:
        server.run(
            registry,
            paths=paths,
            import_roots=roots,
            host=host,
            port=port,
            limits=limits,
            reload_every=0.5 if reload else None,
        )
    except OSError as exc:
        _fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}", EXIT_USAGE)


@cli.command()
@click.option(
    "--stdio",
    is_flag=True,
    help="Talk over standard input and output (the default and only transport; accepted "
    "because editors' language clients pass it).",
)
@click.option(
    "--analysis/--no-analysis",
    default=True,
    show_default=True,
    help="Also publish the findings of the analyses of `clausec check` (run in a worker "
    "process after each edit).",
)
def lsp(stdio: bool, analysis: bool) -> None:
    """Run the language server for editors, over standard input and output (docs/editors.md)."""
    try:
        from clausec.lsp.server import serve
    except ImportError as exc:
        _fail(
            f"clausec lsp needs the lsp extra ({exc.name} is missing): pip install 'clausec[lsp]'",
            EXIT_USAGE,
        )
    sys.exit(serve(analysis=analysis))


def module_name(contract_id: str) -> str:
    return contract_id.replace(".", "_")


def main(argv: Sequence[str] | None = None) -> None:
    """Console entry point: never lets a Python traceback reach the user."""
    try:
        with terminate_cleanly():
            cli.main(
                args=list(argv) if argv is not None else None,
                prog_name="clausec",
                standalone_mode=True,
            )
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:
        click.echo(
            f"clausec: internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in clausec; please report it with the input that caused it.",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)
