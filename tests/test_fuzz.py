"""Fuzzing: mutated clause files through `clausec check`, mutated facts through the reference
interpreter and the generated Python module. Bad input never gives a Python traceback, an
internal error (exit code 3) or a hang.

The mutations and the oracle are fuzz/harness.py's, shared with the long run (fuzz/run.py,
fuzz/README.md). Hypothesis drives them through ``st.randoms``, so a failure shrinks. In the
default tier the mutated files are small: an excerpt of a shipped contract or example (its
header and declarations and one clause); the full-depth tier (CLAUSEC_TEST_DEPTH=full) tries
more examples. Each input runs under a guard of 60 CPU seconds, so that a hang fails its test
with the input rather than stalling the run (no assertion is made about speed here: the long
run reports the times)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import random
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import REPO, SHIPPED, run_cli

sys.path.insert(0, str(REPO / "fuzz"))
import harness  # fuzz/harness.py

GUARD_CPU_SECONDS = 60


@pytest.fixture(scope="module", autouse=True)
def _work_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    harness.work_folder(tmp_path_factory.mktemp("fuzz"))


class Hang(Exception):
    pass


@contextlib.contextmanager
def guard(what: object) -> Iterator[None]:
    """Fail with ``what`` if the block uses more than GUARD_CPU_SECONDS of CPU time. A CPU
    timer (SIGVTALRM), so that pytest-timeout's SIGALRM is left alone."""

    def stop(signum: int, frame: object) -> None:
        raise Hang(f"no answer after {GUARD_CPU_SECONDS} CPU seconds: {what}")

    previous = signal.signal(signal.SIGVTALRM, stop)
    signal.setitimer(signal.ITIMER_VIRTUAL, GUARD_CPU_SECONDS)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous)


def test_the_sources_are_the_shipped_contracts_and_examples() -> None:
    assert set(SHIPPED) <= set(harness.SOURCES)
    assert len(harness.SOURCES) == len(SHIPPED) + len(list((REPO / "docs/examples").glob("*")))


# ------------------------------------------------------------------ clause files


# Reported bugs that are not fixed yet, each with a strict xfail test that shows it: the random
# tests pass over them, so that the full-depth tier stays green. Remove an entry with its xfail
# marker once the bug is fixed.
KNOWN_OPEN: list[str] = []


def check_clause_input(case: harness.ClauseInput, known: list[str] = KNOWN_OPEN) -> None:
    with guard(f"{case.kind} of {case.source}"):
        run = harness.run_check(case)
    problems = [p for p in harness.check_problems(case, run) if p not in known]
    assert not problems, (problems, case.source, case.kind, case.args, case.data[:3000], run.output)


@given(
    rnd=st.randoms(use_true_random=False),
    kind=st.sampled_from(sorted(harness.BYTE_MUTATIONS)),
    analysis=st.booleans(),
)
def test_byte_mutations_of_clause_files(rnd: random.Random, kind: str, analysis: bool) -> None:
    """Flipped, inserted and deleted bytes; NUL, 0xFF, lone continuation bytes, CR, a BOM,
    U+2028 …"""
    case = harness.clause_input(
        rnd, kinds=[kind], clauses=1, analysis_share=float(analysis), json_share=0.2
    )
    check_clause_input(case)


@given(
    rnd=st.randoms(use_true_random=False),
    kind=st.sampled_from(sorted(set(harness.CLAUSE_MUTATIONS) - set(harness.BYTE_MUTATIONS))),
    analysis=st.booleans(),
)
def test_token_mutations_of_clause_files(rnd: random.Random, kind: str, analysis: bool) -> None:
    """Lines deleted, repeated or swapped; words replaced by keywords; numbers and dates made
    huge, negative or impossible; unbalanced quotes and parentheses, odd escapes; deep nesting
    and long chains; imports of odd paths; blocks of other files spliced in; several at once."""
    case = harness.clause_input(
        rnd, kinds=[kind], clauses=1, analysis_share=float(analysis), json_share=0.2
    )
    check_clause_input(case)


def test_excerpts_of_every_source_compile_so_that_the_analyses_are_fuzzed() -> None:
    """Most mutated files start from an excerpt without errors: the analyses only run on
    files without errors, so without such excerpts they would hardly be reached. Imports
    find their fixtures beside the checked file."""
    for path in harness.SOURCES:
        assert harness.clean_excerpts(path, clauses=1), path


def test_inputs_are_determined_by_seed_and_index() -> None:
    """fuzz/run.py's --replay depends on it."""
    for index in range(40):
        a, b = harness.make_case(3, index), harness.make_case(3, index)
        assert a.family == b.family and a.kind == b.kind
        if a.clause is not None:
            assert a.clause == b.clause
        else:
            assert a.facts is not None and b.facts is not None
            assert harness.show(a.facts.facts) == harness.show(b.facts.facts)


# ------------------------------------------------------------------ facts


def check_facts_input(case: harness.FactsInput) -> harness.FactsRun:
    with guard(case.summary()):
        run = harness.run_facts(case)
    problems = harness.facts_problems(run)
    assert not problems, (problems, case.summary(), harness.tracebacks(run))
    return run


@given(
    rnd=st.randoms(use_true_random=False),
    kind=st.sampled_from(sorted(harness.FACTS_MUTATIONS)),
)
def test_mutated_facts(rnd: random.Random, kind: str) -> None:
    """Values of the wrong types, huge numbers, deep values, unknown and non-text names, odd
    strings, impossible or extreme dates: a result, a FactError or an EvaluationError, the same
    from the interpreter and from the generated module (on the mapping and on Facts)."""
    check_facts_input(harness.facts_input(rnd, kinds=[kind], prepared_share=0.5))


def facts_case(facts: object, source: str = "docs/examples/remedies.clause") -> harness.FactsInput:
    c = harness.compiled(REPO / source)
    return harness.FactsInput(source, c.questions[0], "regression", facts, None, True)


@pytest.mark.parametrize(
    "facts, problem",
    [
        ({10**5000: True}, "name_not_text"),  # str() of the name raised (over 4,300 digits)
        ({"deposit.balance": "1 CNY", 10**5000: True, None: 1}, "name_not_text"),
        ({"deposit.balance": {10**5000: 1}}, "wrong_value"),  # showing such a key raised too
        ({"deposit.balance": [[[[]]]] * 3, "zzz": 1, (1, 2): 3}, "name_not_text"),
    ],
    ids=["huge-int-name", "huge-int-name-among-others", "huge-int-key-in-value", "tuple-name"],
)
def test_fact_names_and_keys_python_cannot_print_are_fact_errors(
    facts: object, problem: str
) -> None:
    """Found by fuzz/run.py: a fact name, or a key in a fact's value, that is an integer of more
    than 4,300 digits made the interpreter and the generated module raise ValueError (Python
    refuses str() of it). Names that are not texts are now reported first, without str(), as
    the JavaScript module does."""
    run = check_facts_input(facts_case(facts))
    assert run.interpreter.kind == "FactError"
    fields = run.interpreter.value
    assert isinstance(fields, dict) and fields["problem"] == problem, fields


def test_a_name_that_is_not_a_text_is_reported_before_unknown_names() -> None:
    run = check_facts_input(facts_case({"aaa": 1, None: 2, "zzz": 3}))
    assert run.interpreter.kind == "FactError"
    fields = run.interpreter.value
    assert isinstance(fields, dict) and fields["problem"] == "name_not_text"


def test_dates_at_the_end_of_the_calendar_are_evaluation_errors_or_answers() -> None:
    for as_of in (dt.date.max, dt.date.min):
        case = facts_case({"deposit.payout": "9999-12-31"})
        case = harness.FactsInput(case.source, case.question, "x", case.facts, as_of, True)
        check_facts_input(case)


# ------------------------------------------------------------------ the oracle can fail


def test_the_check_oracle_flags_internal_errors_tracebacks_and_wild_locations() -> None:
    case = harness.ClauseInput("x", False, "none", b"contract a\nparty b\n", False, "text")
    ok = harness.CliRun(1, "error[E0100]: …\n --> fz.clause:2:8\n", "")  # the end of line 2
    assert harness.check_problems(case, ok) == []
    assert harness.check_problems(case, harness.CliRun(1, " --> fz.clause:3:1\n", "")) == []
    assert harness.check_problems(case, harness.CliRun(1, " --> fz.clause:2:9\n", ""))
    assert harness.check_problems(case, harness.CliRun(1, " --> fz.clause:4:1\n", ""))
    assert harness.check_problems(case, harness.CliRun(1, " --> fz.clause:0:1\n", ""))
    internal = harness.CliRun(3, "", "clausec: internal error: ValueError: x\n")
    assert harness.check_problems(case, internal) == ["internal error (exit code 3): ValueError: x"]
    assert harness.check_problems(case, harness.CliRun(1, "Traceback (most recent…", ""))
    assert harness.check_problems(case, harness.CliRun(4, "", ""))
    as_json = harness.ClauseInput("x", False, "none", b"contract a\n", False, "json")
    assert harness.check_problems(as_json, harness.CliRun(1, "not json", ""))
    span = {"file": "fz.clause", "line": 1, "column": 1, "end_line": 9, "end_column": 1}
    out = json.dumps({"diagnostics": [{"span": span, "notes": []}]})
    assert harness.check_problems(as_json, harness.CliRun(1, out, ""))


def test_the_facts_oracle_flags_crashes_and_disagreements() -> None:
    result = harness.Outcome("result", {"answer": "yes"})
    error = harness.Outcome("FactError", {"problem": "wrong_value", "message": "m", "fact": "f"})
    crash = harness.Outcome("crash", ("ValueError", "boom", ""))
    assert harness.facts_problems(harness.FactsRun(result, result, result)) == []
    assert harness.facts_problems(harness.FactsRun(error, error, None)) == []
    assert harness.facts_problems(harness.FactsRun(result, error, None))
    assert harness.facts_problems(harness.FactsRun(error, error, result))
    assert harness.facts_problems(harness.FactsRun(crash, crash, None))


# ------------------------------------------------------------------ bugs the runs found


def test_an_import_path_holding_nul_is_a_diagnostic() -> None:
    """Finding 1 of fuzz/README.md: `\\u{0}` in an import path was an internal error."""
    text = (
        'contract a title "t" source "s" language en calendar CN\nimport b from "x\\u{0}.clause"\n'
    )
    case = harness.ClauseInput("x", False, "import_path", text.encode(), False, "text")
    check_clause_input(case, known=[])


def test_a_long_word_before_a_syntax_error_keeps_its_hint(tmp_path: Path) -> None:
    """Finding 2: the misspelt-keyword hint searched all the text before the error, quadratic
    in a long run of letters (100,000 letters took over a minute; the suite's timeout would
    stop a regression). The hint still reads the word just before the error."""
    head = 'contract a title "t" source "s" language en calendar CN\n'
    long = tmp_path / "long.clause"
    long.write_text(head + "object " + "n" * 100_000 + " : money the\n", encoding="utf-8")
    result = run_cli(["check", str(long)])
    assert result.returncode == 1 and "E0100" in result.stdout, result.stdout[-2000:]
    typo = tmp_path / "typo.clause"
    typo.write_text(
        head + "# " + "n" * 100_000 + '\nclause "1"\n  quote "q"\n  a must pay fee\n    whem f\n',
        encoding="utf-8",
    )
    result = run_cli(["check", str(typo)])
    assert "did you mean `when`?" in result.stdout, result.stdout[-2000:]


# ------------------------------------------------------------------ the long run


def test_the_long_run_runs_and_prints_its_figures(tmp_path: Path) -> None:
    """A few inputs of fuzz/run.py on one worker, and one replayed."""
    crashes = tmp_path / "crashes"
    common = [sys.executable, str(REPO / "fuzz" / "run.py"), "--crashes", str(crashes)]
    out = subprocess.run(
        [*common, "--count", "12", "--jobs", "1", "--seed", "5", "--quiet"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert out.returncode in (0, 1), out.stderr
    for figure in (
        "mutations run, by kind",
        "outcomes by exit code",
        "internal errors",
        "over 5 s",
    ):
        assert figure in out.stdout, out.stdout
    assert "12 inputs" in out.stdout
    again = subprocess.run(
        [*common, "--seed", "5", "--replay", "3"], capture_output=True, text=True, timeout=300
    )
    assert again.returncode in (0, 1) and again.stdout.startswith("#3: "), again.stdout
