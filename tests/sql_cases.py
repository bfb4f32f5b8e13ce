"""Tables of cases for the SQL target's tests, and what the interpreter says of them.

API::

    table_cases(contract, question, n, seed) -> list[TableCase]
        the seeded cases of factgen.fact_cases that fit the typed columns of the question's
        query (values the readers reject, and numbers beyond the SQL column types, are left
        out: a table's column types refuse them before any query runs), each with its row
        (case_id, as_of_date, then the fact columns in q.inputs order, as Python values
        for a DB-API driver) and the interpreter's outcome on the same facts.
    column_value(fact, raw, sql_type) -> object
        a raw fact value as its column holds it; ValueError when the column cannot.
    compare(case, result) -> str | None
        None when a result row (a dict of the query's output columns) says what the
        interpreter said: answer, grounds, facts needed, due date, presumptions relied on,
        value, or the problem of the error; else a description of the difference.

An event's column holds 9999-12-31 for "never"; a case that gives an event that real date is
left out, and a due date of 9999-12-31 compares equal to never (docs/batch.md: the one date
the table cannot tell from never).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal

from clausec.backends.sql import input_columns
from clausec.evaluation.facts import FactError, read_value
from clausec.evaluation.interpreter import EvaluationError, ask
from clausec.ir import nodes as ir
from clausec.ir import types as T
from clausec.plan import lower

from factgen import fact_cases

NEVER = dt.date(9999, 12, 31)
INFINITY = 9_223_372_036_854_775_807  # an infinite duration in a BIGINT column
_LIMITS = {"DECIMAL(38, 12)": Decimal(10) ** 26, "BIGINT": 2**63 - 1}


@dataclass(frozen=True)
class TableCase:
    row: tuple[object, ...]
    facts: dict[str, object]
    as_of: dt.date | None
    outcome: dict[str, object]


def table_cases(
    contract: ir.Contract, question: str, n: int, seed: int, *, presume: bool = True
) -> list[TableCase]:
    (plan,) = [q for q in lower(contract).questions if q.question == question]
    inputs = input_columns(contract, plan)
    facts = {f.name: f for f in contract.facts}
    out = []
    for index, (raw, as_of) in enumerate(fact_cases(contract, n, seed)):
        given = {name: raw[name] for name, _ in inputs if raw.get(name) is not None}
        values = []
        try:
            for name, kind in inputs:
                values.append(column_value(facts[name], raw.get(name), kind))
        except ValueError:
            continue
        day = dt.date.fromisoformat(as_of) if as_of else None
        try:
            outcome: dict[str, object] = {
                "result": ask(contract, question, given, day, presume=presume).to_dict()
            }
        except (FactError, EvaluationError) as exc:
            outcome = {"error": exc.problem}
        out.append(TableCase((index, day, *values), given, day, outcome))
    return out


def column_value(fact: ir.Fact, raw: object, kind: str) -> object:
    """A fact's value in its column; ValueError when the column cannot hold it."""
    if raw is None:
        return None
    try:
        value = read_value(fact, raw)
    except FactError as exc:
        raise ValueError(fact.name) from exc
    if isinstance(fact.type, T.Date):
        if not isinstance(value, dt.date):
            return NEVER
        if fact.kind == "event" and value == NEVER:
            raise ValueError(fact.name)
    if isinstance(fact.type, T.Money | T.DecimalType):
        amount = value.amount if hasattr(value, "amount") else value  # type: ignore[union-attr]
        if abs(amount) >= _LIMITS[kind] or amount != round(amount, 12):
            raise ValueError(fact.name)
        return amount
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > _LIMITS["BIGINT"]:
        raise ValueError(fact.name)
    return value


def compare(case: TableCase, result: dict[str, object]) -> str | None:
    outcome = case.outcome
    if "error" in outcome:
        error = result.get("error")
        got = str(error).split(":")[0] if error is not None else None
        return None if got == outcome["error"] else f"error {outcome['error']!r}, got {result}"
    if result.get("error") is not None:
        return f"no error expected, got {result['error']!r}"
    want = outcome["result"]
    assert isinstance(want, dict)
    expected = {
        "answer": want["answer"],
        "grounds": [g["norm"] for g in want["grounds"]],
        "needed": want["depends_on"],
        "presumed": [p["fact"] for p in want["presumptions"]],
    }
    got = {
        "answer": result["answer"],
        "grounds": json.loads(str(result["grounds"])),
        "needed": json.loads(str(result["needed"])),
        "presumed": json.loads(str(result["presumed"])),
    }
    if "due_date" in result:
        # A due date of 9999-12-31 is SQL's `never` (docs/batch.md, "Limits").
        expected["due"] = "never" if want["due"] == NEVER.isoformat() else want["due"]
        got["due"] = _day(result["due_date"])
    if "value" in result:
        expected["value"] = _plain(want["value"])
        got["value"] = _plain(result["value"])
    if got == expected:
        return None
    return f"expected {expected}, got {got}"


def _day(value: object) -> object:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return "never" if value == NEVER else value.isoformat()
    return value


def _plain(value: object) -> object:
    """A value question's value, as the interpreter's JSON gives it and as SQL does."""
    if isinstance(value, dict) and "amount" in value:  # money, or a duration in base units
        infinite = {"infinite": INFINITY, "-infinite": -INFINITY}
        return Decimal(infinite.get(str(value["amount"]), str(value["amount"])))
    number = isinstance(value, int) and not isinstance(value, bool)
    if number or isinstance(value, Decimal | float):
        return Decimal(str(value))
    if isinstance(value, dt.date):
        return _day(value)
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
        return value
    return value
