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
CONFLICTS = ("W0501", "W0502", "W0503", "I0504", "W0504", "W0505")


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


def _replay(contract: ir.Contract, d: Diagnostic, other: ir.Contract | None = None) -> None:
    """Under the witness, both norms apply; for a warning, both are effective; for amounts,
    the exact amounts differ (W0504) or the exact one exceeds the cap (W0505). ``other`` is
    the contract of the other norm when it is in an imported file: each norm is evaluated in
    its own contract, on the witness's facts that it declares."""
    assert d.witness is not None
    other = other or contract
    b = _norm_at(contract, d.span)
    a = _norm_at(other, d.notes[0].span)
    raw = {k: v for k, v in d.witness if k != "--as-of"}
    as_of = next((dt.date.fromisoformat(v) for k, v in d.witness if k == "--as-of"), None)
    evs = [
        Evaluation(c, read_facts(c, {k: v for k, v in raw.items() if k in _names(c)}), as_of)
        for c in (other, contract)
    ]
    assert evs[0].applies(a) is True and evs[1].applies(b) is True, (d.message, d.witness)
    # Priorities across files are not in either contract: only the importer's file is read.
    if d.code != "I0504" and other is contract:
        assert evs[0].effective(a) is True and evs[1].effective(b) is True, d.message
    if d.code in ("W0504", "W0505"):
        assert a.amount and a.amount.expr and b.amount and b.amount.expr
        x, y = evs[0].expr(a.amount.expr), evs[1].expr(b.amount.expr)
        if d.code == "W0504":
            assert x != y, (d.message, d.witness)
        else:
            exact, cap = (x, y) if a.amount.kind == "exactly" else (y, x)
            assert exact > cap, (d.message, d.witness)  # type: ignore[operator]


def _names(contract: ir.Contract) -> set[str]:
    return {f.name for f in contract.facts}


def _reported(paths: list[Path]) -> list[tuple[ir.Contract, Diagnostic, ir.Contract]]:
    """Each conflict with a witness: the contract of its place, the finding, and the
    contract of the other norm."""
    result = check_paths(paths, analysis=True)
    by_file = {c.file: c for c in result.contracts}
    return [
        (by_file[d.span.file], d, by_file[(d.notes[0].span or d.span).file])
        for d in result.diagnostics
        if d.code in CONFLICTS and d.witness is not None and d.span is not None
    ]


def test_witnesses_of_shipped_contracts_and_examples_replay() -> None:
    found = _reported([REPO / "contracts", REPO / "docs" / "examples", GOLDEN])
    assert len(found) >= 5
    assert {d.code for _, d, _ in found} >= {"W0504", "W0505"}
    assert any(other is not contract for contract, _, other in found)  # across an import
    for contract, d, other in found:
        _replay(contract, d, other)


def test_witnesses_are_deterministic() -> None:
    first = [d.witness for _, d, _ in _reported([GOLDEN])]
    second = [d.witness for _, d, _ in _reported([GOLDEN])]
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


AMOUNTS = ["10 EUR", "50.5 EUR", "m", "m + 10 EUR", "m / 2"]


@given(
    exprs,
    exprs,
    st.sampled_from(AMOUNTS),
    st.sampled_from(AMOUNTS),
    st.sampled_from(["must exactly", "must up to", "may up to"]),
)
def test_generated_amount_conflicts_match_brute_force(
    c1: str, c2: str, a1: str, a2: str, second: str
) -> None:
    """An obligation of an exact amount against another exact amount (W0504) or a cap
    (W0505) of the same act: a fact set of the grid under which both apply and the amounts
    differ (or the exact one exceeds the cap) is reported, and every witness replays."""
    modality, kind = second.split(" ", 1)
    text = (
        HEADER
        + f'clause "1"\n  quote "q"\n  p must act thing (exactly {a1})\n    when {c1}\n'
        + f'clause "2"\n  quote "q"\n  p {modality} act thing ({kind} {a2})\n    when {c2}\n'
    )
    result = compile_text(text, "gen.clause")
    assert result.ok, [d.message for d in result.diagnostics]
    contract = result.contracts[0]
    code = "W0504" if kind == "exactly" else "W0505"
    found = [d for d in analyze(contract) if d.code in CONFLICTS]
    assert {d.code for d in found} <= {code, "W0550"}, found
    for d in found:
        if d.witness is not None:
            _replay(contract, d)
    a, b = contract.norms
    assert a.amount and a.amount.expr and b.amount and b.amount.expr
    expected = False
    for values in itertools.product(*GRID.values()):
        ev = Evaluation(contract, read_facts(contract, dict(zip(GRID, values, strict=True))), None)
        if ev.effective(a) is True and ev.effective(b) is True:
            x, y = ev.expr(a.amount.expr), ev.expr(b.amount.expr)
            if (x != y) if code == "W0504" else (x > y):  # type: ignore[operator]
                expected = True
                break
    if expected:
        assert any(d.code in (code, "W0550") for d in found), (text, found)


# ---------------------------------------------------------------- across imported files


def _files(tmp_path: Path, **texts: str) -> list[Path]:
    paths = []
    for name, text in texts.items():
        path = tmp_path / f"{name}.clause"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


TERMS = """contract terms title "T" source "t.txt" language en calendar CN
party p role "p"
action act "act"
object thing "thing"
fact b1 : integer
define limit : money EUR = 10 EUR
clause "7"
  quote "q"
  p must not act thing
    when b1 > 2 and limit < 15 EUR
"""

MAIN = """contract main title "M" source "m.txt" language en calendar CN
{imports}
party p role "p"
action act "act"
object thing "thing"
fact b1 : boolean
define limit : money EUR = 20 EUR
clause "1"
  quote "q"
  {accept}
  p must act thing
    when b1
"""


def test_a_fact_with_another_type_is_another_fact(tmp_path: Path) -> None:
    """So is a definition of the same name (each file's `limit` keeps its value)."""
    paths = _files(
        tmp_path,
        terms=TERMS,
        main=MAIN.format(imports='import terms from "terms.clause"', accept=""),
    )
    result = check_paths(paths[1:], analysis=True)
    (d,) = [d for d in result.diagnostics if d.code == "W0501"]
    assert d.witness == (("b1", "true"), ("terms:b1", "3"))
    assert d.span is not None and d.span.file.endswith("main.clause")
    assert d.notes[0].span is not None and d.notes[0].span.file.endswith("terms.clause")
    assert "(7#1 of terms)" in d.message


def test_import_by_name_checked_together_and_accepted_in_the_importer(tmp_path: Path) -> None:
    accept = 'accept W0501 because "the terms really say so"'
    paths = _files(tmp_path, terms=TERMS, main=MAIN.format(imports="import terms", accept=accept))
    result = check_paths(paths, analysis=True)
    (d,) = [d for d in result.diagnostics if d.code == "W0501"]
    assert d.suppressed == "the terms really say so"


def test_files_that_import_each_other_are_paired_once(tmp_path: Path) -> None:
    terms = TERMS.replace("calendar CN\n", 'calendar CN\nimport main from "main.clause"\n')
    paths = _files(
        tmp_path,
        terms=terms,
        main=MAIN.format(imports='import terms from "terms.clause"', accept=""),
    )
    result = check_paths(paths, analysis=True)
    found = [d for d in result.diagnostics if d.code == "W0501"]
    assert len(found) == 1
    assert found[0].span is not None and found[0].span.file.endswith("main.clause")


def test_a_contract_wide_priority_resolves_pairs_across_files(tmp_path: Path) -> None:
    main = MAIN.format(imports='import terms from "terms.clause"', accept="") + (
        'clause "2"\n  quote "q"\n  main prevails over terms\n'
    )
    paths = _files(tmp_path, terms=TERMS, main=main)
    result = check_paths(paths[1:], analysis=True)
    (d,) = [d for d in result.diagnostics if d.code in CONFLICTS]
    assert d.code == "I0504" and "1#1 prevails over 7#1 of terms" in d.message


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
        m = re.fullmatch(r"# from tests/golden/checks/([\w./]+\.clause)", first.strip())
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
