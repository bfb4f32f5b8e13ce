"""What to ask next when an answer is undetermined (docs/semantics.md, "What to ask next").

Each fact the answer waits for is tried alone with each value of its type that can be listed
(true and false, `never` for an event, the members of a `one of`); the values that decide the
answer, and the answer each gives, are recorded. Facts with more deciding values come first. The
generated evaluators do the same with their own question functions (``ask_next`` /
``askNext``); the differential test compares them with this, the reference."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from clausec.evaluation.result import Answer
from clausec.ir import nodes as ir
from clausec.ir import types as T


def candidates(fact: ir.Fact) -> list[object]:
    """The values of ``fact`` that are tried, as fact values (in the order tried)."""
    if fact.kind == "event":
        return ["never"]
    if isinstance(fact.type, T.Boolean):
        return [True, False]
    if isinstance(fact.type, T.Enum):
        return list(fact.type.members)
    return []


def ask_next(
    contract: ir.Contract,
    answer: Answer,
    facts: Mapping[str, object],
    evaluate: Callable[[Mapping[str, object]], Answer],
) -> list[dict[str, object]]:
    """For an undetermined ``answer`` to ``facts`` (raw), the facts it waits for, ranked:
    ``{"fact", "decides": [{"value", "answer"}]}``, by the number of values that decide the
    answer alone (most first), then in the order of ``depends_on``. ``evaluate`` answers the
    same question for other facts (with the same as-of date and presumptions). Empty for a
    decided answer."""
    if answer.answer != "undetermined":
        return []
    declared = {f.name: f for f in contract.facts}
    ranked: list[dict[str, object]] = []
    for name in answer.depends_on:
        if name not in declared:  # `today`: the as-of date
            continue
        decides = []
        for value in candidates(declared[name]):
            tried = evaluate({**facts, name: value})
            if tried.answer != "undetermined":
                decides.append({"value": value, "answer": _word(tried)})
        ranked.append({"fact": name, "decides": decides})
    # The facts with the most values that decide first; a stable sort keeps the order of
    # depends_on among equals.
    return sorted(ranked, key=lambda entry: -len(entry["decides"]))  # type: ignore[arg-type]


def _word(answer: Answer) -> object:
    """The answer a value gives: the answer word, the due date, or the value."""
    if answer.answer == "date":
        return answer.due
    if answer.answer == "value":
        return answer.value
    return answer.answer
