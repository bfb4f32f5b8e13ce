"""Answers to questions, and their stable JSON shape (docs/semantics.md, "Results").

Generated evaluators return results whose ``to_dict()`` is identical to
``Answer.to_dict()`` for the same input: the differential tests compare the two."""

from __future__ import annotations

import datetime as dt
import json

import attrs

ANSWER_WORDS = {
    "yes": "yes",
    "no": "no",
    "obliged": "obliged",
    "not_obliged": "not obliged",
    "undetermined": "undetermined",
    "immediately": "immediately",
    "without_undue_delay": "without undue delay",
    "none": "no deadline",
    "all": "all of it",
    "part": "a part (not quantified)",
    "unspecified": "an amount the clauses do not state",
}


@attrs.frozen
class Ground:
    """A norm that grounds the answer, with the clause text and the facts it read."""

    norm: str
    clause: str
    modality: str
    quote: str | None
    gloss: str | None
    facts: dict[str, object]
    deadline: dict[str, object] | None
    amount: dict[str, object] | None = None
    forms: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "norm": self.norm,
            "clause": self.clause,
            "modality": self.modality,
            "quote": self.quote,
            "gloss": self.gloss,
            "facts": dict(self.facts),
            "deadline": dict(self.deadline) if self.deadline is not None else None,
            "amount": dict(self.amount) if self.amount is not None else None,
            "forms": list(self.forms),
        }


@attrs.frozen
class Overrider:
    norm: str
    clause: str
    stated_in: str

    def to_dict(self) -> dict[str, object]:
        return {"norm": self.norm, "clause": self.clause, "stated_in": self.stated_in}


@attrs.frozen
class Override:
    """A norm that applies but yields to the norms ``by``."""

    norm: str
    clause: str
    by: tuple[Overrider, ...]

    def to_dict(self) -> dict[str, object]:
        return {"norm": self.norm, "clause": self.clause, "by": [b.to_dict() for b in self.by]}


# Why an answer is not positive (docs/semantics.md, "Reasons").
REASON_STATUSES = (
    "prohibits",  # an effective prohibition decides "no"
    "overridden",  # the norm applies but yields to the norms ``by``
    "condition_false",  # a part of the norm's condition (or of the value asked) is false
    "exception_applies",  # one of the norm's exceptions holds
    "not_breached",  # a remedy, and the duty whose breach it follows is not breached
    "no_provision",  # no clause provides for what is asked
    "lapsed",  # a right to be used within a period, not used: the period ended on ``date``
    "ended",  # a right ``until`` a date that has passed: it ended on ``date``
)


@attrs.frozen
class Reason:
    """Why the answer is not "yes" (or "obliged", a deadline, true): a norm that could have
    made it so and why it did not, the prohibition that decides it, or that nothing provides
    for it. ``condition`` is the part of the condition (or the exception) that decided, in
    words, and ``facts`` the given facts it read; ``norm`` is None for a value question's
    own expression and for ``no_provision``."""

    status: str
    norm: str | None
    clause: str | None
    modality: str | None
    quote: str | None
    condition: str | None
    facts: dict[str, object]
    by: tuple[Overrider, ...]
    duty: str | None
    date: str | None = None  # lapsed, ended: the last day the right could be used

    def to_dict(self) -> dict[str, object]:
        return {
            "status": self.status,
            "norm": self.norm,
            "clause": self.clause,
            "modality": self.modality,
            "quote": self.quote,
            "condition": self.condition,
            "facts": dict(self.facts),
            "by": [b.to_dict() for b in self.by],
            "duty": self.duty,
            "date": self.date,
        }


@attrs.frozen
class Presumed:
    """A presumption the answer relied on: ``fact`` was not given and was taken to be
    ``value`` (in the output form of values) because of ``reason``, resting on the clauses
    ``rests_on``."""

    fact: str
    value: object
    reason: str
    rests_on: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "fact": self.fact,
            "value": self.value,
            "reason": self.reason,
            "rests_on": list(self.rests_on),
        }


@attrs.frozen
class Answer:
    contract: str
    question: str
    kind: str
    answer: str
    value: object
    due: str | None
    as_of: str | None  # the evaluation date (ISO); None: evaluated without one
    grounds: tuple[Ground, ...]
    overridden: tuple[Override, ...]
    reasons: tuple[Reason, ...]
    depends_on: tuple[str, ...]
    warnings: tuple[str, ...]
    presumptions: tuple[Presumed, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "contract": self.contract,
            "question": self.question,
            "kind": self.kind,
            "answer": self.answer,
            "value": self.value,
            "due": self.due,
            "as_of": self.as_of,
            "grounds": [g.to_dict() for g in self.grounds],
            "overridden": [o.to_dict() for o in self.overridden],
            "reasons": [r.to_dict() for r in self.reasons],
            "presumptions": [p.to_dict() for p in self.presumptions],
            "depends_on": list(self.depends_on),
            "warnings": list(self.warnings),
        }


def render_json(result: dict[str, object]) -> str:
    return json.dumps(result, ensure_ascii=False, indent=2) + "\n"


def render_text(result: dict[str, object]) -> str:
    """A reader's view of a result dict (from the interpreter or a generated evaluator)."""
    answer = str(result["answer"])
    lines = []
    grounds = _dicts(result["grounds"])
    if answer == "date":
        head = _due_text(result["due"], grounds, joined=False)
    elif answer == "value":
        head = _value_text(result["value"])
    elif answer == "none" and result.get("kind") == "amount":
        head = "none (not permitted)"
    else:
        head = ANSWER_WORDS.get(answer, answer)
        if result.get("due") and answer in ("yes", "obliged"):
            head += f", {_due_text(result['due'], grounds)}"
        ran_out = _dicts(result.get("reasons", []))
        if ran_out and all(r["status"] in ("lapsed", "ended") for r in ran_out):
            # Every right that could have said yes has run out: say when, as a lawyer would.
            head += " — " + "; ".join(
                dict.fromkeys(f"{r['status']} on {r['date']}" for r in ran_out)
            )
    lines.append(f"{result['question']}: {head}")
    lines.append(_as_of_line(result.get("as_of")))
    lines += _presumption_lines(_dicts(result.get("presumptions", [])))
    for g in grounds:
        lines.append(f"  because clause {g['clause']} ({g['norm']}, {g['modality']})")
        if g.get("quote"):
            lines.append(f"    “{g['quote']}”")
        facts = g.get("facts") or {}
        assert isinstance(facts, dict)
        if facts:
            lines.append(
                "    with " + ", ".join(f"{k} = {_value_text(v)}" for k, v in facts.items())
            )
        amount = g.get("amount")
        if isinstance(amount, dict):
            lines.append(f"    amount: {_amount_text(amount)}")
        forms = g.get("forms") or []
        assert isinstance(forms, list)
        if forms:
            lines.append(f"    in {' or '.join(str(f).replace('_', ' ') for f in forms)}")
        deadline = g.get("deadline")
        if isinstance(deadline, dict) and deadline.get("due"):
            kind = str(deadline["kind"])
            due = _due_text(deadline["due"], [g], joined=False)
            lines.append(
                f"    deadline: {due}"
                if kind == "until"
                else f"    deadline: {kind.replace('_', ' ')}, {due}"
            )
            for x in _dicts(deadline.get("extended", [])):
                lines += _extension_lines(x)
            moved = deadline.get("moved")
            if isinstance(moved, dict):
                lines.append(
                    f"    {moved['from']} is {moved['reason']}: moved to {deadline['due']}"
                )
    for o in _dicts(result["overridden"]):
        by = ", ".join(
            f"clause {b['clause']} ({b['norm']}; priority stated in {b['stated_in']})"
            for b in _dicts(o["by"])
        )
        lines.append(f"  overridden: clause {o['clause']} ({o['norm']}) yields to {by}")
    listed = {o["norm"] for o in _dicts(result["overridden"])}
    for r in _dicts(result.get("reasons", [])):
        if not (r["status"] == "overridden" and r["norm"] in listed):  # said just above
            lines += _reason_lines(r)
    depends = result.get("depends_on") or []
    assert isinstance(depends, list)
    if depends:
        lines.append("  depends on: " + ", ".join(map(str, depends)))
    warnings = result.get("warnings") or []
    assert isinstance(warnings, list)
    for w in warnings:
        lines.append(f"  warning: {w}")
    return "\n".join(lines) + "\n"


def render_next(ranked: list[dict[str, object]]) -> str:
    """What to ask next, for the text view: each fact with the values that decide alone."""
    if not ranked:
        return ""
    lines = ["  ask next:"]
    for entry in ranked:
        decides = _dicts(entry["decides"])
        what = ", ".join(
            f"{_value_text(d['value'])} gives {_answer_text(d['answer'])}" for d in decides
        )
        lines.append(f"    {entry['fact']}: {what or 'no value decides it alone'}")
    return "\n".join(lines) + "\n"


def _due_text(due: object, grounds: list[dict[str, object]], joined: bool = True) -> str:
    """A due date in words: ``due by DATE``, or ``until DATE`` when the grounds with that
    date say how long something lasts; a period whose event has not happened (due
    ``never``) has no date yet (``with no due date yet (…)`` after an answer, ``joined``;
    ``no due date yet (…)`` on its own)."""
    kinds = {
        str(d["kind"])
        for g in grounds
        if isinstance(d := g.get("deadline"), dict) and d.get("due") == due
    }
    lasting = bool(kinds) and kinds <= {"until"}
    if due == "never":
        text = (
            "no end date yet (the event that ends it has not happened)"
            if lasting
            else "no due date yet (the event it runs from has not happened)"
        )
        return f"with {text}" if joined else text
    return f"until {due}" if lasting else f"due by {due}"


def _extension_lines(x: dict[str, object]) -> list[str]:
    """An extension that moved a ground's due date, and the given facts it read."""
    total = " in total" if x["mode"] == "to" else ""
    lines = [
        f"    extended {x['mode']} {_value_text(x['amount'])}{total} under clause {x['clause']}"
    ]
    facts = x.get("facts") or {}
    assert isinstance(facts, dict)
    if facts:
        lines.append("      with " + ", ".join(f"{k} = {_value_text(v)}" for k, v in facts.items()))
    return lines


def _as_of_line(as_of: object) -> str:
    """The evaluation date, marked when it is today's (the default of every evaluator)."""
    if as_of is None:
        return "  as of: no date (every date given counts as past)"
    today = " (today)" if as_of == dt.date.today().isoformat() else ""
    return f"  as of {as_of}{today}"


def _amount_text(amount: dict[str, object]) -> str:
    """``all``, ``part``, ``part or all``, ``up to 5000 CNY``, ``exactly 10000 CNY`` (or the
    kind alone when its value is unknown)."""
    kind = str(amount["kind"]).replace("_", " ")
    value = amount.get("value")
    if value is None:
        return f"{kind} (an amount not known)" if amount["kind"] in ("up_to", "exactly") else kind
    return f"{kind} {_value_text(value)}"


def _answer_text(answer: object) -> str:
    if isinstance(answer, str) and answer in ANSWER_WORDS:
        return ANSWER_WORDS[answer]
    return _value_text(answer)


def _presumption_lines(presumptions: list[dict[str, object]]) -> list[str]:
    """The presumptions relied on, those with the same reason together (many facts often
    rest on one rule, such as a burden of proof)."""
    by_reason: dict[str, list[dict[str, object]]] = {}
    for p in presumptions:
        by_reason.setdefault(str(p["reason"]), []).append(p)
    lines = []
    for reason, group in by_reason.items():
        facts = ", ".join(f"{p['fact']} = {_value_text(p['value'])}" for p in group)
        clauses = list(dict.fromkeys(str(c) for p in group for c in _dicts(p["rests_on"])))
        per = f" (clause {', '.join(clauses)})" if clauses else ""
        lines += [f"  assuming {facts}", f"    presumed: {reason}{per}"]
    return lines


def _reason_lines(r: dict[str, object]) -> list[str]:
    status = r["status"]
    if status == "prohibits":  # the grounds name it ("because clause …")
        return []
    if status == "no_provision":
        return ["  no clause provides for this"]
    if r["norm"] is None:
        lines = [f"  because false: {r['condition']}"]
    else:
        head = f"  not: clause {r['clause']} ({r['norm']}, {r['modality']})"
        if status == "overridden":
            by = ", ".join(
                f"clause {b['clause']} ({b['norm']}; priority stated in {b['stated_in']})"
                for b in _dicts(r["by"])
            )
            lines = [f"{head} applies but yields to {by}"]
        elif status == "condition_false":
            lines = [f"{head}: condition not met: {r['condition']}"]
        elif status == "exception_applies":
            lines = [f"{head}: exception applies: {r['condition']}"]
        elif status in ("lapsed", "ended"):
            lines = [f"{head}: {status} on {r['date']}"]
        else:
            lines = [f"{head}: the duty it remedies, {r['duty']}, is not breached"]
    facts = r.get("facts") or {}
    assert isinstance(facts, dict)
    if facts:
        lines.append("    with " + ", ".join(f"{k} = {_value_text(v)}" for k, v in facts.items()))
    return lines


def _dicts(items: object) -> list[dict[str, object]]:
    assert isinstance(items, list)
    return items


def _value_text(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dict):
        if "currency" in v:
            return f"{v['amount']} {v['currency']}"
        if "unit" in v:
            return f"{v['amount']} {str(v['unit']).replace('_', ' ')}"
    return str(v)
