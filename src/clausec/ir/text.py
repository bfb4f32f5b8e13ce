"""The IR in words, for people: short renderings of expressions and deadlines in the reasons
of answers, and plain sentences for norms ("platform may deduct part or all of deposit"),
shared by the site and the graphs so that each is worded in one place (not meant to be parsed
back)."""

from __future__ import annotations

from clausec.ir import nodes as ir
from clausec.ir import types as t
from clausec.ir.values import Value


def deadline_text(d: ir.Deadline) -> str:
    """The deadline in words, e.g. ``within 10 working days after service.stopped + 3 months``."""
    kind = d.kind.replace("_", " ")
    if d.kind == "monthly":
        return (
            "monthly on day "
            + ", ".join(map(str, d.days))
            + (f" after {brief(d.anchor)}" if d.anchor is not None else "")
        )
    if d.kind == "at_least_once_every":
        return f"{kind} {(d.unit or '').replace('_', ' ')}"
    parts = [kind if d.kind != "at_least_before" else "at least"]
    if d.duration is not None:
        parts.append(brief(d.duration))
    if d.anchor is not None:
        parts.append(
            {"within": "after", "at_least_before": "before"}.get(d.kind, "")
            + (" " if d.kind in ("within", "at_least_before") else "")
            + brief(d.anchor)
        )
    return " ".join(p for p in parts if p)


def brief(e: ir.Expr) -> str:
    """A short rendering of an expression for labels (not meant to be parsed back)."""
    match e:
        case ir.Const():
            return str(e.value)
        case ir.FactRef() | ir.DefRef():
            return e.name
        case ir.Today():
            return "today"
        case ir.Unary():
            return ("not " if e.op == "not" else "-") + _operand(e.operand)
        case ir.Binary():
            return f"{_operand(e.left)} {e.op} {_operand(e.right)}"
        case ir.Occurred():
            return f"{_operand(e.operand)} has occurred"
        case ir.Extremum():
            return f"{e.kind} of " + ", ".join(brief(a) for a in e.args)
        case ir.Conditional():
            return f"if {brief(e.condition)} then {_operand(e.then)} else {_operand(e.otherwise)}"
        case ir.Between():
            unit = e.unit_class.replace("_", " ")
            return f"{unit} from {_operand(e.start)} to {_operand(e.end)}"
    raise AssertionError(type(e))


def _operand(e: ir.Expr) -> str:
    compound = (ir.Binary, ir.Extremum, ir.Conditional, ir.Between)
    return f"({brief(e)})" if isinstance(e, compound) else brief(e)


def cited(refs: tuple[ir.ClauseRef, ...]) -> tuple[str, ...]:
    """Clause references as answers show them: ``6.2(4)``, ``"3" of other``, ``document x``."""
    return tuple(r.number if r.number is not None and r.contract is None else str(r) for r in refs)


MODALITY_WORD = {
    "obligation": "must",
    "permission": "may",
    "prohibition": "must not",
    "power": "can",
}
_AMOUNT_WORDS = {
    "all": "all of",
    "part": "part of",
    "part_or_all": "part or all of",
}

PRIORITY_WORDS = {
    "otherwise_provided": "unless otherwise provided",
    "subject_to": "subject to",
    "notwithstanding": "notwithstanding",
    "prevails_over": "prevails over",
    "precedence": "order of precedence",
}


def value_words(value: Value) -> str:
    """A value as the clause language writes it: ``true``, ``2025-03-20``, ``100 CNY``,
    ``3 months``, ``never``, a member's name, a text in double quotes."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def words(e: ir.Expr) -> str:
    """The expression in words: ``merchant.clean and service.stopped has occurred``,
    ``3 months after service.stopped``, ``platform.loss is more than 0 CNY``."""
    match e:
        case ir.Const():
            return value_words(e.value)
        case ir.FactRef() | ir.DefRef():
            return e.name
        case ir.Today():
            return "today"
        case ir.Unary():
            if e.op == "not":
                return "not " + _spoken(e.operand)
            return "minus " + _spoken(e.operand)
        case ir.Binary():
            return _binary_words(e)
        case ir.Occurred():
            return f"{_spoken(e.operand)} has occurred"
        case ir.Extremum():
            return f"the {e.kind} of " + ", ".join(words(a) for a in e.args)
        case ir.Conditional():
            return f"if {words(e.condition)} then {_spoken(e.then)} else {_spoken(e.otherwise)}"
        case ir.Between():
            unit = e.unit_class.replace("_", " ")
            return f"the {unit} from {_spoken(e.start)} to {_spoken(e.end)}"
    raise AssertionError(type(e))


def _binary_words(e: ir.Binary) -> str:
    left, right = _spoken(e.left), _spoken(e.right)
    dates = isinstance(e.left.type, t.Date) or isinstance(e.right.type, t.Date)
    if e.op in ("and", "or"):
        # A chain of one connective reads without brackets: a and b and c.
        return f" {e.op} ".join(_chain_words(e, e.op))
    if e.op == "+" and isinstance(e.left.type, t.Date):
        return f"{right} after {left}"
    if e.op == "-" and isinstance(e.left.type, t.Date) and isinstance(e.right.type, t.Duration):
        return f"{right} before {left}"
    comparisons = {
        "=": "is",
        "!=": "is not",
        "<": "is before" if dates else "is less than",
        "<=": "is on or before" if dates else "is at most",
        ">": "is after" if dates else "is more than",
        ">=": "is on or after" if dates else "is at least",
        "+": "plus",
        "-": "minus",
        "*": "times",
        "/": "divided by",
    }
    return f"{left} {comparisons[e.op]} {right}"


def _chain_words(e: ir.Expr, op: str) -> list[str]:
    if isinstance(e, ir.Binary) and e.op == op:
        return _chain_words(e.left, op) + _chain_words(e.right, op)
    return [_spoken(e)]


def _spoken(e: ir.Expr) -> str:
    compound = (ir.Binary, ir.Extremum, ir.Conditional, ir.Between)
    return f"({words(e)})" if isinstance(e, compound) else words(e)


def deadline_words(d: ir.Deadline) -> str:
    """The deadline in words, as ir.text.deadline_text words it but with the expressions in
    words: ``within 10 working days after 3 months after service.stopped``."""
    if d.kind == "monthly":
        after = f" after {words(d.anchor)}" if d.anchor is not None else ""
        return "monthly on day " + ", ".join(map(str, d.days)) + after
    if d.kind == "at_least_once_every":
        # The unit is kept plural (``months``); one of it reads singular.
        return f"at least once every {(d.unit or '').replace('_', ' ').removesuffix('s')}"
    duration = f" {words(d.duration)}" if d.duration is not None else ""
    anchor = "" if d.anchor is None else " " + _spoken(d.anchor)
    match d.kind:
        case "within":
            return f"within{duration}" + (f" after{anchor}" if anchor else "")
        case "at_least_before":
            return f"at least{duration}" + (f" before{anchor}" if anchor else "")
        case _:
            return d.kind.replace("_", " ") + duration + anchor


def is_true(e: ir.Expr) -> bool:
    """Whether ``e`` is the constant true (a norm without ``when``)."""
    return isinstance(e, ir.Const) and e.value is True


def norm_sentence(n: ir.Norm) -> str:
    """The norm's core as a sentence: who, modality, action, amount, object, beneficiary."""
    action = n.action.replace("_", " ")
    what = n.object
    if n.amount is not None:
        if n.amount.kind in _AMOUNT_WORDS:
            what = f"{_AMOUNT_WORDS[n.amount.kind]} {what}"
        elif n.amount.expr is not None:
            limit = "up to" if n.amount.kind == "up_to" else "exactly"
            what = f"{what} ({limit} {words(n.amount.expr)})"
    sentence = f"{n.party} {MODALITY_WORD[n.modality]} {action} {what}"
    if n.beneficiary is not None:
        sentence += f" to {n.beneficiary}"
    return sentence
