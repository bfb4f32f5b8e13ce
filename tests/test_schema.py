"""JSON Schema of fact sets and results (clausec.backends.schema, `clausec emit --target
schema`): valid draft 2020-12 schemas; every result the interpreter gives validates against
its question's result schema; every fact set the evaluators accept validates against its
question's facts schema, and a refused one is refused by the schema for the same fact
(except a bound of a fact given as text, which a schema cannot compare)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

import clausec
from clausec.backends.schema import contract_schema, definition, emit_schema
from clausec.driver import compile_text
from clausec.evaluation.facts import FactError, read_facts
from clausec.evaluation.interpreter import ask
from clausec.evaluation.values import EvaluationError
from clausec.ir import nodes as ir

from conftest import PRELUDE, SHIPPED, run_cli
from factgen import fact_cases

VERSION = clausec.__version__


@cache
def _loaded(path: Path) -> tuple[ir.Contract, dict[str, Any]]:
    contract = clausec.load(path)
    return contract, contract_schema(contract, clausec_version=VERSION)


def _validator(document: dict[str, Any], name: str) -> Draft202012Validator:
    return Draft202012Validator(definition(document, name))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_schemas_are_valid_and_deterministic(path: Path) -> None:
    contract, document = _loaded(path)
    Draft202012Validator.check_schema(document)
    text = emit_schema(contract, clausec_version=VERSION)
    assert text == emit_schema(clausec.load(path), clausec_version=VERSION)
    assert json.loads(text) == document


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_results_and_fact_sets_match_the_interpreter(path: Path) -> None:
    contract, document = _loaded(path)
    cases = fact_cases(contract, 30, seed=20)
    # A name that is not a fact: every question refuses it, naming it.
    cases += [({**facts, "no.such_fact": True}, as_of) for facts, as_of in cases[:2]]
    results = refused = 0
    for q in contract.questions:
        facts_schema = _validator(document, f"facts.{q.name}")
        result_schema = _validator(document, f"result.{q.name}")
        for facts, as_of in cases:
            named = _named(facts_schema, facts)
            try:
                answer = ask(contract, q.name, facts, as_of)
            except FactError as exc:
                refused += 1
                if named:
                    assert named[0] == exc.fact, (q.name, facts, exc)
                else:  # only a bound of a fact given as text escapes the schema
                    assert exc.problem == "out_of_bounds", (q.name, facts, exc)
                    assert isinstance(exc.given, (str, dict)), (q.name, facts, exc)
                continue
            except EvaluationError:
                assert not named, (q.name, facts, named)
                continue
            assert not named, (q.name, facts, named)
            errors = list(result_schema.iter_errors(answer.to_dict()))
            assert not errors, (q.name, facts, [e.message for e in errors[:3]])
            results += 1
    assert results and refused  # both sides were exercised


def _named(schema: Draft202012Validator, facts: dict[str, object]) -> list[str]:
    """The facts a fact set's schema errors name, sorted: a wrong value's fact, or a name
    that is not a fact of the contract."""
    named = set()
    for error in schema.iter_errors(facts):
        if error.path:
            named.add(str(error.path[0]))
        elif error.validator == "additionalProperties":
            assert isinstance(error.schema, dict)
            named.update(set(facts) - set(error.schema["properties"]))
    return sorted(named)


# One contract with a fact of each type (and bounds), to compare the schema with the
# evaluators' reading value by value.
_TYPES = (
    PRELUDE
    + "fact lo : integer at least 2 at most 9\n"
    + "fact amt : money CNY at least 0 CNY\n"
    + "fact wait : duration in days at least 1 day\n"
    + 'question q "q": value of f\n'
)

_EDGES: dict[str, list[object]] = {
    "f": [True, False, "true", "false", "True", 1, 0, None, "yes"],
    "n": [5, -5, 5.0, 5.5, "5", "+5", "-5", " 5", "5\n", "5.0", "1e3", "", 10**40, 10**40 - 1],
    "lo": [2, 9, 1, 10, "1", "5", 3.0],
    "x": [1, 1.5, "1.5", ".5", "5.", "-.5", "+1", "1e3", "1.2.3", "1.5\n", " 1", [], {}],
    "m": [
        "100.50 CNY",
        " 100.50\tCNY\n",
        "100.50 EUR",
        "100.50CNY",
        "100,50 CNY",
        "CNY 100",
        {"amount": "100.50", "currency": "CNY"},
        {"amount": "100.50", "currency": "EUR"},
        {"amount": 100, "currency": "CNY"},
        {"amount": "100", "currency": "CNY", "note": "x"},
        {"amount": "100"},
        100,
        "100",
    ],
    "amt": ["-1 CNY", "0 CNY", {"amount": "-1", "currency": "CNY"}],
    "d": [
        "2024-02-29",
        "2023-02-29",
        "2000-02-29",
        "1900-02-29",
        "2025-04-31",
        "2025-12-31",
        "0000-01-01",
        "0001-01-01",
        "9999-12-31",
        "2025-1-1",
        "2025-01-01\n",
        "never",
        20250101,
    ],
    "e": ["never", "2025-01-01", "Never"],
    "dd": [3, "3", "3 days", "1 week", "2 weeks", " 3  days ", "3 working days", "3 months", "3"],
    "wd": ["3 working days", "3 working  days", "1 working day", "3 days", 3],
    "mm": ["2 months", "1 year", "3 years", "2 days", 2, "2 month"],
    "wait": [0, 1, "0 days", 2.0],
    "t": ["", "any text", 5, None],
    "k": ["red", "green", "blue", "Red", 1],
}


@cache
def _types() -> tuple[ir.Contract, dict[str, Any]]:
    result = compile_text(_TYPES)
    assert result.ok, result.diagnostics
    (contract,) = result.contracts
    return contract, contract_schema(contract, clausec_version=VERSION)


@cache
def _fact_validator(name: str) -> Draft202012Validator:
    return _validator(_types()[1], f"fact.{name}")


def _agree(name: str, value: object) -> None:
    contract, _ = _types()
    schema = _fact_validator(name)
    try:
        read_facts(contract, {name: value})
        accepted = True
    except FactError as exc:
        accepted = False
        problem = exc.problem
    valid = schema.is_valid(value)
    if accepted or valid:
        # A bound of a text form is the evaluators' alone.
        assert valid == accepted or (problem == "out_of_bounds" and not accepted), (name, value)


@pytest.mark.parametrize(
    ("name", "value"), [(n, v) for n, values in _EDGES.items() for v in values], ids=repr
)
def test_edge_values_agree(name: str, value: object) -> None:
    _agree(name, value)


_PIECES = ["0", "1", "9", "2024", "02", "29", "-", "+", ".", " ", "\t", "\n", "CNY", "EUR"]
_WORDS = ["day", "days", "week", "working days", "month", "years", "never", "e"]


@given(st.lists(st.sampled_from(_PIECES + _WORDS), max_size=6).map("".join))
def test_texts_agree(text: str) -> None:
    for name in ("n", "x", "m", "d", "e", "dd", "wd", "mm", "lo", "amt"):
        _agree(name, text)


# A JSON number cannot say whether it was written as an integer (the evaluators refuse an
# integral float of 2**53 or more, a value that floats do not hold exactly), and a fraction of
# more than 40 digits is refused by the evaluators only: the schema's docstring says so.
# A float's shortest repr has up to 17 significant digits: below 1e-23 its decimal fraction
# can pass 40 digits.
_FLOATS = st.floats(
    min_value=-(2.0**53), max_value=2.0**53, exclude_min=True, exclude_max=True
).filter(lambda x: x == 0 or abs(x) >= 1e-23)


@given(st.one_of(st.integers(), _FLOATS))
def test_numbers_agree(number: float) -> None:
    for name in ("n", "x", "dd", "lo", "wait"):
        _agree(name, number)


def test_emit_target_schema(tmp_path: Path) -> None:
    path = SHIPPED[0]
    done = run_cli(["emit", str(path), "--target", "schema", "-o", str(tmp_path)])
    assert done.returncode == 0, done.stderr
    contract, _ = _loaded(path)
    assert [p.name for p in tmp_path.iterdir()] == [f"{contract.id}.schema.json"]
    text = (tmp_path / f"{contract.id}.schema.json").read_text(encoding="utf-8")
    assert text == emit_schema(contract, clausec_version=VERSION)
