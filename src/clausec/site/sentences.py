"""A contract's formal reading in plain sentences: each norm as one sentence ("platform may
deduct all of deposit when …") and its conditions, exceptions, deadline and extensions in
words.

Names stay as the contract spells them (``merchant.closed_shop``): they are what the clause
file, the answers and the findings use, and the page lists what each name means. Operators
and the structure around them are words."""

from __future__ import annotations

from clausec.graph.style import MODALITY_WORD
from clausec.ir import nodes as ir
from clausec.ir import types as t
from clausec.ir.values import Value

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
                return "not " + _operand(e.operand)
            return "minus " + _operand(e.operand)
        case ir.Binary():
            return _binary(e)
        case ir.Occurred():
            return f"{_operand(e.operand)} has occurred"
        case ir.Extremum():
            return f"the {e.kind} of " + ", ".join(words(a) for a in e.args)
        case ir.Conditional():
            return f"if {words(e.condition)} then {_operand(e.then)} else {_operand(e.otherwise)}"
        case ir.Between():
            unit = e.unit_class.replace("_", " ")
            return f"the {unit} from {_operand(e.start)} to {_operand(e.end)}"
    raise AssertionError(type(e))


def _binary(e: ir.Binary) -> str:
    left, right = _operand(e.left), _operand(e.right)
    dates = isinstance(e.left.type, t.Date) or isinstance(e.right.type, t.Date)
    if e.op in ("and", "or"):
        # A chain of one connective reads without brackets: a and b and c.
        return f" {e.op} ".join(_chain(e, e.op))
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


def _chain(e: ir.Expr, op: str) -> list[str]:
    if isinstance(e, ir.Binary) and e.op == op:
        return _chain(e.left, op) + _chain(e.right, op)
    return [_operand(e)]


def _operand(e: ir.Expr) -> str:
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
    anchor = "" if d.anchor is None else " " + _operand(d.anchor)
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


def norm_details(n: ir.Norm, contract: ir.Contract) -> list[tuple[str, str]]:
    """The rest of the norm, as (what, words) pairs in the order a reader needs them:
    when, unless, deadline, extensions, forms, performance, breach, remedy."""
    out: list[tuple[str, str]] = []
    if not is_true(n.condition):
        out.append(("when", words(n.condition)))
    out += [("unless", words(x)) for x in n.exceptions]
    if n.otherwise_provided:
        out.append(("unless", "the contract provides otherwise"))
    if n.deadline is not None:
        due = deadline_words(n.deadline)
        if n.deadline.ends_on_working_day:
            due += " (a due date that is not a working day moves to the next working day)"
        out.append(("deadline", due))
    for x in n.extensions:
        amount = ("by " if x.mode == "by" else "to ") + words(x.amount)
        condition = f" if {words(x.condition)}" if x.condition is not None else ""
        out.append(("extension", f"the deadline may be extended {amount}{condition}"))
    if n.forms:
        out.append(("form", " or ".join(n.forms)))
    if n.performed_on is not None:
        out.append(("performed", f"when {n.performed_on} has occurred"))
    if n.breach is not None:
        out.append(("breached", f"when {words(n.breach)}"))
    if n.remedy_of is not None:
        duty = contract.norm(n.remedy_of)
        out.append(("remedy", f"if {norm_sentence(duty)} (clause {duty.clause}) is breached"))
    return out
