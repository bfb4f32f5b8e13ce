"""The JSON backend (clausec.backends.json_ir): schema-valid, deterministic, faithful to the IR."""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import attrs
import pytest
from jsonschema import Draft202012Validator

import clausec
from clausec.backends.json_ir import emit_json
from clausec.ir import nodes as ir
from clausec.quotes import normal_form

from conftest import PRELUDE, REPO, SHIPPED, compile_body, describe

SCHEMA_PATH = REPO / "docs" / "ir.schema.json"
EXAMPLES = sorted((REPO / "docs" / "examples").glob("*.clause"))
ALL_FILES = [*SHIPPED, *EXAMPLES]
DEPOSIT = REPO / "contracts" / "soolife" / "deposit.clause"
SCENARIOS = REPO / "docs" / "examples" / "questions_scenarios.clause"
VERSION = clausec.__version__

# Exercises what the shipped files do not: today, earliest/latest, amounts, extensions, and
# scenario values of every type (a negative whole number for a decimal fact, money, an
# enumeration member, never, weeks/years, text).
KITCHEN_SINK = """
define first : date = earliest of (d, e, today + 3 days)
define last : date = latest of (d, e2)
define share : decimal = x * 5%
define pick : decimal = if f then x else 2.5
define waited = working days from d to e

clause "1"
  quote "Pay."
  a must pay fee (up to m) to b
    when e has occurred and not f
    unless g
    within 10 working days after latest of (d, e)
    extendable by 5 working days if f

question v : value of first
question w : value of share
question p : value of pick
question waiting : value of waited
question colour : value of k

scenario "kitchen sink"
  as of 2024-01-02
  given x = -3
  given m = -12.50 CNY
  given k = green
  given e = never
  given mm = 2 years
  given dd = 3 weeks
  given t = "a \\"b\\""
  expect v is 2024-01-05
  expect w is 0.05
  expect colour is red
"""


@cache
def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


def _validator() -> Draft202012Validator:
    return Draft202012Validator(_schema())


def _schema_errors(doc: object) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}"
        for e in _validator().iter_errors(doc)
    ]


@cache
def _loaded(path: Path) -> ir.Contract:
    return clausec.load(path)


@cache
def _emitted(path: Path) -> str:
    return emit_json(_loaded(path), clausec_version=VERSION)


def _doc(path: Path) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(_emitted(path))
    return doc


@cache
def _kitchen_sink() -> ir.Contract:
    result = compile_body(KITCHEN_SINK)
    assert not result.diagnostics, describe(result)
    return result.contract("t")


def _walk(value: object) -> Iterator[dict[str, Any]]:
    """Every JSON object inside ``value``, depth first."""
    if isinstance(value, dict):
        yield value
        for v in value.values():
            yield from _walk(v)
    elif isinstance(value, list):
        for v in value:
            yield from _walk(v)


def _fields(cls: type) -> list[str]:
    return [f.name for f in attrs.fields(cls)]


# ---------------------------------------------------------------- the schema


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    assert _schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(_schema())
    assert {"expr", "type", "value", "span", "norm", "deadline", "scenario"} <= set(
        _schema()["$defs"]
    )


def test_there_are_files_to_check() -> None:
    assert DEPOSIT in SHIPPED
    assert len(EXAMPLES) >= 6


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_emitted_json_validates(path: Path) -> None:
    contract = _loaded(path)
    doc = _doc(path)
    assert _schema_errors(doc) == []
    assert doc["contract"]["id"] == contract.id
    assert [n["id"] for n in doc["contract"]["norms"]] == [n.id for n in contract.norms]
    assert [c["number"] for c in doc["contract"]["clauses"]] == [c.number for c in contract.clauses]


def test_kitchen_sink_validates_and_covers_every_expression_node() -> None:
    doc = json.loads(emit_json(_kitchen_sink(), clausec_version=VERSION))
    assert _schema_errors(doc) == []
    seen = {o["node"] for path in ALL_FILES for o in _walk(_doc(path)) if "node" in o}
    seen |= {o["node"] for o in _walk(doc) if "node" in o}
    assert seen == {
        "const",
        "fact",
        "definition",
        "today",
        "unary",
        "binary",
        "occurred",
        "extremum",
        "conditional",
        "between",
    }


_Mutation = Callable[[dict[str, Any]], None]


def _norm(doc: dict[str, Any], norm_id: str) -> dict[str, Any]:
    norms: list[dict[str, Any]] = [n for n in doc["contract"]["norms"] if n["id"] == norm_id]
    assert len(norms) == 1, norm_id
    return norms[0]


def _set(path: list[str | int], value: object) -> _Mutation:
    def mutate(doc: dict[str, Any]) -> None:
        target: Any = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return mutate


MUTATIONS: dict[str, _Mutation] = {
    "unknown top-level key": _set(["extra"], 1),
    "wrong format": _set(["format"], "clausec-ast"),
    "unknown key in a norm": lambda d: _norm(d, "6.4#1").update(extra=True),
    "missing span": lambda d: _norm(d, "6.4#1").pop("span"),
    "unknown modality": lambda d: _norm(d, "6.4#1").update(modality="duty"),
    "unknown operator": lambda d: _norm(d, "6.4#3")["condition"].update(op="xor"),
    "unknown node tag": lambda d: _norm(d, "6.4#3")["condition"].update(node="and"),
    "integer-typed condition": lambda d: _norm(d, "6.4#3")["condition"].update(
        type={"kind": "integer"}
    ),
    "duration amount as a string": lambda d: _norm(d, "6.4#3")["deadline"]["duration"][
        "value"
    ].update(amount="10"),
    "months in a duration in days": lambda d: _norm(d, "6.4#3")["deadline"]["duration"][
        "value"
    ].update(unit="months"),
    "within without an anchor": lambda d: _norm(d, "6.4#3")["deadline"].update(anchor=None),
    "unknown deadline kind": lambda d: _norm(d, "6.4#3")["deadline"].update(kind="soon"),
    "amount kind all with an expression": lambda d: _norm(d, "6.4#2")["amount"].update(
        kind="all", expr=_norm(d, "6.4#3")["condition"]
    ),
}


@pytest.mark.parametrize("name", list(MUTATIONS))
def test_schema_rejects_a_broken_document(name: str) -> None:
    """The schema is strict: each of these small corruptions of valid output fails it."""
    doc = _doc(REPO / "docs" / "examples" / "remedies.clause")
    assert _schema_errors(doc) == []
    broken = copy.deepcopy(doc)
    MUTATIONS[name](broken)
    assert _schema_errors(broken) != []


def test_schema_rejects_a_value_of_the_wrong_form() -> None:
    doc = json.loads(emit_json(_kitchen_sink(), clausec_version=VERSION))
    givens = doc["contract"]["scenarios"][0]["givens"]
    for given, wrong in zip(
        givens,
        [
            -3,
            {"amount": -12.5, "currency": "CNY"},
            1,
            "2024-1-1",
            {"amount": 2, "unit": "days"},
            21,
            None,
        ],
        strict=True,
    ):
        broken = copy.deepcopy(doc)
        broken["contract"]["scenarios"][0]["givens"][givens.index(given)]["value"]["value"] = wrong
        assert _schema_errors(broken) != [], (given["fact"], wrong)


# ---------------------------------------------------------------- the text


def test_text_format() -> None:
    text = _emitted(DEPOSIT)
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert text.startswith('{\n  "format": "clausec-ir",\n  "format_version": 1,\n')
    assert "鸿惠（上海）信息技术服务有限公司" in text  # not \u-escaped
    assert "\\u" not in text
    text.encode("utf-8")


def test_top_level_shape() -> None:
    doc = _doc(DEPOSIT)
    assert list(doc) == ["format", "format_version", "clausec_version", "contract"]
    assert (doc["format"], doc["format_version"], doc["clausec_version"]) == (
        "clausec-ir",
        1,
        VERSION,
    )
    assert (
        json.loads(emit_json(_loaded(DEPOSIT), clausec_version="9.9"))["clausec_version"] == "9.9"
    )


_EMIT_ALL = """
import sys
import clausec
from clausec.backends.json_ir import emit_json
for path in sys.argv[1:]:
    sys.stdout.buffer.write(emit_json(clausec.load(path), clausec_version="x").encode("utf-8"))
"""


def _emit_in_subprocess(seed: str) -> bytes:
    env = dict(os.environ, PYTHONHASHSEED=seed)
    files = [p.relative_to(REPO).as_posix() for p in ALL_FILES]
    result = subprocess.run(
        [sys.executable, "-c", _EMIT_ALL, *files],
        cwd=REPO,
        env=env,
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    return result.stdout


def test_output_is_byte_identical_under_different_hash_seeds() -> None:
    first = _emit_in_subprocess("1")
    second = _emit_in_subprocess("2024")
    assert first.count(b'"format": "clausec-ir"') == len(ALL_FILES)
    assert first == second


def test_keys_follow_the_ir_fields_in_order() -> None:
    """Every field of every node is encoded, in the order of the attrs fields."""
    expected = {
        "contract": _fields(ir.Contract),
        "norms": _fields(ir.Norm),
        "clauses": _fields(ir.Clause),
        "parties": _fields(ir.Party),
        "facts": _fields(ir.Fact),
        "definitions": _fields(ir.Definition),
        "actions": _fields(ir.Action),
        "objects": _fields(ir.Object),
        "imports": _fields(ir.Import),
        "documents": _fields(ir.Document),
        "priorities": _fields(ir.Priority),
        "external_priorities": _fields(ir.ExternalPriority),
        "deadline_extensions": _fields(ir.DeadlineExtension),
        "questions": _fields(ir.Question),
        "scenarios": _fields(ir.Scenario),
    }
    checked: dict[str, int] = dict.fromkeys(expected, 0)
    for path in ALL_FILES:
        contract = _doc(path)["contract"]
        assert list(contract) == expected["contract"]
        checked["contract"] += 1
        for key, fields in expected.items():
            if key == "contract":
                continue
            for item in contract[key]:
                assert list(item) == fields, (path.name, key)
                checked[key] += 1
        for norm in contract["norms"]:
            if norm["deadline"] is not None:
                assert list(norm["deadline"]) == _fields(ir.Deadline)
            if norm["amount"] is not None:
                assert list(norm["amount"]) == _fields(ir.Amount)
            for x in norm["extensions"]:
                assert list(x) == _fields(ir.Extension)
        for clause in contract["clauses"]:
            for ref in clause["refers_to"]:
                assert list(ref) == _fields(ir.ClauseRef)
        for scenario in contract["scenarios"]:
            for e in scenario["expectations"]:
                assert list(e) == _fields(ir.Expectation)
            for g in scenario["givens"]:
                assert list(g) == ["fact", "value"] and list(g["value"]) == ["type", "value"]
    assert all(checked.values()), checked


def test_expression_keys() -> None:
    classes = {
        "const": ir.Const,
        "fact": ir.FactRef,
        "definition": ir.DefRef,
        "today": ir.Today,
        "unary": ir.Unary,
        "binary": ir.Binary,
        "occurred": ir.Occurred,
        "extremum": ir.Extremum,
        "conditional": ir.Conditional,
        "between": ir.Between,
    }
    doc = json.loads(emit_json(_kitchen_sink(), clausec_version=VERSION))
    for obj in _walk([doc, *(_doc(p) for p in ALL_FILES)]):
        if "node" not in obj:
            continue
        own = [f for f in _fields(classes[obj["node"]]) if f not in ("type", "span")]
        assert list(obj) == ["node", "type", *own, "span"], obj["node"]


# ---------------------------------------------------------------- real content


def test_release_norm_of_the_deposit_agreement() -> None:
    norm = _norm(_doc(DEPOSIT), "6.2(1)#1")
    assert (
        norm["modality"],
        norm["party"],
        norm["action"],
        norm["object"],
        norm["beneficiary"],
        norm["otherwise_provided"],
        norm["remedy_of"],
    ) == ("obligation", "platform", "release", "deposit", "merchant", True, None)
    deadline = norm["deadline"]
    assert deadline["kind"] == "within"
    assert deadline["duration"]["node"] == "const"
    assert deadline["duration"]["type"] == {"kind": "duration", "unit_class": "working_days"}
    assert deadline["duration"]["value"] == {"amount": 10, "unit": "working_days"}
    anchor = deadline["anchor"]
    assert (anchor["node"], anchor["op"], anchor["type"]) == ("binary", "+", {"kind": "date"})
    assert (anchor["left"]["node"], anchor["left"]["name"]) == ("fact", "service.stopped")
    assert anchor["right"]["value"] == {"amount": 3, "unit": "months"}
    assert anchor["right"]["type"] == {"kind": "duration", "unit_class": "months"}
    condition = norm["condition"]
    assert (condition["op"], condition["left"]["node"], condition["left"]["name"]) == (
        "and",
        "definition",
        "merchant.clean",
    )
    assert condition["right"]["node"] == "occurred"
    span = _loaded(DEPOSIT).norm("6.2(1)#1").span
    assert norm["span"] == {
        "file": "contracts/soolife/deposit.clause",
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
    }


def test_definitions_and_typed_facts() -> None:
    doc = _doc(DEPOSIT)["contract"]
    short = next(d for d in doc["definitions"] if d["name"] == "deposit.short")
    assert short["type"] == {"kind": "boolean"}
    assert (short["expr"]["op"], short["expr"]["left"]["name"], short["expr"]["right"]["name"]) == (
        "<",
        "deposit.balance",
        "deposit.required",
    )
    assert short["expr"]["left"]["type"] == {"kind": "money", "currency": "CNY"}
    facts = {f["name"]: f for f in doc["facts"]}
    assert facts["force_majeure.duration"]["type"] == {"kind": "duration", "unit_class": "days"}
    assert facts["complaint.consulted"]["kind"] == "event"
    assert facts["service.stopped"]["kind"] == "event"
    assert facts["service.stopped"]["type"] == {"kind": "date"}
    assert doc["incompatible"] == [["deduct", "release"], ["freeze", "release"]]
    loss = _norm(_doc(DEPOSIT), "6.2(4)(e)#1")
    assert loss["amount"]["kind"] == "up_to"
    assert (loss["amount"]["expr"]["node"], loss["amount"]["expr"]["name"]) == (
        "fact",
        "platform.loss",
    )
    positive = loss["condition"]["right"]
    assert (positive["op"], positive["right"]["type"], positive["right"]["value"]) == (
        ">",
        {"kind": "money", "currency": "CNY"},
        {"amount": "0", "currency": "CNY"},
    )


def test_quotes_are_verbatim() -> None:
    contract = _loaded(DEPOSIT)
    source = DEPOSIT.read_text(encoding="utf-8")
    clauses = _doc(DEPOSIT)["contract"]["clauses"]
    assert len(clauses) == len(contract.clauses) > 10
    written = [
        normal_form(q, contract.running_headers) for q in re.findall(r'quote "([^"]*)"', source)
    ]
    for encoded in clauses:
        quote = encoded["quote"]
        assert quote == contract.clause(encoded["number"]).quote
        # The file has no escapes in its quotes: the JSON text is what it says, in normal form.
        assert quote in written, encoded["number"]
    assert clauses[2]["quote"].startswith("乙方未有违反甲方各项规则的行为")
    assert clauses[1]["normative"] is False and clauses[1]["reason"].startswith("States")


def test_scenarios_of_the_deposit_agreement() -> None:
    contract = _loaded(DEPOSIT)
    scenarios = {s["title"]: s for s in _doc(DEPOSIT)["contract"]["scenarios"]}
    assert list(scenarios) == [s.title for s in contract.scenarios]
    first = scenarios["unresolved complaint with bad influence"]
    (ir_first,) = [s for s in contract.scenarios if s.title == first["title"]]
    assert [g["fact"] for g in first["givens"]] == [name for name, _ in ir_first.givens]
    givens = {g["fact"]: g["value"] for g in first["givens"]}
    assert givens["complaint.consulted"] == {"type": {"kind": "date"}, "value": "2025-03-03"}
    assert givens["complaint.resolved"] == {"type": {"kind": "date"}, "value": "never"}
    assert givens["complaint.bad_influence"] == {"type": {"kind": "boolean"}, "value": True}
    assert first["as_of"] == {"type": {"kind": "date"}, "value": "2025-03-20"}
    e = first["expectations"][0]
    assert (e["question"], e["answer"], e["value"]) == ("may_deduct_deposit", "yes", None)
    assert [(r["number"], r["contract"]) for r in e["because"]] == [("6.2(4)(c)", None)]
    clean_exit = next(s for t, s in scenarios.items() if t.startswith("clean exit"))
    assert {
        "fact": "service.stopped",
        "value": {"type": {"kind": "date"}, "value": "2024-10-24"},
    } in clean_exit["givens"]
    deadline = next(e for e in clean_exit["expectations"] if e["question"] == "release_deadline")
    assert (deadline["answer"], deadline["value"]) == (
        "value",
        {"type": {"kind": "date"}, "value": "2025-02-13"},
    )
    unknown = scenarios["stopped trading, end of the agreement not given: 5.11 waits for it"]
    assert (unknown["expectations"][0]["answer"], unknown["expectations"][0]["depending_on"]) == (
        "undetermined",
        ["agreement.ended"],
    )


def test_scenario_values_of_the_examples() -> None:
    doc = _doc(SCENARIOS)["contract"]
    first, no_request = doc["scenarios"][0], doc["scenarios"][1]
    assert first["as_of"] == {"type": {"kind": "date"}, "value": "2024-03-20"}
    assert first["givens"][0] == {
        "fact": "request.channel",
        "value": {"type": {"kind": "enum", "members": ["email", "post"]}, "value": "email"},
    }
    assert first["expectations"][0]["due_by"] == {"type": {"kind": "date"}, "value": "2024-04-15"}
    assert {
        "fact": "request.received",
        "value": {"type": {"kind": "date"}, "value": "never"},
    } in no_request["givens"]
    value_q = next(q for q in doc["questions"] if q["name"] == "image_delete_by")
    assert (value_q["kind"], value_q["party"], value_q["norm_ids"]) == ("value", None, [])
    assert value_q["expr"] == {**value_q["expr"], "node": "definition", "name": "image.delete_by"}
    may = next(q for q in doc["questions"] if q["name"] == "may_refuse")
    assert (may["party"], may["action"], may["object"], may["expr"]) == (
        "company",
        "refuse",
        "information",
        None,
    )
    assert may["norm_ids"] == ["23#1"]


def test_priorities() -> None:
    path = REPO / "docs" / "examples" / "priorities.clause"
    contract = _loaded(path)
    doc = _doc(path)["contract"]
    assert [(p["higher"], p["lower"], p["kind"], p["stated_in"]) for p in doc["priorities"]] == [
        (p.higher, p.lower, p.kind, p.stated_in) for p in contract.priorities
    ]
    assert len(doc["priorities"]) > 0
    ext = next(p for p in doc["external_priorities"] if p["stated_in"] == "13.6(c)")
    assert ext["kind"] == "precedence"
    assert [(r["number"], r["contract"]) for r in ext["higher"]] == [(None, "service_agreement")]
    assert [(r["number"], r["contract"]) for r in ext["lower"]] == [(None, "soolife_terms")]


def test_incompatible_acts() -> None:
    path = REPO / "tests" / "golden" / "checks" / "w0503_incompatible_acts.clause"
    doc = _doc(path)
    assert _schema_errors(doc) == []
    assert doc["contract"]["incompatible_acts"] == [
        [{"action": "deliver", "object": "goods"}, {"action": "terminate", "object": "agreement"}],
        [
            {"action": "deliver", "object": "manuals"},
            {"action": "terminate", "object": "agreement"},
        ],
    ]
    assert doc["contract"]["incompatible"] == []
    broken = copy.deepcopy(doc)
    broken["contract"]["incompatible_acts"][0][1] = {"action": "terminate"}
    assert _schema_errors(broken) != []


def test_decimals_and_money_stay_exact() -> None:
    doc = json.loads(emit_json(_kitchen_sink(), clausec_version=VERSION))["contract"]
    givens = {g["fact"]: g["value"] for g in doc["scenarios"][0]["givens"]}
    # -3 given for a decimal fact: a decimal string like every decimal, not the number -3.
    assert givens["x"] == {"type": {"kind": "decimal"}, "value": "-3"}
    assert givens["m"]["value"] == {"amount": "-12.50", "currency": "CNY"}
    assert givens["k"] == {"type": {"kind": "enum", "members": ["red", "green"]}, "value": "green"}
    assert givens["e"] == {"type": {"kind": "date"}, "value": "never"}
    assert givens["mm"] == {
        "type": {"kind": "duration", "unit_class": "months"},
        "value": {"amount": 2, "unit": "years"},
    }
    assert givens["dd"]["value"] == {"amount": 3, "unit": "weeks"}
    assert givens["t"]["value"] == 'a "b"'
    share = next(d for d in doc["definitions"] if d["name"] == "share")
    assert share["expr"]["right"] == {
        **share["expr"]["right"],
        "type": {"kind": "decimal"},
        "value": "0.05",
    }
    answers = [e["value"] for e in doc["scenarios"][0]["expectations"]]
    assert answers == [
        {"type": {"kind": "date"}, "value": "2024-01-05"},
        {"type": {"kind": "decimal"}, "value": "0.05"},
        {"type": {"kind": "enum", "members": ["red", "green"]}, "value": "red"},
    ]
    (norm,) = doc["norms"]
    assert norm["extensions"][0]["mode"] == "by"
    assert norm["extensions"][0]["amount"]["value"] == {"amount": 5, "unit": "working_days"}
    assert norm["deadline"]["anchor"]["node"] == "extremum"
    assert norm["deadline"]["anchor"]["kind"] == "latest"


QUOTE = 'He said "hi" \\ C:\\dir\nnext </script> \u2028 \u2029 ${x} `y` 质保金'
# The same text as a clause string: \" \\ \n escapes, U+2028 raw and U+2029 as \u{2029}.
QUOTE_LITERAL = (
    '"He said \\"hi\\" \\\\ C:\\\\dir\\nnext </script> \u2028 \\u{2029} ${x} `y` 质保金"'
)


def test_awkward_text_round_trips() -> None:
    result = clausec.compile_text(
        PRELUDE + f'clause "1"\n  quote {QUOTE_LITERAL}\n  gloss {QUOTE_LITERAL}\n'
        "  a must pay fee\n",
        "t.clause",
    )
    assert not result.diagnostics, describe(result)
    contract = result.contract("t")
    # The quote in the normal form of quotes (white space is layout), the gloss as written.
    assert contract.clause("1").quote == normal_form(QUOTE) != QUOTE
    assert contract.clause("1").gloss == QUOTE
    text = emit_json(contract, clausec_version=VERSION)
    text.encode("utf-8")
    doc = json.loads(text)
    assert doc["contract"]["clauses"][0]["quote"] == normal_form(QUOTE)
    assert doc["contract"]["clauses"][0]["gloss"] == QUOTE
    assert _schema_errors(doc) == []


def test_lone_surrogates_are_escaped() -> None:
    """Text that cannot be UTF-8 encoded (only possible in a hand-made IR) is written as escapes."""
    contract = _kitchen_sink()
    clause = attrs.evolve(contract.clauses[0], gloss="lone \ud800 here")
    text = emit_json(attrs.evolve(contract, clauses=(clause,)), clausec_version=VERSION)
    assert '"gloss": "lone \\ud800 here"' in text
    text.encode("utf-8")
    assert json.loads(text)["contract"]["clauses"][0]["gloss"] == "lone \ud800 here"
