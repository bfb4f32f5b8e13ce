"""A contract's formal reading in plain sentences: each norm as one sentence ("platform may
deduct all of deposit when …", ir/text.py, shared with the graphs) and its conditions,
exceptions, deadline and extensions in words.

Names stay as the contract spells them (``merchant.closed_shop``): they are what the clause
file, the answers and the findings use, and the page lists what each name means. Operators
and the structure around them are words."""

from __future__ import annotations

from clausec.ir import nodes as ir
from clausec.ir.text import deadline_words, is_true, norm_sentence, words


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
