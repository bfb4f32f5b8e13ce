"""The JavaScript backend (clausec.backends.javascript): generated ES modules run under Node.js
and answer every question exactly like the reference interpreter.

The node-based tests are skipped when `node` is not on PATH. One node process serves each
module: tests/js_driver (written below) reads JSON lines {"q", "facts", "as_of"} on stdin and
writes one JSON line per case, {"result": toDict()} or {"error": {type, message[, fact]}}.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import zlib
from collections import Counter
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

import clausec
from clausec.backends.javascript import emit_javascript, question_exports
from clausec.evaluation.facts import FactError, read_facts
from clausec.evaluation.interpreter import ask
from clausec.evaluation.values import EvaluationError
from clausec.ir import nodes as ir
from clausec.ir import values as V
from clausec.quotes import normal_form

from conftest import MONTHLY, REPO
from factgen import fact_cases

NODE = shutil.which("node")
needs_node = pytest.mark.skipif(
    NODE is None,
    reason="`node` (Node.js 20) is not on PATH: the generated JavaScript modules "
    "cannot be run; install Node.js to run these tests",
)

DEPOSIT = REPO / "contracts" / "soolife" / "deposit.clause"
EXAMPLES = sorted((REPO / "docs" / "examples").glob("*.clause"))
SYNTHETIC_CASES_PER_QUESTION = 120

DRIVER = """\
import { pathToFileURL } from "node:url";
const m = await import(pathToFileURL(process.argv[2]).href);
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const out = [];
for (const line of Buffer.concat(chunks).toString("utf8").split("\\n")) {
  if (!line) continue;
  const c = JSON.parse(line);
  try {
    const options = { asOf: c.as_of, presume: c.presume };
    const r = m.evaluate(c.q, c.facts, options);
    out.push(m.stringify({ result: r.toDict() }));
  } catch (e) {
    const error = { type: e.name, problem: e.problem, message: e.message };
    if (e instanceof m.FactError) {
      Object.assign(error, { fact: e.fact, expected: e.expected, given: e.given });
    }
    out.push(m.stringify({ error }));
  }
}
process.stdout.write(out.join("\\n") + "\\n");
"""

# question, raw facts, as_of; and whether to use presumptions (default: yes)
Case = tuple[str, object, str | None] | tuple[str, object, str | None, bool]


# ------------------------------------------------------------------ helpers


def write_module(contract: ir.Contract, folder: Path) -> Path:
    path = folder / f"{contract.id}.mjs"
    path.write_text(
        emit_javascript(contract, clausec_version=clausec.__version__), encoding="utf-8"
    )
    return path


def interpreter_outcome(contract: ir.Contract, case: Case) -> object:
    question, facts, as_of = case[:3]
    presume = case[3] if len(case) > 3 else True  # type: ignore[misc]
    try:
        when = dt.date.fromisoformat(as_of) if as_of is not None else None
        answer = ask(contract, question, facts, when, presume=presume)  # type: ignore[arg-type]
        result: object = {"result": answer.to_dict()}
    except (FactError, EvaluationError) as exc:
        result = {"error": error_fields(exc)}
    except KeyError as exc:  # not caught by the interpreter
        result = {"error": {"type": type(exc).__name__, "message": str(exc)}}
    return result


def error_fields(exc: Exception) -> dict[str, object]:
    """A FactError's or EvaluationError's fields (of the interpreter or of a generated Python
    module), as the node driver reports those of the JavaScript module: type, problem and
    message; and the fact, what was expected and what was given (as JSON would give it)."""
    fields: dict[str, object] = {
        "type": type(exc).__name__,
        "problem": exc.problem,  # type: ignore[attr-defined]
        "message": str(exc),
    }
    if fields["type"] == "FactError":
        given = exc.given  # type: ignore[attr-defined]
        try:
            given = json.loads(json.dumps(given))
        except (TypeError, ValueError, RecursionError):
            given = f"<not JSON: {type(given).__name__}>"  # no JavaScript value compares equal
        fields |= {"fact": exc.fact, "expected": exc.expected, "given": given}  # type: ignore[attr-defined]
    return fields


def run_driver(body: str, module: Path, data: object, tmp_path: Path) -> object:
    """The JSON a driver prints: ``body`` runs with the module imported as ``m`` and the
    JSON ``data`` as ``input`` (it writes its result with ``m.stringify``)."""
    assert NODE is not None
    driver = tmp_path / "run_driver.mjs"
    driver.write_text(
        "import { pathToFileURL } from 'node:url';\n"
        "import { readFileSync } from 'node:fs';\n"
        "const m = await import(pathToFileURL(process.argv[2]).href);\n"
        "const input = JSON.parse(readFileSync(process.argv[3], 'utf8'));\n" + body,
        encoding="utf-8",
    )
    (tmp_path / "run_driver.json").write_text(json.dumps(data), encoding="utf-8")
    done = subprocess.run(
        [NODE, str(driver), str(module), str(tmp_path / "run_driver.json")],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def run_node(module: Path, cases: list[Case], tmp_path: Path) -> list[object]:
    assert NODE is not None
    driver = tmp_path / "driver.mjs"
    driver.write_text(DRIVER, encoding="utf-8")
    lines = "".join(
        json.dumps(
            {"q": c[0], "facts": c[1], "as_of": c[2], "presume": c[3] if len(c) > 3 else True}
        )  # type: ignore[misc]
        + "\n"
        for c in cases
    )
    proc = subprocess.run(
        [NODE, str(driver), str(module)],
        input=lines,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    # Lines end in "\n" only: the JSON may hold U+2028, which splitlines() would cut at.
    out = [json.loads(line) for line in proc.stdout.split("\n") if line]
    assert len(out) == len(cases)
    return out


def compare(contract: ir.Contract, cases: list[Case], tmp_path: Path) -> Counter[tuple[str, str]]:
    """Run the cases through node (in a thread) and the interpreter; assert they agree.
    Returns counts of (question, answer or error type)."""
    module = write_module(contract, tmp_path)
    js: list[list[object]] = []
    thread = threading.Thread(target=lambda: js.append(run_node(module, cases, tmp_path)))
    thread.start()
    expected = [interpreter_outcome(contract, case) for case in cases]
    thread.join()
    assert js, "node failed"
    got = js[0]
    mismatches = [(c, e, g) for c, e, g in zip(cases, expected, got, strict=True) if e != g]
    if mismatches:
        shown = "\n".join(
            f"case {json.dumps(c, ensure_ascii=False)}\n  interpreter "
            f"{json.dumps(e, ensure_ascii=False)[:2000]}\n  javascript  "
            f"{json.dumps(g, ensure_ascii=False)[:2000]}"
            for c, e, g in mismatches[:3]
        )
        pytest.fail(f"{len(mismatches)} of {len(cases)} cases disagree:\n{shown}")
    counts: Counter[tuple[str, str]] = Counter()
    for (question, _, _), outcome in zip(cases, expected, strict=True):
        assert isinstance(outcome, dict)
        if "result" in outcome:
            counts[(question, outcome["result"]["answer"])] += 1
            for key in ("grounds", "overridden", "warnings"):
                if outcome["result"][key]:
                    counts[(question, f"+{key}")] += 1
        else:
            counts[(question, outcome["error"]["type"])] += 1
    return counts


def summary(contract: ir.Contract, counts: Counter[tuple[str, str]]) -> str:
    lines = [
        f"{contract.id}: interpreter and JavaScript agree on "
        f"{sum(v for (_, k), v in counts.items() if not k.startswith('+'))} cases"
    ]
    for q in contract.questions:
        parts = ", ".join(f"{k} {v}" for (name, k), v in sorted(counts.items()) if name == q.name)
        lines.append(f"  {q.name}: {parts}")
    return "\n".join(lines)


def cases_for(contract: ir.Contract, n: int, seed: int) -> list[Case]:
    cases: list[Case] = []
    for i, q in enumerate(contract.questions):
        cases += [(q.name, facts, as_of) for facts, as_of in fact_cases(contract, n, seed + i)]
    return cases


def with_questions(text: str) -> str:
    """The text with a may, must and deadline question for every (party, action, object) of
    its norms and a value question for every definition."""
    c = compiled(text, "probe.clause")
    extra = []
    triples = sorted({(n.party, n.action, n.object) for n in c.norms})
    for i, (party, action, obj) in enumerate(triples):
        extra += [
            f"question gen{i}_may : may {party} {action} {obj}",
            f"question gen{i}_must : must {party} {action} {obj}",
            f"question gen{i}_deadline : deadline of {party} {action} {obj}",
        ]
    for d in c.definitions:
        extra.append(f"question value_{d.name.replace('.', '_')} : value of {d.name}")
    return text + "\n" + "\n".join(extra) + "\n"


def compiled(text: str, name: str) -> ir.Contract:
    result = clausec.compile_text(text, name)
    errors = [d for d in result.diagnostics if d.severity.name == "ERROR"]
    assert not errors, [f"{d.code} {d.span}: {d.message}" for d in errors]
    (contract,) = [c for c in result.contracts if c.file == name]
    return contract


def raw_value(v: V.Value) -> object:
    """A scenario's given value as raw fact input."""
    if isinstance(v, bool | int | str):
        return v
    if isinstance(v, Decimal):
        return format(v, "f")
    if isinstance(v, V.MoneyValue):
        return f"{format(v.amount, 'f')} {v.currency}"
    if isinstance(v, V.DurationValue):
        return f"{v.amount} {v.unit.replace('_', ' ')}"
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, V.EnumValue):
        return v.member
    assert isinstance(v, V.Never)
    return "never"


# ------------------------------------------------------------------ (a) modules load


@needs_node
def test_every_module_loads_under_node(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    contracts = [clausec.load(p) for p in [DEPOSIT, *EXAMPLES]]
    modules = [write_module(c, tmp_path) for c in contracts]
    script = (
        "import { pathToFileURL } from 'node:url';\n"
        "for (const p of process.argv.slice(2)) {\n"
        "  const m = await import(pathToFileURL(p).href);\n"
        "  console.log(JSON.stringify([m.CONTRACT.id, m.QUESTIONS.map((q) => q.name),\n"
        "    m.FACTS.map((f) => f.name), Object.keys(m).sort()]));\n"
        "}\n"
    )
    driver = tmp_path / "load.mjs"
    driver.write_text(script, encoding="utf-8")
    assert NODE is not None
    proc = subprocess.run(
        [NODE, str(driver), *map(str, modules)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    fixed = [
        "CONTRACT",
        "EvaluationError",
        "FACTS",
        "FactError",
        "Facts",
        "QUESTIONS",
        "Result",
        "askNext",
        "evaluate",
        "evaluateMany",
        "stringify",
    ]
    for c, line in zip(contracts, proc.stdout.splitlines(), strict=True):
        cid, questions, facts, exports = json.loads(line)
        assert cid == c.id
        assert questions == [q.name for q in c.questions]
        assert facts == [f.name for f in c.facts]
        assert exports == sorted(fixed + [e for _, e in question_exports(c)])


# ------------------------------------------------------------------ (b) differential


def _with_questions_paths() -> list[Path]:
    return [DEPOSIT] + [p for p in EXAMPLES if re.search(r"^question ", p.read_text("utf-8"), re.M)]


SYNTHETIC = [p for p in EXAMPLES if p not in _with_questions_paths()]


@needs_node
@pytest.mark.parametrize("path", SYNTHETIC, ids=lambda p: p.name)
def test_examples_with_generated_questions(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The examples without questions, with a question about every norm and definition: every
    deadline form, remedies, breach, priorities and the other calendars."""
    monkeypatch.chdir(path.parent)  # imports are resolved against the working folder
    contract = compiled(with_questions(path.read_text("utf-8")), path.name)
    counts = compare(contract, cases_for(contract, SYNTHETIC_CASES_PER_QUESTION, seed=7), tmp_path)
    print("\n" + summary(contract, counts))
    assert len({k for (_, k) in counts}) >= 4


ARITHMETIC = """\
contract arith
  title "Arithmetic and dates"
  source "arith.txt"
  language en
  calendar RU

party a role "first party"
party b role "second party"
action pay "pay"
action notify "notify"
object fee : money EUR "the fee"
object notice "a notice"

fact n : integer
fact m : integer
fact x : decimal
fact y : decimal
fact price : money EUR
fact cost : money EUR
fact d1 : date
fact wd : duration in working days
fact dd : duration in days
fact mm : duration in months
fact label : text
fact channel : one of email, post
fact urgent : boolean
event e1
event e2
event paid

define ratio : decimal = x / y
define total : money EUR = price * n + cost
define share : money EUR = price / 3
define neg_big : decimal = -(x * 1234567890123456789012345678901.5)
define product : decimal = x * y * 1234567890.123456789 - n
define gap : duration in days = e1 - e2
define gap2 : duration in days = gap * m - dd
define due1 : date = d1 + wd
define due2 : date = e1 + mm - 1 month
define due3 : date = d1 - 2 weeks + dd
define first : date = earliest of (e1, e2, d1 + dd)
define last : date = latest of (e1, e2)
define is_post : boolean = channel = post or label = "Schriftform"
define elapsed : duration in days = today - d1
define pct : decimal = x * 5% + n / m
define cheap : boolean = price < 100.50 EUR and not urgent
define count : integer = n * m - 7

clause "1"
  quote "A pays the fee within the working days agreed after e1."
  a must pay fee to b
    when n > 3 and x >= 0.5
    within wd after e1
    extendable by dd if is_post
    performed on paid
    otherwise b may notify a

clause "2"
  quote "A may pay early, at least 3 working days before e2."
  a may pay fee
    when price > 100 EUR
    at least 3 working days before e2
  a must not pay fee
    when cheap
    unless urgent

clause "3"
  quote "B notifies on days 1 and 31 of every month after d1."
  b must notify notice
    when urgent or n = 2
    on days 1 and 31 of every month after d1
  b must notify notice
    when channel = email
    by d1 + mm
    extendable to 5 working days if urgent
  b may notify notice
    prevails over "1"
    when label = "stop"
    within 2 months after e2

clause "4"
  quote "Force majeure."
  deadlines extended by dd if urgent and label != ""
"""


@needs_node
def test_arithmetic_dates_and_calendars_agree(tmp_path: Path) -> None:
    """Exact decimals (division, 200-digit products, unary minus), integer, duration and date
    arithmetic with never, earliest/latest, today, text and enumerations, the RU calendar."""
    contract = compiled(with_questions(ARITHMETIC), "arith.clause")
    counts = compare(contract, cases_for(contract, 250, seed=99), tmp_path)
    print("\n" + summary(contract, counts))
    values = {k for (name, k) in counts if name.startswith("value_")}
    assert {"value", "undetermined", "FactError"} <= values


EDGE_FACTS: list[dict[str, object]] = [
    {"n": "١٢", "m": "+3", "x": "٠.٥", "y": ".5"},  # digits of other scripts, signs
    {"price": "\u3000100.50\u3000EUR\u3000", "cost": "1\u00a0EUR", "n": 2, "m": 5},
    {"price": "100 USD"},
    {"price": "100EUR"},
    {"price": " 100 "},
    {"cost": "1 2 EUR"},
    {"d1": "٢٠٢٤-٠٣-١٥", "wd": "٣ working days"},
    {"d1": "2024-02-30"},
    {"d1": "never"},
    {"e1": "never", "e2": "never"},
    {"e1": "2024-01-31", "mm": 1},
    {"e1": "2024-03-31", "mm": -1},
    {"wd": "3  working  days"},
    {"wd": "1 working day"},
    {"dd": "2 weeks"},
    {"mm": "2 years"},
    {"dd": "3 months"},
    {"wd": " 5 working days\n"},
    {"mm": "1" * 41 + " months"},
    {"x": 0.1, "y": 3},
    {"x": 1e-7, "y": 7},
    {"x": 2.5e16, "y": 1e300},
    {"x": "1e5"},
    {"x": "9" * 40, "y": "0." + "0" * 38 + "1"},
    {"x": "9" * 41},
    {"x": "5.", "y": "-.5"},
    {"x": "1234567890123456789012345678901234567890", "y": "3"},
    {"n": "9" * 40, "m": "9" * 40},
    {"n": 9007199254740991, "m": -9007199254740991},
    {"n": 1.5},
    {"n": True},
    {"urgent": "yes"},
    {"urgent": 1},
    {"label": 5},
    {"label": {"a": [1, None, True]}},
    {"channel": "EMAIL"},
    {"channel": "post"},
    {"label": "x" * 100, "urgent": "maybe"},
    {"lable": "x"},
    {"__proto__": True},
    {"n": 'it\'s "quoted"\u2028'},
    {"n": "\x00\x7f\u0085\u00a0\U0001f600"},
    {"n": "\U0001fae8\ud800\u0378\u00ad"},
    {"n": "x" * 58 + "\U0001f600\U0001f600"},
    {"e1": "2024-02-29", "e2": "9999-12-31", "dd": 5},
    {"d1": "0001-01-01", "dd": -1},
    {"d1": "9999-12-25", "urgent": True},
    {"d1": "9999-12-31", "urgent": True},
    {"e1": "2060-12-20", "wd": 15, "n": 5, "x": 1},
    {"e1": "1999-12-20", "wd": -15, "n": 5, "x": 1},
    {"wd": 3_660_001, "e1": "2024-01-01", "n": 5, "x": 1},
    {"mm": 120_001, "e1": "2024-01-01"},
]


@needs_node
def test_edge_case_facts_agree(tmp_path: Path) -> None:
    """Hand-picked inputs: Unicode digits and spaces, floats, limits, malformed values, Python
    repr in messages, name suggestions, dates at the ends of the range, non-mapping facts."""
    contract = compiled(with_questions(ARITHMETIC), "arith.clause")
    cases: list[Case] = []
    for q in contract.questions:
        for facts in EDGE_FACTS:
            for as_of in (None, "2024-06-30"):
                cases.append((q.name, facts, as_of))
        not_mappings: list[object] = [[], None, "n=1", 3]
        cases += [(q.name, bad, None) for bad in not_mappings]
    counts = compare(contract, cases, tmp_path)
    assert sum(v for (_, k), v in counts.items() if k == "FactError") > 100


@needs_node
def test_deep_and_huge_fact_values_are_fact_errors_alike(tmp_path: Path) -> None:
    """Values nested 200,000 deep or holding millions of items are shown by their first 60
    characters in the FactError of every evaluator (once a RecursionError or a stack
    overflow)."""
    contract = compiled(with_questions(ARITHMETIC), "arith.clause")
    module = write_module(contract, tmp_path)
    question = contract.questions[0].name
    depth = 200_000
    nested: object = []
    for _ in range(depth):
        nested = [nested]
    deep_object: object = {}
    for _ in range(depth):
        deep_object = {"a": deep_object}
    emoji = "\U0001f600"
    cases = {  # name: (fact, its value as JSON text, as a Python value)
        "deep": ("label", "[" * depth + "]" * depth, nested),
        "deep object": ("label", '{"a":' * depth + "{}" + "}" * depth, deep_object),
        "long": ("label", "[" + ",".join(["1.5"] * 1_000_000) + "]", [1.5] * 1_000_000),
        "long text": ("n", json.dumps(emoji * 1_000_000), emoji * 1_000_000),
    }
    driver = tmp_path / "driver.mjs"
    # As DRIVER, without the given value (no JSON writer takes a value nested so deep).
    driver.write_text(DRIVER.replace(", given: e.given", ""), encoding="utf-8")
    lines = "".join(
        f'{{"q": {json.dumps(question)}, "facts": {{"{fact}": {text}}}, "as_of": null}}\n'
        for fact, text, _ in cases.values()
    )
    proc = subprocess.run(
        [NODE or "node", str(driver), str(module)],
        input=lines,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    got = [json.loads(line) for line in proc.stdout.split("\n") if line]
    for (name, (fact, _, value)), js in zip(cases.items(), got, strict=True):
        expected = interpreter_outcome(contract, (question, {fact: value}, None))
        assert isinstance(expected, dict) and isinstance(js, dict)
        keys = ("type", "problem", "message")
        assert "error" in js, (name, str(js)[:300])
        assert {k: js["error"][k] for k in keys} == {k: expected["error"][k] for k in keys}, name
        assert expected["error"]["type"] == "FactError" and "..." in expected["error"]["message"]


@needs_node
def test_monthly_deadlines_at_the_end_of_the_calendar(tmp_path: Path) -> None:
    """No monthly day left before 9999-12-31 is an EvaluationError everywhere, not a crash."""
    contract = compiled(MONTHLY, "monthly.clause")
    cases: list[Case] = [
        ("when_pay", {"due_soon": True, "signed": day}, None)
        for day in ("9999-12-04", "9999-12-19", "9999-12-20", "9999-12-25", "9999-12-31")
    ]
    cases += [
        ("when_pay", {"due_soon": False}, as_of)
        for as_of in ("9999-12-05", "9999-12-06", "9999-12-31")
    ]
    counts = compare(contract, cases, tmp_path)
    assert counts == Counter(
        {("when_pay", "date"): 3, ("when_pay", "+grounds"): 3, ("when_pay", "EvaluationError"): 5}
    )
    outcome = interpreter_outcome(contract, cases[3])
    assert outcome == {
        "error": {
            "type": "EvaluationError",
            "problem": "monthly_beyond",
            "message": ("the monthly deadline (day 5, 20) has no date left before 9999-12-31"),
        }
    }


# ------------------------------------------------------------------ (c) scenarios


@needs_node
def test_scenarios_agree(tmp_path: Path) -> None:
    done = 0
    for path in [DEPOSIT, *EXAMPLES]:
        contract = clausec.load(path)
        if not contract.scenarios:
            continue
        cases: list[Case] = []
        for s in contract.scenarios:
            facts = {name: raw_value(v) for name, v in s.givens}
            as_of = s.as_of.isoformat() if isinstance(s.as_of, dt.date) else None
            cases += [(q.name, facts, as_of) for q in contract.questions]
        compare(contract, cases, tmp_path)
        done += len(cases)
    assert done >= 20


# ------------------------------------------------------------------ API


API_SCRIPT = """\
import { pathToFileURL } from "node:url";
const m = await import(pathToFileURL(process.argv[2]).href);
const out = {};
out.byName = m.may_deduct_deposit({ "complaint.consulted": "2025-03-03",
  "complaint.resolved": "never", "complaint.bad_influence": true }).toDict();
const clean = { "merchant.violated_rules": false, "merchant.complaint_or_dispute": false,
  "service.stopped": "2024-10-24", "agreement.ended": "2024-10-24",
  "agreement.terminated_by_platform": "never", "merchant.unresolved_quality_dispute": false,
  "authority.order_to_deduct": false, "complaint.consulted": "never", "stock.misstated": false,
  "merchant.breach_harmed_buyer": false, "merchant.closed_shop": false,
  "merchant.consumer_duty_missed": false, "order.placed": "never",
  "merchant.breached_agreement": false, "deposit.payout": "never",
  "platform.paid_beyond_deposit": false, "platform.loss": "0 CNY", "deposit.balance": "10000 CNY",
  "force_majeure.affects_performance": false };
const r = m.release_deadline(clean, { asOf: "2025-01-01" });
out.fields = [r.question, r.kind, r.answer, r.due, r.dependsOn, r.grounds[0].clause, r.warnings];
out.many = Array.from(m.evaluateMany("may_deduct_deposit",
  [{}, { "merchant.closed_shop": "yes" }, { "merchant.closd_shop": true },
   { "merchant.closed_shop": true }],
  { errors: "return" }), (x) => (x.error ? x.error : x.answer));
out.strict = Array.from(m.evaluateMany("may_deduct_deposit", [{}], { presume: false }),
  (x) => x.answer);
const bad = m.evaluateMany("may_deduct_deposit", [{ "merchant.closed_shop": true },
  { "merchant.closed_shop": 3 }]);
out.first = bad.next().value.answer; // lazy: the bad fact set is not read yet
try { Array.from(bad); out.threw = false; }
catch (e) { out.threw = [e instanceof m.FactError, e.name, e.fact, e.message]; }
try { m.evaluate("no_such_question", {}); } catch (e) { out.noQuestion = e.name; }
// evaluateMany checks its question and options at the call, not when first iterated.
const atCall = (g) => { try { g(); return null; } catch (e) { return [e.name, e.message]; } };
out.manyAtCall = [atCall(() => m.evaluateMany("no_such_question", [])),
  atCall(() => m.evaluateMany("may_deduct_deposit", [], { errors: "ignore" }))];
try { m.evaluate("may_deduct_deposit", {}, { asOf: "2025-02-30" }); }
catch (e) { out.badAsOf = e.name; }
out.questions = m.QUESTIONS;
out.facts = m.FACTS.slice(0, 2).concat(m.FACTS.filter((f) => f.kind === "event").slice(0, 1));
out.contract = m.CONTRACT;
out.frozen = Object.isFrozen(m.QUESTIONS) && Object.isFrozen(m.CONTRACT);
console.log(m.stringify(out));
"""


@needs_node
def test_api(tmp_path: Path) -> None:
    contract = clausec.load(DEPOSIT)
    module = write_module(contract, tmp_path)
    script = tmp_path / "api.mjs"
    script.write_text(API_SCRIPT, encoding="utf-8")
    assert NODE is not None
    proc = subprocess.run(
        [NODE, str(script), str(module)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert (
        out["byName"]
        == ask(
            contract,
            "may_deduct_deposit",
            {
                "complaint.consulted": "2025-03-03",
                "complaint.resolved": "never",
                "complaint.bad_influence": True,
            },
        ).to_dict()
    )
    assert out["fields"] == ["release_deadline", "deadline", "date", "2025-02-13", [], "6.2(1)", []]
    presumed_no, bad, misspelled, yes = out["many"]
    # Nothing given: no ground for a deduction is presumed; without presumptions, all are open.
    assert presumed_no == "no" and yes == "yes" and out["strict"] == ["undetermined"]
    assert bad["type"] == "FactError" and bad["fact"] == "merchant.closed_shop"
    assert bad["message"] == ('fact `merchant.closed_shop`: expected true or false, got "yes"')
    assert misspelled["message"] == (
        "fact `merchant.closd_shop`: no such fact in contract "
        "`soolife_deposit` (did you mean `merchant.closed_shop`?)"
    )
    assert out["threw"] == [
        True,
        "FactError",
        "merchant.closed_shop",
        "fact `merchant.closed_shop`: expected true or false, got 3",
    ]
    assert out["noQuestion"] == "RangeError" and out["badAsOf"] == "FactError"
    assert out["first"] == "yes"
    unknown, bad_option = out["manyAtCall"]
    assert unknown[0] == "RangeError" and "no_such_question" in unknown[1]
    assert bad_option == [
        "RangeError",
        'options.errors must be "throw" or "return", not "ignore"',
    ]
    assert out["questions"] == [
        {"name": q.name, "kind": q.kind, "description": q.description} for q in contract.questions
    ]
    assert out["facts"][0] == {
        "name": "merchant.violated_rules",
        "type": {"kind": "boolean"},
        "kind": "fact",
        "description": contract.facts[0].description,
    }
    assert out["facts"][2]["type"] == {"kind": "date"} and out["facts"][2]["kind"] == "event"
    assert out["contract"] == {
        "id": "soolife_deposit",
        "title": contract.title,
        "source": contract.file,
        "sourceDocument": contract.source_document,
        "sha256": contract.source_sha256,
        "clausecVersion": clausec.__version__,
        "calendar": "CN",
    }
    assert out["frozen"] is True


@needs_node
def test_question_names_that_clash_and_big_integers(tmp_path: Path) -> None:
    text = ARITHMETIC + (
        "question evaluate : value of count\n"
        "question delete : value of n * n\n"
        "question default : value of neg_big\n"
    )
    contract = compiled(text, "arith.clause")
    assert question_exports(contract) == [
        ("evaluate", "evaluate_"),
        ("delete", "delete_"),
        ("default", "default_"),
    ]
    module = write_module(contract, tmp_path)
    script = tmp_path / "clash.mjs"
    script.write_text(
        "import { pathToFileURL } from 'node:url';\n"
        "const m = await import(pathToFileURL(process.argv[2]).href);\n"
        "const facts = { n: '9'.repeat(40), m: 2, x: '1.5' };\n"
        "console.log(m.stringify([m.evaluate_(facts).value, m.delete_(facts).toDict(),\n"
        "  m.default_(facts).value, typeof m.delete_(facts).value, m.default === undefined]));\n",
        encoding="utf-8",
    )
    assert NODE is not None
    proc = subprocess.run(
        [NODE, str(script), str(module)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    count, square, neg_big, kind, no_default = json.loads(proc.stdout)
    facts = {"n": "9" * 40, "m": 2, "x": "1.5"}
    assert count == ask(contract, "evaluate", facts).value == 2 * (10**40 - 1) - 7
    assert square == ask(contract, "delete", facts).to_dict()
    assert neg_big == ask(contract, "default", facts).value == "-1851851835185185183518518518352.25"
    assert kind == "bigint" and no_default is True


# ------------------------------------------------------------------ (d) hostile text


HOSTILE = (
    'say "hi", it\'s \\ back\nslash """ ${x} `tick` '
    "</script><script>alert(1)</script> */ /* \u2028\u2029 end"
)


def _string_literal(text: str) -> str:
    """A clause-language string literal for ``text``; the newline stays a real line break."""
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch in "\u2028\u2029":
            out.append(f"\\u{{{ord(ch):X}}}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


@needs_node
def test_hostile_text_is_embedded_safely(tmp_path: Path) -> None:
    lit = _string_literal(HOSTILE)
    text = (
        f"contract evil title {lit} source {lit} language en calendar CN\n"
        'party a role "first"\nparty b role "second"\n'
        'action pay "pay"\nobject fee : money CNY "fee"\n'
        f"fact ok : boolean {lit}\n"
        f'clause "1" quote {lit} gloss {lit}\n'
        "  a must pay fee to b when ok\n"
        f"question must_pay {lit} : must a pay fee\n"
    )
    name = "evil*/\n</script>\u2028.clause"
    contract = compiled(text, name)
    assert contract.clause("1").quote == normal_form(HOSTILE) and contract.title == HOSTILE
    source = emit_javascript(contract, clausec_version="0.1.0 */ </script>\n")
    assert source.isascii()
    # Only inside JSON strings: no way to end a string, comment or <script> element early.
    assert "</script" not in source.lower() and HOSTILE not in source
    header = source.split("\nconst DATA = ")[0]
    assert all(line.startswith("//") and "*/" not in line for line in header.splitlines() if line)
    module = tmp_path / "evil.mjs"
    module.write_text(source, encoding="utf-8")
    script = tmp_path / "evil_driver.mjs"
    script.write_text(
        "import { pathToFileURL } from 'node:url';\n"
        "const m = await import(pathToFileURL(process.argv[2]).href);\n"
        "const r = m.must_pay({ ok: true });\n"
        "console.log(JSON.stringify([r.grounds[0].quote, r.grounds[0].gloss, m.CONTRACT,\n"
        "  m.QUESTIONS[0].description, m.FACTS[0].description, r.toDict()]));\n",
        encoding="utf-8",
    )
    assert NODE is not None
    proc = subprocess.run(
        [NODE, str(script), str(module)], capture_output=True, encoding="utf-8", timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    quote, gloss, meta, qdesc, fdesc, result = json.loads(proc.stdout)
    assert gloss == qdesc == fdesc == meta["title"] == meta["sourceDocument"] == HOSTILE
    assert gloss.encode("utf-8") == HOSTILE.encode("utf-8")
    assert quote == normal_form(HOSTILE)  # line breaks in a quote are layout
    assert meta["source"] == name and meta["clausecVersion"] == "0.1.0 */ </script>\n"
    assert result == ask(contract, "must_pay", {"ok": True}).to_dict()


# ------------------------------------------------------------------ (e) determinism


def test_output_is_deterministic_under_any_hash_seed() -> None:
    code = (
        "import sys, clausec\n"
        "from clausec.backends.javascript import emit_javascript\n"
        "for p in sys.argv[1:]:\n"
        "    sys.stdout.write(emit_javascript(clausec.load(p), clausec_version='0.1.0'))\n"
    )
    paths = [str(DEPOSIT), str(REPO / "docs" / "examples" / "priorities.clause")]
    outputs = []
    for seed in ("0", "4242"):
        env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONIOENCODING="utf-8")
        proc = subprocess.run(
            [sys.executable, "-c", code, *paths],
            capture_output=True,
            env=env,
            cwd=REPO,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr.decode()
        outputs.append(proc.stdout)
    assert outputs[0] == outputs[1]
    assert b"generated by clausec; do not edit" in outputs[0].lower()


def test_header_names_the_contract_and_its_source() -> None:
    contract = clausec.load(DEPOSIT)
    head = emit_javascript(contract, clausec_version="9.9.9").splitlines()[:6]
    text = "\n".join(head)
    assert all(line.startswith("//") for line in head)
    for part in (
        '"soolife_deposit"',
        json.dumps(contract.file),
        contract.source_sha256,
        '"9.9.9"',
        "do not edit",
    ):
        assert part in text


# ------------------------------------------------------------------ (f) prepared facts (Facts)


SHIPPED = sorted((REPO / "contracts").glob("**/*.clause"))
FACTS_CASES_PER_CONTRACT = 300
NOT_MAPPINGS: list[object] = [[], None, "n=1", 3, [["a", 1]]]

FACTS_DRIVER = """\
import { pathToFileURL } from "node:url";
const m = await import(pathToFileURL(process.argv[2]).href);
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const { exports, cases } = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const error = (e) => {
  const out = { type: e.name, message: e.message };
  if (e instanceof m.FactError) out.fact = e.fact;
  return out;
};
const outcome = (f) => {
  try {
    return m.stringify({ result: f().toDict() });
  } catch (e) {
    return m.stringify({ error: error(e) });
  }
};
const rows = [];
const mismatches = [];
cases.forEach(([raw, asOf, asMap], i) => {
  const facts = asMap ? new Map(Object.entries(raw)) : raw;
  const options = { asOf };
  let prepared = null;
  let rejected = null;
  try { prepared = new m.Facts(facts); } catch (e) { rejected = error(e); }
  const answers = [];
  for (const [q, name] of exports) {
    const plain = outcome(() => m.evaluate(q, facts, options));
    // One Facts for every question, asked through the question's own function.
    const viaFacts = rejected !== null ? m.stringify({ error: rejected })
      : outcome(() => m[name](prepared, options));
    const parsed = JSON.parse(plain);
    answers.push(parsed.result ? parsed.result.answer : parsed.error.type);
    if (plain !== viaFacts) mismatches.push({ case: i, question: q, plain, viaFacts });
  }
  rows.push({ answers, rejected, names: prepared && prepared.names(),
              size: prepared && prepared.size, json: prepared && m.stringify(prepared) });
});
process.stdout.write(JSON.stringify({ rows, mismatches }) + "\\n");
"""


def _run_script(script: str, tmp_path: Path, *args: str, stdin: str = "") -> object:
    assert NODE is not None
    driver = tmp_path / "facts_driver.mjs"
    driver.write_text(script, encoding="utf-8")
    proc = subprocess.run(
        [NODE, str(driver), *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@needs_node
@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_prepared_facts_answer_like_the_facts(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every question of a shipped contract gives the same result (or error) for
    `new Facts(x)` as for `x`, on generated fact sets (a third of them as Maps) with and
    without an as-of date; a rejected `x` makes `new Facts(x)` throw the same FactError,
    which is read_facts' message; names(), size and stringify() show the given facts."""
    monkeypatch.chdir(REPO)
    contract = clausec.load(path)
    module = write_module(contract, tmp_path)
    cases: list[tuple[object, str | None, bool]] = [
        (facts, as_of, i % 3 == 1)
        for i, (facts, as_of) in enumerate(
            fact_cases(contract, FACTS_CASES_PER_CONTRACT, seed=zlib_seed(contract.id))
        )
    ]
    cases += [(bad, None, False) for bad in NOT_MAPPINGS]
    first = contract.facts[0].name
    cases += [({first + "x": True}, None, True), ({first: [1]}, "2025-01-01", False)]
    out = _run_script(
        FACTS_DRIVER,
        tmp_path,
        str(module),
        stdin=json.dumps({"exports": question_exports(contract), "cases": cases}),
    )
    assert isinstance(out, dict)
    shown = "\n".join(json.dumps(x, ensure_ascii=False)[:1500] for x in out["mismatches"][:3])
    assert not out["mismatches"], f"{len(out['mismatches'])} results differ:\n{shown}"
    rows = out["rows"]
    assert len(rows) == len(cases)
    seen: Counter[str] = Counter()
    for (facts, _, _), row in zip(cases, rows, strict=True):
        assert len(row["answers"]) == len(contract.questions)
        seen.update(row["answers"])
        try:
            read_facts(contract, facts)  # type: ignore[arg-type]
        except FactError as exc:
            assert row["rejected"] == {"type": "FactError", "message": str(exc), "fact": exc.fact}
            assert set(row["answers"]) == {"FactError"}
            continue
        assert row["rejected"] is None, row["rejected"]
        assert isinstance(facts, dict)
        given = {k: v for k, v in facts.items() if v is not None}
        assert row["names"] == sorted(given) and row["size"] == len(given)
        assert json.loads(row["json"]) == given
    rejected = sum(1 for row in rows if row["rejected"] is not None)
    assert len(NOT_MAPPINGS) + 2 <= rejected < len(rows) // 4
    assert len([k for k in seen if k != "FactError"]) >= 3, seen


def zlib_seed(text: str) -> int:
    """A seed from a text (crc32, not hash(): cases must not depend on PYTHONHASHSEED)."""
    return zlib.crc32(text.encode()) % 1000


API_FACTS_SCRIPT = """\
// A module: strict mode, so assignments to a frozen object throw.
import { pathToFileURL } from "node:url";
const m = await import(pathToFileURL(process.argv[2]).href);
const copy = await import(pathToFileURL(process.argv[3]).href);
const other = await import(pathToFileURL(process.argv[4]).href);
const out = {};
const raw = { "merchant.closed_shop": true, "force_majeure.duration": "12 days",
  "deposit.payout": null, "deposit.balance": { amount: "9007199254740993", currency: "CNY" },
  "agreement.ended": undefined };
const f = new m.Facts(raw);
raw["merchant.closed_shop"] = false; // the Facts keeps what it was given
out.frozen = [Object.isFrozen(f), Object.isFrozen(m.Facts.prototype), f instanceof m.Facts];
const attempts = {
  add: () => { f.extra = 1; },
  size: () => { f.size = 7; },
  get: () => { f.get = () => 1; },
  define: () => { Object.defineProperty(f, "x", { value: 1 }); },
  proto: () => { Object.setPrototypeOf(f, {}); },
  patch: () => { m.Facts.prototype.get = () => 1; },
};
out.attempts = {};
for (const [k, g] of Object.entries(attempts)) {
  try { g(); out.attempts[k] = "no error"; } catch (e) { out.attempts[k] = e.name; }
}
out.size = f.size;
out.names = f.names();
const names = f.names();
names.push("x"); // a copy
out.namesAgain = f.names();
out.get = [f.get("merchant.closed_shop"), f.get("force_majeure.duration"),
  typeof f.get("deposit.balance"), f.get("deposit.payout"), f.get("no.such"), f.get(3)];
out.has = [f.has("merchant.closed_shop"), f.has("deposit.payout"), f.has("agreement.ended"),
  f.has("no.such")];
const json = f.toJSON();
json["merchant.closed_shop"] = "changed";
out.json = m.stringify(f);
out.jsonProto = Object.getPrototypeOf(f.toJSON()) === Object.prototype;
out.answer = [m.may_deduct_deposit(f).answer, m.may_deduct_deposit(raw).answer,
  m.may_deduct_deposit({ ...raw, "merchant.closed_shop": true }).answer];
const same = { "merchant.closed_shop": true, "force_majeure.duration": "12 days",
  "deposit.balance": { amount: "9007199254740993", currency: "CNY" } };
out.sameResult = m.stringify(m.may_deduct_deposit(f).toDict())
  === m.stringify(m.may_deduct_deposit(same).toDict());
const again = new m.Facts(f);
out.again = [again !== f, m.stringify(again) === m.stringify(f), Object.isFrozen(again)];
out.fromMap = m.stringify(new m.Facts(new Map([["merchant.closed_shop", "true"],
  ["deposit.payout", null]])));
const empty = new m.Facts();
out.empty = [empty.size, empty.names(), m.stringify(empty), m.may_deduct_deposit(empty).answer,
  m.may_deduct_deposit(empty, { presume: false }).answer];
const fail = (g) => { try { g(); return null; } catch (e) { return [e.name, e.fact, e.message]; } };
out.rejected = [fail(() => new m.Facts({ "merchant.closed_shop": "maybe" })),
  fail(() => new m.Facts(new Map([[1, true]]))), fail(() => new m.Facts(null))];
out.foreign = [fail(() => m.may_deduct_deposit(new other.Facts({}))),
  fail(() => m.evaluate("may_deduct_deposit", new copy.Facts({ "merchant.closed_shop": true }))),
  fail(() => new m.Facts(new other.Facts({}))),
  fail(() => m.may_deduct_deposit(Object.create(m.Facts.prototype))),
  fail(() => m.Facts.prototype.names.call({}))];
out.mine = m.may_deduct_deposit(new m.Facts({ "merchant.closed_shop": true })).answer;
out.many = Array.from(m.evaluateMany("may_deduct_deposit",
  [f, { "merchant.closed_shop": "yes" }, new m.Facts({}), new other.Facts({}),
   new m.Facts(new Map([["merchant.closed_shop", true]]))],
  { errors: "return" }), (x) => (x.error ? x.error : x.toDict()));
out.manyPlain = Array.from(m.evaluateMany("may_deduct_deposit",
  [raw, { "merchant.closed_shop": "yes" }, {}, {}, { "merchant.closed_shop": true }],
  { errors: "return" }), (x) => (x.error ? x.error : x.toDict()));
out.manyThrows = fail(() => Array.from(m.evaluateMany("may_deduct_deposit",
  [f, new other.Facts({})])));
const dated = new m.Facts({ "deposit.payout": "2025-09-26", "deposit.balance": "9000 CNY",
  "deposit.required": "10000 CNY", "agreement.ended": "never",
  "force_majeure.affects_performance": false, "topup.demanded": "never" });
out.asOf = [m.top_up_deadline(dated, { asOf: "2025-10-01" }).toDict(),
  m.top_up_deadline(dated).toDict(), fail(() => m.top_up_deadline(dated, { asOf: "2025-02-30" }))];
console.log(m.stringify(out));
"""


@needs_node
def test_prepared_facts_api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Facts is frozen and read-only, keeps the given values (not the caller's object), is
    refused by another contract's module (and by another copy of its own), and works in
    evaluateMany, also with errors: "return", and with asOf."""
    monkeypatch.chdir(REPO)
    contract = clausec.load(DEPOSIT)
    module = write_module(contract, tmp_path)
    copy_dir = tmp_path / "copy"
    copy_dir.mkdir()
    copy = write_module(contract, copy_dir)
    other = write_module(clausec.load(REPO / "docs" / "examples" / "priorities.clause"), tmp_path)
    out = _run_script(API_FACTS_SCRIPT, tmp_path, str(module), str(copy), str(other))
    assert isinstance(out, dict)
    assert out["frozen"] == [True, True, True]
    assert out["attempts"] == {
        "add": "TypeError",
        "size": "TypeError",
        "get": "TypeError",
        "define": "TypeError",
        "proto": "TypeError",
        "patch": "TypeError",
    }
    given = ["deposit.balance", "force_majeure.duration", "merchant.closed_shop"]
    assert out["size"] == 3 and out["names"] == out["namesAgain"] == given
    assert out["get"] == [True, "12 days", "object", None, None, None]
    assert out["has"] == [True, False, False, False]
    assert json.loads(out["json"]) == {
        "merchant.closed_shop": True,
        "force_majeure.duration": "12 days",
        "deposit.balance": {"amount": "9007199254740993", "currency": "CNY"},
    }
    assert out["jsonProto"] is True
    # The changed raw object: no ground shown, so none presumed (the Facts kept `true`).
    assert out["answer"] == ["yes", "no", "yes"]
    assert out["sameResult"] is True
    assert out["again"] == [True, True, True]
    assert json.loads(out["fromMap"]) == {"merchant.closed_shop": "true"}
    # Nothing given: every ground presumed absent; without presumptions, all open.
    assert out["empty"] == [0, [], "{}", "no", "undetermined"]
    bad_value = [
        "FactError",
        "merchant.closed_shop",
        'fact `merchant.closed_shop`: expected true or false, got "maybe"',
    ]
    assert out["rejected"] == [
        bad_value,
        ["FactError", "1", "fact `1`: fact names are texts, got 1"],
        [
            "FactError",
            "<facts>",
            "fact `<facts>`: facts must be a mapping of fact names to values, got null",
        ],
    ]
    other_id = clausec.load(REPO / "docs" / "examples" / "priorities.clause").id
    foreign = [
        "FactError",
        "<facts>",
        f"fact `<facts>`: a Facts made by the module of contract `{other_id}` cannot be "
        "used with contract `soolife_deposit`; make it with this module's Facts",
    ]
    assert out["foreign"] == [
        foreign,
        [
            "FactError",
            "<facts>",
            "fact `<facts>`: a Facts made by another module of contract "
            "`soolife_deposit`; make it with this module's Facts",
        ],
        foreign,
        ["FactError", "<facts>", "fact `<facts>`: a Facts must be made with `new Facts(facts)`"],
        ["TypeError", None, "not a Facts of this module"],
    ]
    assert out["mine"] == "yes"
    yes = ask(
        contract,
        "may_deduct_deposit",
        {
            "merchant.closed_shop": True,
            "force_majeure.duration": "12 days",
            "deposit.balance": {"amount": "9007199254740993", "currency": "CNY"},
        },
    ).to_dict()
    assert yes["answer"] == "yes"
    empty = ask(contract, "may_deduct_deposit", {}).to_dict()
    assert out["many"][0] == yes and out["many"][2] == empty
    assert out["many"][1] == {
        "type": "FactError",
        "fact": "merchant.closed_shop",
        "problem": "wrong_value",
        "message": 'fact `merchant.closed_shop`: expected true or false, got "yes"',
    }
    assert out["many"][3] == {
        "type": "FactError",
        "fact": "<facts>",
        "problem": "foreign_facts",
        "message": foreign[2],
    }
    assert (
        out["many"][4]
        == ask(contract, "may_deduct_deposit", {"merchant.closed_shop": True}).to_dict()
    )
    # The plain fact sets give the same, except that `raw` was changed after f was made.
    assert out["manyPlain"][1:3] == out["many"][1:3] and out["manyPlain"][4] == out["many"][4]
    assert out["manyPlain"][0]["answer"] == "no"  # raw's closed shop is now false
    assert out["manyThrows"] == foreign
    dated = {
        "deposit.payout": "2025-09-26",
        "deposit.balance": "9000 CNY",
        "deposit.required": "10000 CNY",
        "agreement.ended": "never",
        "force_majeure.affects_performance": False,
        "topup.demanded": "never",
    }
    with_date = ask(contract, "top_up_deadline", dated, dt.date(2025, 10, 1)).to_dict()
    # 10 days end on 6 October, in the National Day holiday: moved to 9 October (art. 203).
    assert with_date["answer"] == "date" and with_date["due"] == "2025-10-09"
    assert out["asOf"][:2] == [with_date, ask(contract, "top_up_deadline", dated).to_dict()]
    assert out["asOf"][2][0] == "FactError"  # for the fact `as_of`, as in Python


def test_facts_is_an_export_no_question_function_shadows() -> None:
    # Clause-language names are lower case; the rule is for names of any other producer of IR.
    contract = compiled(ARITHMETIC + "question facts : value of count\n", "arith.clause")
    q = contract.questions[-1]
    renamed = attrs.evolve(contract, questions=(*contract.questions, attrs.evolve(q, name="Facts")))
    assert question_exports(renamed)[-2:] == [("facts", "facts"), ("Facts", "Facts_")]
