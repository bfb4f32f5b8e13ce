"""The analyses of `clausec check` (docs/checks.md).

Golden: each ``tests/golden/checks/NAME.clause`` plants one kind of defect; ``clausec check
--show-info NAME.clause`` run in that folder must print ``NAME.expected``
(``UPDATE_GOLDEN=1`` rewrites them; review every change by eye).

Witnesses: every conflict reported on the shipped contracts and examples, and on generated
contracts, is replayed with the reference interpreter: under the witness both norms apply
(and, for an unresolved conflict, both are effective). On generated contracts the analysis is
also compared with a brute-force search over a grid of fact values: a fact set of the grid under
which both norms are effective must not go unreported.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clausec.analysis import analyze
from clausec.diagnostics import Diagnostic
from clausec.driver import check_paths, compile_text
from clausec.evaluation.facts import read_facts
from clausec.evaluation.interpreter import Evaluation
from clausec.ir import nodes as ir

from conftest import REPO, run_cli

GOLDEN = Path(__file__).resolve().parent / "golden" / "checks"
CASES = sorted(p.name for p in GOLDEN.glob("*.clause"))
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
CONFLICTS = ("W0501", "W0502", "W0503", "I0504")


# ---------------------------------------------------------------- golden files


def test_one_golden_file_per_check() -> None:
    from clausec.diagnostics.codes import CHECK_CODES

    covered = {code for name in CASES for code in CHECK_CODES if code.lower() in name}
    assert covered == set(CHECK_CODES)
    assert not [c for c in CASES if not (GOLDEN / c).with_suffix(".expected").exists()] or UPDATE


@pytest.mark.parametrize("case", CASES)
def test_golden(case: str) -> None:
    result = run_cli(["check", "--show-info", "--show-accepted", case], cwd=GOLDEN)
    assert result.stderr == "", result.stderr
    expected_path = (GOLDEN / case).with_suffix(".expected")
    if UPDATE:
        expected_path.write_text(result.stdout, encoding="utf-8", newline="\n")
    assert result.stdout == expected_path.read_text(encoding="utf-8")
    # A planted warning fails the check (exit 1); accepted findings and infos do not.
    warns = case.startswith(("w", "i0504"))  # i0504 plants a W0502 too
    assert result.returncode == (1 if warns else 0), result.stdout


def test_golden_codes_are_the_planted_ones() -> None:
    """Each file named after codes reports those codes and no other warning."""
    for case in CASES:
        result = check_paths([GOLDEN / case], analysis=True)
        codes = {d.code for d in result.diagnostics if d.counts}
        named = {c.upper() for c in case.split("_") if len(c) == 5 and c[1:].isdigit()}
        warnings = {c for c in codes if c.startswith("W")}
        assert named <= codes, case
        assert warnings <= named | {"W0502"} if case.startswith("i0504") else warnings <= named


# ---------------------------------------------------------------- witnesses replayed


def _norm_at(contract: ir.Contract, span: object) -> ir.Norm:
    return next(n for n in contract.norms if n.span == span)


def _replay(contract: ir.Contract, d: Diagnostic) -> None:
    """Under the witness, both norms apply; for a warning, both are effective."""
    assert d.witness is not None
    b = _norm_at(contract, d.span)
    a = _norm_at(contract, d.notes[0].span)
    raw = {k: v for k, v in d.witness if k != "--as-of"}
    as_of = next((dt.date.fromisoformat(v) for k, v in d.witness if k == "--as-of"), None)
    ev = Evaluation(contract, read_facts(contract, raw), as_of)
    assert ev.applies(a) is True and ev.applies(b) is True, (d.message, d.witness)
    if d.code != "I0504":
        assert ev.effective(a) is True and ev.effective(b) is True, (d.message, d.witness)


def _reported(paths: list[Path]) -> list[tuple[ir.Contract, Diagnostic]]:
    result = check_paths(paths, analysis=True)
    by_file = {c.file: c for c in result.contracts}
    return [
        (by_file[d.span.file], d)
        for d in result.diagnostics
        if d.code in CONFLICTS and d.witness is not None and d.span is not None
    ]


def test_witnesses_of_shipped_contracts_and_examples_replay() -> None:
    found = _reported([REPO / "contracts", REPO / "docs" / "examples", GOLDEN])
    assert len(found) >= 5
    for contract, d in found:
        _replay(contract, d)


def test_witnesses_are_deterministic() -> None:
    first = [d.witness for _, d in _reported([GOLDEN])]
    second = [d.witness for _, d in _reported([GOLDEN])]
    assert first == second and first


# ---------------------------------------------------------------- generated contracts

HEADER = """contract gen title "G" source "g.txt" language en calendar CN
party p role "p"
action act "act"
object thing "thing"
fact b1 : boolean
fact b2 : boolean
fact n : integer
fact m : money EUR
event e
fact d : date
"""

ATOMS = [
    "b1",
    "not b2",
    "n > 3",
    "n <= 3",
    "n = 5",
    "m >= 100 EUR",
    "m < 50.5 EUR",
    "e has occurred",
    "not (e has occurred)",
    "d < 2025-03-01",
    "d + 10 days >= 2025-03-05",
    "earliest of (d, e) < 2025-02-01",
    "n * 2 > 7",
    "m / 2 > 30 EUR",
]
GRID: dict[str, list[object]] = {
    "b1": [True, False],
    "b2": [True, False],
    "n": [0, 3, 4, 5],
    "m": ["0 EUR", "50.5 EUR", "100 EUR"],
    "e": ["never", "2025-01-15"],
    "d": ["2025-01-20", "2025-02-25", "2025-03-10"],
}

exprs = st.recursive(
    st.sampled_from(ATOMS),
    lambda inner: st.tuples(inner, st.sampled_from(["and", "or"]), inner).map(
        lambda t: f"({t[0]} {t[1]} {t[2]})"
    ),
    max_leaves=3,
)


def _norm(modality: str, cond: str, exc: str | None) -> str:
    return f"  p {modality} act thing\n    when {cond}\n" + (f"    unless {exc}\n" if exc else "")


@given(
    st.sampled_from(["must", "may", "can"]),
    exprs,
    exprs,
    st.one_of(st.none(), exprs),
    st.booleans(),
)
def test_generated_conflicts_match_brute_force(
    modality: str, c1: str, c2: str, exc: str | None, prioritized: bool
) -> None:
    text = (
        HEADER
        + 'clause "1"\n  quote "q"\n'
        + _norm(modality, c1, exc)
        + 'clause "2"\n  quote "q"\n'
        + _norm("must not", c2, None)
        + ('  prevails over "1"\n' if prioritized else "")
    )
    result = compile_text(text, "gen.clause")
    assert result.ok, [d.message for d in result.diagnostics]
    contract = result.contracts[0]
    found = [d for d in analyze(contract) if d.code in CONFLICTS]
    for d in found:
        if d.witness is not None:
            _replay(contract, d)
    a, b = contract.norms
    both_effective = False
    for values in itertools.product(*GRID.values()):
        ev = Evaluation(contract, read_facts(contract, dict(zip(GRID, values, strict=True))), None)
        if ev.effective(a) is True and ev.effective(b) is True:
            both_effective = True
            break
    warned = any(d.code in ("W0501", "W0502") for d in found)
    if both_effective:
        assert warned, (text, found)
    if prioritized:
        assert not warned


RANGE_ATOMS = [
    "b1",
    "not b1",
    "n > 3",
    "n <= 3",
    "n >= 4",
    "n < 5",
    "n = 5",
    "not (n > 4)",
    "m >= 100 EUR",
    "m < 50.5 EUR",
    "m > 50.49 EUR",
    "e has occurred",
    "(b2 or n > 3)",
]
conjunctions = st.lists(st.sampled_from(RANGE_ATOMS), min_size=1, max_size=3).map(" and ".join)


@given(st.lists(st.tuples(st.sampled_from(["must", "must not", "may"]), conjunctions), max_size=9))
def test_pruned_pairs_cannot_hold_together(norms: list[tuple[str, str]]) -> None:
    """The sweep over one act's norms keeps every pair whose conditions may hold together
    (tried on a grid of values) and exactly the pairs the bounds do not exclude."""
    from clausec.analysis.prefilter import Prefilter

    body = "".join(_norm(modality, cond, None) for modality, cond in norms)
    result = compile_text(HEADER + 'clause "1"\n  quote "q"\n' + (body or "  p may act thing\n"))
    assert result.ok, [d.message for d in result.diagnostics]
    contract = result.contracts[0]
    prefilter = Prefilter()
    kept = {frozenset((a.id, b.id)) for a, b in prefilter.overlapping(contract.norms)}
    allowed = {
        frozenset((a.id, b.id))
        for a, b in itertools.combinations(contract.norms, 2)
        if not prefilter.bounds(a, exceptions=False).excludes(prefilter.bounds(b, exceptions=False))
    }
    assert kept == allowed
    for values in itertools.product(*GRID.values()):
        ev = Evaluation(contract, read_facts(contract, dict(zip(GRID, values, strict=True))), None)
        holding = [n for n in contract.norms if ev.effective(n) is True]
        for a, b in itertools.combinations(holding, 2):
            assert frozenset((a.id, b.id)) in kept, (body, values)


@given(conjunctions, st.one_of(st.none(), st.sampled_from(RANGE_ATOMS)))
def test_plainly_satisfiable_conditions_are_satisfiable(
    condition: str, exception: str | None
) -> None:
    """The dead-norm check's shortcut never calls a norm live that the solver finds dead."""
    from clausec.analysis.dead import _plainly_satisfiable
    from clausec.analysis.smt import Translator
    from clausec.analysis.solver import Solver, Stats

    result = compile_text(
        HEADER + 'clause "1"\n  quote "q"\n' + _norm("must", condition, exception)
    )
    assert result.ok, [d.message for d in result.diagnostics]
    contract = result.contracts[0]
    (norm,) = contract.norms
    if _plainly_satisfiable(norm.condition, norm.exceptions):
        tr = Translator(contract)
        assert Solver(tr, Stats()).sat(tr.condition(norm)) is True, (condition, exception)


# ---------------------------------------------------------------- docs/checks.md


def test_examples_in_checks_page_are_real() -> None:
    """Each ```clause block of docs/checks.md that says `# from tests/golden/checks/X` is an
    excerpt of X, and the ```text block after it shows lines of X's expected output."""
    import re

    page = (REPO / "docs" / "checks.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```(\w*)\n(.*?)^```", page, re.M | re.S)
    checked = 0
    for (kind, body), (next_kind, shown) in zip(blocks, [*blocks[1:], ("", "")], strict=True):
        first, _, rest = body.partition("\n")
        m = re.fullmatch(r"# from tests/golden/checks/([\w.]+\.clause)", first.strip())
        if kind != "clause" or not m:
            continue
        source = (GOLDEN / m.group(1)).read_text(encoding="utf-8")
        for chunk in rest.split("\n\n"):  # an excerpt may skip lines between paragraphs
            assert chunk.strip("\n") in source, (m.group(1), chunk)
        if next_kind == "text":
            expected = (GOLDEN / m.group(1)).with_suffix(".expected").read_text(encoding="utf-8")
            for line in shown.splitlines():
                assert line in expected, (m.group(1), line)
        checked += 1
    assert checked >= 10


# ---------------------------------------------------------------- rights that lapse

_LAPSING = """contract lapse
  title "t"
  source "t.txt"
  language en
  calendar DE

party customer role "customer"
action terminate "terminate"
object agreement "agreement"
event notice.received "notice received"
event termination.notified "termination notified"

clause "1"
  quote "The customer may terminate within 10 days after the notice."
  customer can terminate agreement
    within 10 days after notice.received
    {performed}

clause "2"
  quote "From the eleventh day after the notice, the customer may not terminate."
  customer must not terminate agreement
    when today >= notice.received + 11 days
"""


def _conflicts(text: str) -> list[Diagnostic]:
    result = compile_text(text, "lapse.clause")
    assert result.ok, result.diagnostics
    return [d for d in analyze(result.contracts[0]) if d.code in CONFLICTS]


def test_a_lapsed_power_conflicts_with_nothing_after_its_period() -> None:
    # Without `performed on`, the power lapses when its 10 days have run: the prohibition
    # from the eleventh day never meets it.
    assert _conflicts(_LAPSING.format(performed="")) == []


def test_a_power_used_in_time_does_not_lapse() -> None:
    # Used on time, the power survives its period, and meets the prohibition: the witness is
    # a real overlap (replayed with the interpreter).
    result = compile_text(
        _LAPSING.format(performed="performed on termination.notified"), "lapse.clause"
    )
    found = [d for d in analyze(result.contracts[0]) if d.code in CONFLICTS]
    assert [d.code for d in found] == ["W0502"]
    _replay(result.contracts[0], found[0])
