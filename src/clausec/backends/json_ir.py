"""The JSON backend: the normalized IR of one contract as JSON (``clausec emit --target json``).

The output is described by ``docs/ir.schema.json`` and documented in docs/ir.md. It is
deterministic: every object is built here with its keys in a fixed order (the order of the
fields of the IR node, as listed in docs/ir.md), every list keeps the order of the IR, and
nothing depends on hashing, so the same contract gives byte-identical text on every run.

Encoding rules:

* every node becomes an object with one key per field, in field order, ending in ``span``;
  ``None`` becomes ``null`` and tuples become arrays;
* types use :func:`clausec.ir.types.to_json`;
* a value is never written alone, since its JSON form alone cannot be decoded (dates, texts,
  enumeration members and ``never`` are all strings): it is written as a *typed value*
  ``{"type": TYPE, "value": clausec.ir.values.to_json(v)}`` — scenario givens, ``as of``
  dates, expected answers and due dates;
* an expression is an object tagged by ``node`` (``const``, ``fact``, ``definition``,
  ``today``, ``unary``, ``binary``, ``occurred``, ``extremum``) followed by ``type``, the
  node's own fields and ``span``; a ``const`` carries its ``value`` beside its ``type``;
* decimals (and money amounts) are strings, so they stay exact.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from decimal import Decimal

from clausec.ir import nodes as ir
from clausec.ir import types as T
from clausec.ir import values as V
from clausec.source import Span

FORMAT = "clausec-ir"
FORMAT_VERSION = 1

JSONObject = dict[str, object]

_EXPR_TAGS: dict[type, str] = {
    ir.Const: "const",
    ir.FactRef: "fact",
    ir.DefRef: "definition",
    ir.Today: "today",
    ir.Unary: "unary",
    ir.Binary: "binary",
    ir.Occurred: "occurred",
    ir.Extremum: "extremum",
    ir.Conditional: "conditional",
    ir.Between: "between",
}
# Code points that cannot be encoded in UTF-8 (lone surrogates, only possible in text handed
# to compile_text as a Python string): written as JSON escapes so that the text stays UTF-8-safe.
_SURROGATE = re.compile("[\ud800-\udfff]")


def emit_json(contract: ir.Contract, *, clausec_version: str) -> str:
    """The IR of ``contract`` as JSON text (indent 2, non-ASCII kept, ending in a newline)."""
    document: JSONObject = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "clausec_version": clausec_version,
        "contract": _Encoder(contract).contract(),
    }
    text = json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False)
    text = _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text + "\n"


def _span(span: Span) -> JSONObject:
    return span.to_dict()


def _value(value: V.Value, t: T.Type) -> object:
    """``values.to_json``, with a whole number of a decimal type written as a decimal string.

    (The front end keeps ``-3`` given for a decimal fact as the int -3; its type says decimal,
    so it is written as "-3", the form every decimal takes.)"""
    if isinstance(t, T.DecimalType) and isinstance(value, int) and not isinstance(value, bool):
        value = Decimal(value)
    return V.to_json(value)


def _typed(value: V.Value, t: T.Type) -> JSONObject:
    return {"type": T.to_json(t), "value": _value(value, t)}


def _expr(e: ir.Expr) -> JSONObject:
    """One expression as a tagged object: ``node``, ``type``, the node's fields, ``span``."""
    return expression(e, constant=_value, spans=True)


def expression(
    e: ir.Expr, *, constant: Callable[[V.Value, T.Type], object], spans: bool
) -> JSONObject:
    """An expression tree as tagged objects (``node``, ``type``, the node's fields, and
    ``span`` if ``spans``); ``constant`` encodes a constant's value given its type. The
    JavaScript backend embeds expressions in this shape with its own constant encoding."""

    def encode(x: ir.Expr) -> JSONObject:
        out: JSONObject = {"node": _EXPR_TAGS[type(x)], "type": T.to_json(x.type)}
        match x:
            case ir.Const():
                out["value"] = constant(x.value, x.type)
            case ir.FactRef() | ir.DefRef():
                out["name"] = x.name
            case ir.Unary():
                out["op"] = x.op
                out["operand"] = encode(x.operand)
            case ir.Binary():
                out["op"] = x.op
                out["left"] = encode(x.left)
                out["right"] = encode(x.right)
            case ir.Occurred():
                out["operand"] = encode(x.operand)
            case ir.Extremum():
                out["kind"] = x.kind
                out["args"] = [encode(a) for a in x.args]
            case ir.Conditional():
                out["condition"] = encode(x.condition)
                out["then"] = encode(x.then)
                out["otherwise"] = encode(x.otherwise)
            case ir.Between():
                out["unit_class"] = x.unit_class
                out["start"] = encode(x.start)
                out["end"] = encode(x.end)
        if spans:
            out["span"] = _span(x.span)
        return out

    return encode(e)


def _opt_expr(e: ir.Expr | None) -> JSONObject | None:
    return None if e is None else _expr(e)


def _ref(r: ir.ClauseRef) -> JSONObject:
    return {
        "number": r.number,
        "contract": r.contract,
        "span": _span(r.span),
        "about": list(r.about),
    }


def _refs(refs: tuple[ir.ClauseRef, ...]) -> list[JSONObject]:
    return [_ref(r) for r in refs]


class _Encoder:
    """Encodes one contract; knows its facts and questions to type the values of scenarios."""

    def __init__(self, contract: ir.Contract) -> None:
        self.c = contract
        self.fact_types = {f.name: f.type for f in contract.facts}
        self.questions = {q.name: q for q in contract.questions}

    def contract(self) -> JSONObject:
        c = self.c
        return {
            "id": c.id,
            "title": c.title,
            "source_document": c.source_document,
            "language": c.language,
            "calendar": c.calendar,
            "file": c.file,
            "source_sha256": c.source_sha256,
            "parties": [
                {"name": p.name, "role": p.role, "legal_name": p.legal_name, "span": _span(p.span)}
                for p in c.parties
            ],
            "facts": [
                {
                    "name": f.name,
                    "type": T.to_json(f.type),
                    "kind": f.kind,
                    "description": f.description,
                    "span": _span(f.span),
                    "presumption": None
                    if f.presumption is None
                    else {
                        "value": _typed(f.presumption.value, f.type),
                        "reason": f.presumption.reason,
                        "rests_on": _refs(f.presumption.rests_on),
                        "span": _span(f.presumption.span),
                    },
                    "minimum": None if f.minimum is None else _typed(f.minimum, f.type),
                    "maximum": None if f.maximum is None else _typed(f.maximum, f.type),
                }
                for f in c.facts
            ],
            "definitions": [
                {
                    "name": d.name,
                    "type": T.to_json(d.type),
                    "expr": _expr(d.expr),
                    "description": d.description,
                    "span": _span(d.span),
                }
                for d in c.definitions
            ],
            "actions": [
                {"name": a.name, "description": a.description, "span": _span(a.span)}
                for a in c.actions
            ],
            "objects": [
                {
                    "name": o.name,
                    "type": None if o.type is None else T.to_json(o.type),
                    "description": o.description,
                    "span": _span(o.span),
                }
                for o in c.objects
            ],
            "incompatible": [list(group) for group in c.incompatible],
            "imports": [
                {"contract": i.contract, "path": i.path, "span": _span(i.span)} for i in c.imports
            ],
            "documents": [
                {"name": d.name, "title": d.title, "span": _span(d.span)} for d in c.documents
            ],
            "clauses": [self.clause(cl) for cl in c.clauses],
            "norms": [self.norm(n) for n in c.norms],
            "priorities": [
                {
                    "higher": p.higher,
                    "lower": p.lower,
                    "kind": p.kind,
                    "stated_in": p.stated_in,
                    "span": _span(p.span),
                }
                for p in c.priorities
            ],
            "external_priorities": [
                {
                    "higher": _refs(p.higher),
                    "lower": _refs(p.lower),
                    "kind": p.kind,
                    "stated_in": p.stated_in,
                    "span": _span(p.span),
                }
                for p in c.external_priorities
            ],
            "deadline_extensions": [
                {
                    "amount": _expr(x.amount),
                    "condition": _opt_expr(x.condition),
                    "stated_in": x.stated_in,
                    "span": _span(x.span),
                }
                for x in c.deadline_extensions
            ],
            "questions": [self.question(q) for q in c.questions],
            "scenarios": [self.scenario(s) for s in c.scenarios],
            "span": _span(c.span),
            "accepts": [
                {"code": a.code, "reason": a.reason, "clause": a.clause, "span": _span(a.span)}
                for a in c.accepts
            ],
            "incompatible_acts": [
                [{"action": a.action, "object": a.object} for a in group]
                for group in c.incompatible_acts
            ],
            "periods_end_on_working_days": c.periods_end_on_working_days,
            "running_headers": list(c.running_headers),
        }

    def clause(self, cl: ir.Clause) -> JSONObject:
        return {
            "number": cl.number,
            "normative": cl.normative,
            "quote": cl.quote,
            "gloss": cl.gloss,
            "reason": cl.reason,
            "refers_to": _refs(cl.refers_to),
            "norm_ids": list(cl.norm_ids),
            "span": _span(cl.span),
            "quote_span": _span(cl.quote_span) if cl.quote_span is not None else None,
        }

    def norm(self, n: ir.Norm) -> JSONObject:
        amount: JSONObject | None = None
        if n.amount is not None:
            amount = {
                "kind": n.amount.kind,
                "expr": _opt_expr(n.amount.expr),
                "span": _span(n.amount.span),
            }
        deadline: JSONObject | None = None
        if n.deadline is not None:
            d = n.deadline
            deadline = {
                "kind": d.kind,
                "duration": _opt_expr(d.duration),
                "anchor": _opt_expr(d.anchor),
                "days": list(d.days),
                "unit": d.unit,
                "span": _span(d.span),
                "ends_on_working_day": d.ends_on_working_day,
            }
        return {
            "id": n.id,
            "clause": n.clause,
            "modality": n.modality,
            "party": n.party,
            "action": n.action,
            "object": n.object,
            "beneficiary": n.beneficiary,
            "amount": amount,
            "condition": _expr(n.condition),
            "exceptions": [_expr(e) for e in n.exceptions],
            "deadline": deadline,
            "extensions": [
                {
                    "mode": x.mode,
                    "amount": _expr(x.amount),
                    "condition": _opt_expr(x.condition),
                    "span": _span(x.span),
                }
                for x in n.extensions
            ],
            "forms": list(n.forms),
            "performed_on": n.performed_on,
            "breach": _opt_expr(n.breach),
            "remedy_of": n.remedy_of,
            "otherwise_provided": n.otherwise_provided,
            "span": _span(n.span),
        }

    def question(self, q: ir.Question) -> JSONObject:
        return {
            "name": q.name,
            "description": q.description,
            "kind": q.kind,
            "party": q.party,
            "action": q.action,
            "object": q.object,
            "expr": _opt_expr(q.expr),
            "norm_ids": list(q.norm_ids),
            "span": _span(q.span),
            "amount_type": None if q.amount_type is None else T.to_json(q.amount_type),
        }

    def scenario(self, s: ir.Scenario) -> JSONObject:
        givens: list[JSONObject] = []
        for name, value in s.givens:
            if name not in self.fact_types:
                raise ValueError(
                    f"scenario {s.title!r} gives `{name}`, which is not a fact "
                    f"of contract {self.c.id!r}"
                )
            givens.append({"fact": name, "value": _typed(value, self.fact_types[name])})
        return {
            "title": s.title,
            "givens": givens,
            "as_of": None if s.as_of is None else _typed(s.as_of, T.DATE),
            "expectations": [self.expectation(e) for e in s.expectations],
            "span": _span(s.span),
        }

    def expectation(self, e: ir.Expectation) -> JSONObject:
        value: JSONObject | None = None
        if e.value is not None:
            value = _typed(e.value, self._answer_type(e.question))
        return {
            "question": e.question,
            "answer": e.answer,
            "value": value,
            "because": _refs(e.because),
            "overriding": _refs(e.overriding),
            "depending_on": list(e.depending_on),
            "due_by": None if e.due_by is None else _typed(e.due_by, T.DATE),
            "span": _span(e.span),
            "assuming": list(e.assuming),
        }

    def _answer_type(self, name: str) -> T.Type:
        """The type of a value answer: a date for a deadline question, the amounts' for an
        amount question, else the expression's."""
        q = self.questions.get(name)
        if q is None:
            raise ValueError(
                f"an expectation answers `{name}`, which is not a question of "
                f"contract {self.c.id!r}"
            )
        if q.kind == "deadline":
            return T.DATE
        if q.kind == "amount" and q.amount_type is not None:
            return q.amount_type
        if q.expr is None:
            raise ValueError(f"question `{name}` ({q.kind}) takes no value as its answer")
        return q.expr.type
