"""How many facts the common questions need: the facts a person would give, then how many
more the answer waits for, with and without the contracts' presumptions.

For each question: the answer and the number of facts it waits for (`depends_on`) from the
facts a person would state; then the facts to give before it is decided when each one it
waits for is answered with "nothing happened" (false, never; other types are counted as
needed and given an ordinary value), one at a time in the order of `depends_on`. Prints a
table; run: python bench/facts_needed.py
"""

from __future__ import annotations

from pathlib import Path

from clausec import load
from clausec.evaluation.interpreter import ask
from clausec.ir import types as T

ROOT = Path(__file__).resolve().parent.parent
ORDINARY = {  # a value for a fact that has no "nothing happened" value
    T.Money: lambda t: f"0 {t.currency}",
    T.Duration: lambda t: 0,
    T.Date: lambda t: "2025-01-01",
    T.Integer: lambda t: 0,
    T.DecimalType: lambda t: "0",
}
# (file, question, what a person would say, the facts for it)
CASES = [
    ("soolife/deposit.clause", "may_deduct_deposit", "nothing", {}),
    (
        "soolife/deposit.clause",
        "release_deadline",
        "stopped using the service when the agreement ended",
        {"service.stopped": "2024-10-24", "agreement.ended": "2024-10-24"},
    ),
    (
        "soolife/deposit.clause",
        "must_release_deposit",
        "stopped using the service when the agreement ended",
        {"service.stopped": "2024-10-24", "agreement.ended": "2024-10-24"},
    ),
    (
        "unisend/privacy.clause",
        "delete_deadline",
        "a parcel-locker record, last used 2024-01-01",
        {"data.category": "parcel_locker", "parcel.last_action": "2024-01-01"},
    ),
    (
        "unisend/privacy.clause",
        "answer_deadline",
        "an e-mailed request received 2025-03-03",
        {"request.received": "2025-03-03"},
    ),
    (
        "smmconfa/policy.clause",
        "answer_deadline",
        "a request received 2025-12-10",
        {"request.received": "2025-12-10"},
    ),
]


def needed(contract, question: str, facts: dict, presume: bool) -> tuple[str, int, int]:  # type: ignore[no-untyped-def]
    """(answer from the person's facts, facts it waits for, facts given once decided)."""
    types = {f.name: f for f in contract.facts}
    first = ask(contract, question, facts, presume=presume)
    given = dict(facts)
    result = first
    while result.answer == "undetermined" and result.depends_on:
        name = next(n for n in result.depends_on if n not in given)
        fact = types[name]
        if fact.kind == "event":
            given[name] = "never"
        elif isinstance(fact.type, T.Boolean):
            given[name] = False
        elif isinstance(fact.type, T.Enum):
            given[name] = fact.type.members[0]
        else:
            given[name] = ORDINARY[type(fact.type)](fact.type)
        result = ask(contract, question, given, presume=presume)
    return first.answer, len(first.depends_on), len(given)


def main() -> None:
    print(f"{'question':44} {'given':>5}  {'strict: answer, waits, needs':>34}  {'presumed':>28}")
    for file, question, said, facts in CASES:
        contract = load(ROOT / "contracts" / file)
        strict = needed(contract, question, facts, presume=False)
        presumed = needed(contract, question, facts, presume=True)
        label = f"{file.split('/')[0]}:{question}"
        print(
            f"{label:44} {len(facts):5}  {strict[0]:>16} {strict[1]:5} {strict[2]:5}       "
            f"{presumed[0]:>14} {presumed[1]:5} {presumed[2]:5}   ({said})"
        )


if __name__ == "__main__":
    main()
