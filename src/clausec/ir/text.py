"""The IR in words, for people: short renderings of expressions and deadlines in graph labels
and in the reasons of answers (not meant to be parsed back)."""

from __future__ import annotations

from clausec.ir import nodes as ir


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
