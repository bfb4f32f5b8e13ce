"""Time per decision of "may the platform deduct the merchant's deposit?" across engines.

The question is `may_deduct_deposit` of the deposit agreement as first read
(bench/data/deposit_first_reading.clause, kept fixed so that the handwritten rules match it):
eight permissions (clauses 5.11, 6.2(4)(a)-(e), 6.5(2) and "annex-2 safety stock"), each
with a condition over facts.

Python half: all engines run in one process and are measured the same way (timeit, a
statement looping over a fixed mix of fact sets, the median of several repeats, in
microseconds per decision), everything that can be prepared once prepared outside the loop:

- handwritten: plain Python functions in this file, the practical floor (plus, for
  information only, the same function after fact name and type checks like clausec's);
- emitted: the module that `clausec emit --target python` writes, imported from a temporary
  directory: the call alone (answer and ground norms), on a `Facts` made once and on a dict,
  and the call with `to_dict()`;
- the reference interpreter, clausec.evaluation.interpreter.ask;
- peer engines from PyPI, imported lazily and called the fastest way their documentation
  gives (see make_cedar and make_zen): cedarpy (Cedar policies) and zen-engine (a GoRules
  decision table); a missing one is reported, not fatal.

JavaScript half (--js, the default when node is on the PATH): bench/evaluate_js.mjs times in
node the module that `clausec emit --target javascript` writes, on a `new Facts(...)` made
once and on a plain object, against handwritten JavaScript functions that compute the same
answers and grounds; the fact sets are these, passed as JSON.

(A) every fact known; (B) several facts missing, where only clausec answers "undetermined"
with depends_on; it is timed against a handwritten three-valued function, strictly (without
presumptions, ``presume=False``), and with the contract's presumptions (the evaluators'
default) against the same handwritten function that applies them. Before timing,
every engine's answers and grounds are checked against the Python emitted evaluator's.
Run: python bench/evaluate.py [--repeat N] [--min-time SECONDS] [--js | --no-js]
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import importlib.metadata
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import timeit
from collections.abc import Callable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# The deposit agreement as first transcribed (before the second reading of issue 18), kept
# fixed here: the hand-written baselines below spell out that reading's rules, and a speed
# comparison needs the two to decide the same question.
CONTRACT = ROOT / "bench" / "data" / "deposit_first_reading.clause"
QUESTION = "may_deduct_deposit"
INSTALL_HINT = "not installed (pip install '.[bench]')"

# The permitting clauses in contract order; grounds are compared in this order.
CLAUSES = (
    "5.11",
    "6.2(4)(a)",
    "6.2(4)(b)",
    "6.2(4)(c)",
    "6.2(4)(d)",
    "6.2(4)(e)",
    "6.5(2)",
    "annex-2 safety stock",
)
RANK = {c: i for i, c in enumerate(CLAUSES)}

Decision = tuple[str, tuple[str, ...]]
# answer, grounds, overridden: (duty clause, the clauses it yields to)
Overridden = tuple[tuple[str, tuple[str, ...]], ...]
Decision2 = tuple[str, tuple[str, ...], Overridden]
# answer, grounds, depends_on, reasons: (clause, the part of its condition that is false)
Decision3 = tuple[str, tuple[str, ...], tuple[str, ...], tuple[tuple[str, str], ...]]

# ---------------------------------------------------------------- fact sets


def _defaults() -> dict[str, object]:
    """Every fact the question reads, false, zero or never: the eight conditions' facts and
    those of the norms that yield to them (the release duties' "本协议另有规定的除外"), which
    an answer lists as overridden. Taken from the contract, so that "all facts known" stays
    true as the transcription grows."""
    import clausec
    from clausec.ir import types as T
    from clausec.ir.queries import question_facts

    contract = clausec.load(CONTRACT)
    (question,) = [q for q in contract.questions if q.name == QUESTION]
    facts = {f.name: f for f in contract.facts}
    out: dict[str, object] = {}
    for name in question_facts(contract, question):
        t = facts[name].type
        if isinstance(t, T.Boolean):
            out[name] = False
        elif isinstance(t, T.Date) and facts[name].kind == "event":
            out[name] = "never"
        elif isinstance(t, T.Integer | T.DecimalType | T.Money | T.Duration):
            out[name] = 0
        else:
            raise SystemExit(f"bench/evaluate.py: no default for fact {name} ({t})")
    return out


DEFAULTS = _defaults()
DEFAULTS["deposit.balance"] = 10_000  # the deposit of annex 1, untouched


def _presumed() -> dict[str, object]:
    """The presumed values of the question's facts (docs/semantics.md, "Presumptions") in
    the handwritten functions' form (whole amounts); taken from the contract, as DEFAULTS."""
    import clausec
    from clausec.evaluation import values as RV
    from clausec.evaluation.facts import Never

    contract = clausec.load(CONTRACT)
    out: dict[str, object] = {}
    for f in contract.facts:
        if f.name in DEFAULTS and f.presumption is not None:
            value = RV.from_ir(f.presumption.value)
            if isinstance(value, Never):
                out[f.name] = "never"
            else:
                out[f.name] = value if isinstance(value, bool) else int(value)  # type: ignore[arg-type]
    return out


PRESUMED = _presumed()


def _money_facts() -> frozenset[str]:
    import clausec
    from clausec.ir import types as T

    contract = clausec.load(CONTRACT)
    return frozenset(f.name for f in contract.facts if isinstance(f.type, T.Money))


MONEY = _money_facts()


def with_currency(facts: Mapping[str, object]) -> Mapping[str, object]:
    """The facts as clausec takes them: money as "AMOUNT CNY" (a bare number names no
    currency); the handwritten functions and the peers take whole amounts. A Facts is kept."""
    if not isinstance(facts, dict):
        return facts
    return {k: f"{v} CNY" if k in MONEY and isinstance(v, int) else v for k, v in facts.items()}


def _facts(**given: object) -> dict[str, object]:
    """DEFAULTS with the ``given`` facts (``a__b`` for ``a.b``)."""
    base = dict(DEFAULTS)
    for key, value in given.items():
        name = key.replace("__", ".")
        assert name in base, name
        base[name] = value
    return base


# (A) all facts known: durations are whole (working) days, money whole CNY.
KNOWN: list[tuple[str, dict[str, object]]] = [
    ("none permitting", _facts()),
    ("closed shop", _facts(merchant__closed_shop=True)),
    (
        "complaint with bad influence",
        _facts(
            complaint__received=True, complaint__unresolved_for=12, complaint__bad_influence=True
        ),
    ),
    (
        "near misses (9 working days; violation, no loss)",
        _facts(
            complaint__received=True,
            complaint__unresolved_for=9,
            complaint__bad_influence=True,
            merchant__violated_rules=True,
            order__days_without_delivery=3,
        ),
    ),
    ("loss with violated rules", _facts(merchant__violated_rules=True, platform__loss=5000)),
    (
        "court order and misstated stock",
        _facts(authority__order_to_deduct=True, stock__misstated=True),
    ),
    (
        "buyer harmed, duty missed, 4 days undelivered",
        _facts(
            merchant__breach_harmed_buyer=True,
            merchant__consumer_duty_missed=True,
            order__days_without_delivery=4,
        ),
    ),
    (
        "clean exit, then a court order (6.2(1) yields)",
        _facts(service__stopped=dt.date(2024, 10, 24), authority__order_to_deduct=True),
    ),
    (
        "notice, then termination; a loss above the deposit (6.2(2) yields)",
        _facts(
            termination__notice_given=dt.date(2024, 9, 1),
            agreement__terminated_by_platform=dt.date(2024, 10, 8),
            platform__loss=12_000,
        ),
    ),
    (
        "violation in a quality dispute, agreement ended (6.2(3) yields to 6.2(4)(e) only)",
        _facts(
            merchant__violated_rules=True,
            merchant__unresolved_quality_dispute=True,
            agreement__ended=dt.date(2024, 12, 31),
            platform__loss=300,
            merchant__closed_shop=True,
        ),
    ),
    (
        "every ground",
        _facts(
            merchant__closed_shop=True,
            merchant__breach_harmed_buyer=True,
            merchant__consumer_duty_missed=True,
            complaint__received=True,
            complaint__unresolved_for=10,
            complaint__bad_influence=True,
            authority__order_to_deduct=True,
            merchant__violated_rules=True,
            platform__loss=1,
            stock__misstated=True,
            order__days_without_delivery=7,
        ),
    ),
]


def _partial(missing: tuple[str, ...], **given: object) -> dict[str, object]:
    facts = _facts(**given)
    for name in missing:
        del facts[name]
    return facts


# (B) several facts missing (absent from the mapping).
UNKNOWN: list[tuple[str, dict[str, object]]] = [
    (
        "complaint outcome unknown",
        _partial(
            ("complaint.bad_influence",), complaint__received=True, complaint__unresolved_for=10
        ),
    ),
    ("only a closed shop known", {"merchant.closed_shop": True}),
    ("nothing known", {}),
    ("loss not yet assessed", _partial(("platform.loss",), merchant__violated_rules=True)),
    (
        "no court order or stock check yet",
        _partial(("authority.order_to_deduct", "stock.misstated"), order__days_without_delivery=2),
    ),
    (
        "unknowns that cannot matter",
        _partial(
            ("complaint.unresolved_for", "complaint.bad_influence", "merchant.breached_agreement")
        ),
    ),
    (
        "merchant side known, complaint and stock unknown",
        _partial(
            (
                "complaint.received",
                "complaint.unresolved_for",
                "complaint.bad_influence",
                "stock.misstated",
                "order.days_without_delivery",
            )
        ),
    ),
    ("undelivered goods, the rest unknown", {"order.days_without_delivery": 5}),
]

# ---------------------------------------------------------------- handwritten


# The release duties 6.2(1)-(3) yield to the deductions ("本协议另有规定的除外"): to every
# permitting clause, but 6.2(3) does not yield to 5.11.


_MONTH_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _month_before(day: dt.date) -> dt.date:
    """The same day a month earlier, clipped to the month's end (31 March -> 28/29 Feb)."""
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    last = 29 if month == 2 and calendar.isleap(year) else _MONTH_DAYS[month]
    return dt.date(year, month, day.day if day.day <= last else last)


def handwritten(facts: Mapping[str, Any]) -> Decision2:
    """The rule by hand, every fact known: ("yes" | "no", permitting clauses, overridden
    duties), the same grounds as the emitted evaluator's answer, grounds and overridden.
    Its first half is handwritten_grounds() again, on purpose: a floor calls no helper."""
    grounds = []
    if facts["merchant.closed_shop"]:
        grounds.append("5.11")
    if facts["merchant.breach_harmed_buyer"]:
        grounds.append("6.2(4)(a)")
    if facts["merchant.consumer_duty_missed"]:
        grounds.append("6.2(4)(b)")
    if (
        facts["complaint.received"]
        and facts["complaint.unresolved_for"] >= 10
        and facts["complaint.bad_influence"]
    ):
        grounds.append("6.2(4)(c)")
    if facts["authority.order_to_deduct"]:
        grounds.append("6.2(4)(d)")
    if (facts["merchant.violated_rules"] or facts["merchant.breached_agreement"]) and facts[
        "platform.loss"
    ] > 0:
        grounds.append("6.2(4)(e)")
    if facts["platform.paid_beyond_deposit"] or facts["platform.loss"] > facts["deposit.balance"]:
        grounds.append("6.5(2)")
    if facts["stock.misstated"] or facts["order.days_without_delivery"] > 3:
        grounds.append("annex-2 safety stock")
    if not grounds:  # a duty yields only to a permission that grounds the answer
        return "no", (), ()
    found = tuple(grounds)
    overridden = []
    clean = not facts["merchant.violated_rules"] and not facts["merchant.complaint_or_dispute"]
    if clean and facts["service.stopped"] != "never":  # 6.2(1): the service stopped
        overridden.append(("6.2(1)", found))
    ended = facts["agreement.terminated_by_platform"]
    notice = facts["termination.notice_given"]
    if clean and ended != "never" and notice != "never" and notice <= _month_before(ended):
        overridden.append(("6.2(2)", found))  # terminated on a month's notice
    if (
        facts["merchant.violated_rules"]
        and facts["merchant.unresolved_quality_dispute"]
        and facts["agreement.ended"] != "never"
    ):
        by = found[1:] if found[0] == "5.11" else found  # grounds are in clause order
        if by:
            overridden.append(("6.2(3)", by))
    return "yes", found, tuple(overridden)


def handwritten_grounds(facts: Mapping[str, Any]) -> Decision:
    """The permitting clauses alone, without the duties they override (shown for
    information: a lower floor than the same grounds)."""
    grounds = []
    if facts["merchant.closed_shop"]:
        grounds.append("5.11")
    if facts["merchant.breach_harmed_buyer"]:
        grounds.append("6.2(4)(a)")
    if facts["merchant.consumer_duty_missed"]:
        grounds.append("6.2(4)(b)")
    if (
        facts["complaint.received"]
        and facts["complaint.unresolved_for"] >= 10
        and facts["complaint.bad_influence"]
    ):
        grounds.append("6.2(4)(c)")
    if facts["authority.order_to_deduct"]:
        grounds.append("6.2(4)(d)")
    if (facts["merchant.violated_rules"] or facts["merchant.breached_agreement"]) and facts[
        "platform.loss"
    ] > 0:
        grounds.append("6.2(4)(e)")
    if facts["platform.paid_beyond_deposit"] or facts["platform.loss"] > facts["deposit.balance"]:
        grounds.append("6.5(2)")
    if facts["stock.misstated"] or facts["order.days_without_delivery"] > 3:
        grounds.append("annex-2 safety stock")
    return ("yes" if grounds else "no"), tuple(grounds)


_BOOLEAN_FACTS = tuple(n for n, v in _facts().items() if v is False)
_NUMBER_FACTS = tuple(n for n, v in _facts().items() if type(v) is int)
_EVENT_FACTS = tuple(n for n, v in _facts().items() if v == "never")
_FACT_NAMES = frozenset(_facts())


def handwritten_checked(facts: Mapping[str, Any]) -> Decision2:
    """handwritten() after checks like the emitted evaluator's: no unknown fact names, every
    fact of the right type. Not a target baseline; it shows what such checks cost."""
    if not facts.keys() <= _FACT_NAMES:
        raise KeyError(sorted(facts.keys() - _FACT_NAMES))
    for name in _BOOLEAN_FACTS:
        if facts[name].__class__ is not bool:
            raise TypeError(name)
    for name in _NUMBER_FACTS:
        if facts[name].__class__ is not int:
            raise TypeError(name)
    for name in _EVENT_FACTS:
        if facts[name] != "never" and facts[name].__class__ is not dt.date:
            raise TypeError(name)
    return handwritten(facts)


def _all3(terms: tuple[tuple[Any, str], ...], deps: set[str]) -> bool:
    """Kleene conjunction of (value or None, fact name) terms: True, or False; an unknown
    outcome adds the missing facts to ``deps`` and returns False."""
    missing = []
    for value, name in terms:
        if value is None:
            missing.append(name)
        elif not value:
            return False
    if missing:
        deps.update(missing)
        return False
    return True


def _missing(*pairs: tuple[str, Any]) -> list[str]:
    return [name for name, value in pairs if value is None]


def handwritten3(facts: Mapping[str, Any]) -> Decision3:
    """The rule by hand with missing facts unknown: (answer, grounds, depends_on, reasons),
    the reasons of a "no" as the emitted evaluator gives them."""
    get = facts.get
    grounds = []
    deps: set[str] = set()
    for clause, name in (
        ("5.11", "merchant.closed_shop"),
        ("6.2(4)(a)", "merchant.breach_harmed_buyer"),
        ("6.2(4)(b)", "merchant.consumer_duty_missed"),
    ):
        value = get(name)
        if value is None:
            deps.add(name)
        elif value:
            grounds.append(clause)
    days = get("complaint.unresolved_for")
    if _all3(
        (
            (get("complaint.received"), "complaint.received"),
            (None if days is None else days >= 10, "complaint.unresolved_for"),
            (get("complaint.bad_influence"), "complaint.bad_influence"),
        ),
        deps,
    ):
        grounds.append("6.2(4)(c)")
    value = get("authority.order_to_deduct")
    if value is None:
        deps.add("authority.order_to_deduct")
    elif value:
        grounds.append("6.2(4)(d)")
    # 6.2(4)(e): (violated rules or breached the agreement) and a loss
    rules, agreement, loss = (
        get("merchant.violated_rules"),
        get("merchant.breached_agreement"),
        get("platform.loss"),
    )
    broke = True if rules or agreement else None if rules is None or agreement is None else False
    positive = None if loss is None else loss > 0
    if broke and positive:
        grounds.append("6.2(4)(e)")
    elif broke is not False and positive is not False:
        if broke is None:
            deps.update(
                _missing(
                    ("merchant.violated_rules", rules), ("merchant.breached_agreement", agreement)
                )
            )
        if positive is None:
            deps.add("platform.loss")
    # 6.5(2): paid beyond the deposit, or a loss above the balance
    paid, balance = get("platform.paid_beyond_deposit"), get("deposit.balance")
    over = None if loss is None or balance is None else loss > balance
    if paid or over:
        grounds.append("6.5(2)")
    elif paid is None or over is None:
        deps.update(
            _missing(
                ("platform.paid_beyond_deposit", paid),
                ("platform.loss", loss),
                ("deposit.balance", balance),
            )
        )
    stock, late = get("stock.misstated"), get("order.days_without_delivery")
    if stock or (late is not None and late > 3):
        grounds.append("annex-2 safety stock")
    elif stock is None or late is None:
        deps.update(_missing(("stock.misstated", stock), ("order.days_without_delivery", late)))
    if grounds:
        return "yes", tuple(grounds), (), ()
    if deps:
        return "undetermined", (), tuple(sorted(deps)), ()
    return "no", (), (), _why_not(get)


def handwritten_presumed(facts: Mapping[str, Any]) -> tuple[Any, ...]:
    """handwritten3 with the contract's presumptions, as a programmer would add them: an
    undetermined answer is asked again with the presumed values of the facts it waits for,
    and names them (the decision, then the presumed facts)."""
    decision = handwritten3(facts)
    if decision[0] == "undetermined":
        relied = tuple(name for name in decision[2] if name in PRESUMED)
        if relied:
            filled = {**facts, **{name: PRESUMED[name] for name in relied}}
            return (*handwritten3(filled), relied)
    return (*decision, ())


def _why_not(get: Callable[[str], Any]) -> tuple[tuple[str, str], ...]:
    """For a "no" (every permission known not to apply): the first false part of each
    permission's condition."""
    days = get("complaint.unresolved_for")  # None: unknown
    if get("complaint.received") is False:
        complaint = "complaint.received"
    elif days is not None and days < 10:
        complaint = "complaint.unresolved_for >= 10 working days"
    else:
        complaint = "complaint.bad_influence"
    broke = not (
        get("merchant.violated_rules") is False and get("merchant.breached_agreement") is False
    )
    return (
        ("5.11", "merchant.closed_shop"),
        ("6.2(4)(a)", "merchant.breach_harmed_buyer"),
        ("6.2(4)(b)", "merchant.consumer_duty_missed"),
        ("6.2(4)(c)", complaint),
        ("6.2(4)(d)", "authority.order_to_deduct"),
        (
            "6.2(4)(e)",
            "platform.loss > 0 CNY"
            if broke
            else "merchant.violated_rules or merchant.breached_agreement",
        ),
        ("6.5(2)", "deposit.insufficient"),
        ("annex-2 safety stock", "stock.misstated or (order.days_without_delivery > 3 days)"),
    )


# ---------------------------------------------------------------- clausec


def emit(target: str, folder: Path) -> Path:
    """The file that `clausec emit --target TARGET` writes for the contract into ``folder``."""
    command = ["emit", str(CONTRACT), "--target", target, "-o", str(folder)]
    subprocess.run(
        [sys.executable, "-m", "clausec", *command],
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    (path,) = folder.glob("*.py" if target == "python" else "*.mjs")
    return path


def load_emitted(folder: Path) -> ModuleType:
    path = emit("python", folder)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


Full = tuple[str, tuple[str, ...], Overridden, tuple[str, ...]]


def emitted_decision(module: ModuleType, facts: Mapping[str, object], presume: bool = True) -> Full:
    """(answer, grounds, overridden, depends_on) of the emitted evaluator."""
    r = getattr(module, QUESTION)(with_currency(facts), presume=presume)
    return (
        r.answer,
        tuple(g["clause"] for g in r.grounds),
        tuple((o["clause"], tuple(b["clause"] for b in o["by"])) for o in r.overridden),
        tuple(r.depends_on),
    )


def emitted_reasons(
    module: ModuleType, facts: Mapping[str, object], presume: bool = True
) -> tuple[tuple[str, str], ...]:
    """The reasons of the emitted evaluator's answer: (clause, the part that is false)."""
    result = getattr(module, QUESTION)(with_currency(facts), presume=presume)
    return tuple((r["clause"], r["condition"]) for r in result.reasons)


def emitted_presumed(module: ModuleType, facts: Mapping[str, object]) -> tuple[Any, ...]:
    """The emitted evaluator's answer with presumptions, as handwritten_presumed gives it."""
    r = getattr(module, QUESTION)(with_currency(facts))
    return (
        r.answer,
        tuple(g["clause"] for g in r.grounds),
        tuple(r.depends_on),
        emitted_reasons(module, facts),
        tuple(p["fact"] for p in r.presumptions),
    )


def interpreter_decision(contract: Any, facts: Mapping[str, object], presume: bool = True) -> Full:
    from clausec.evaluation.interpreter import ask

    d = ask(contract, QUESTION, with_currency(facts), presume=presume).to_dict()
    return (
        d["answer"],
        tuple(g["clause"] for g in d["grounds"]),
        tuple((o["clause"], tuple(b["clause"] for b in o["by"])) for o in d["overridden"]),
        tuple(d["depends_on"]),
    )


# ---------------------------------------------------------------- peers


def as_json(facts: Mapping[str, object]) -> dict[str, object]:
    """The facts as the peers take them (JSON values: dates as ISO strings)."""
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in facts.items()}


# Each peer encodes the same eight conditions over the same flat facts mapping.

CEDAR_CONDITIONS = {
    "5.11": 'context["merchant.closed_shop"]',
    "6.2(4)(a)": 'context["merchant.breach_harmed_buyer"]',
    "6.2(4)(b)": 'context["merchant.consumer_duty_missed"]',
    "6.2(4)(c)": 'context["complaint.received"] && context["complaint.unresolved_for"] >= 10'
    ' && context["complaint.bad_influence"]',
    "6.2(4)(d)": 'context["authority.order_to_deduct"]',
    "6.2(4)(e)": '(context["merchant.violated_rules"] || context["merchant.breached_agreement"])'
    ' && context["platform.loss"] > 0',
    "6.5(2)": 'context["platform.paid_beyond_deposit"]'
    ' || context["platform.loss"] > context["deposit.balance"]',
    "annex-2 safety stock": 'context["stock.misstated"]'
    ' || context["order.days_without_delivery"] > 3',
}

ZEN_CONDITIONS = {
    "5.11": '$root["merchant.closed_shop"] == true',
    "6.2(4)(a)": '$root["merchant.breach_harmed_buyer"] == true',
    "6.2(4)(b)": '$root["merchant.consumer_duty_missed"] == true',
    "6.2(4)(c)": '$root["complaint.received"] == true and $root["complaint.unresolved_for"] >= 10'
    ' and $root["complaint.bad_influence"] == true',
    "6.2(4)(d)": '$root["authority.order_to_deduct"] == true',
    "6.2(4)(e)": '($root["merchant.violated_rules"] == true'
    ' or $root["merchant.breached_agreement"] == true) and $root["platform.loss"] > 0',
    "6.5(2)": '$root["platform.paid_beyond_deposit"] == true'
    ' or $root["platform.loss"] > $root["deposit.balance"]',
    "annex-2 safety stock": '$root["stock.misstated"] == true'
    ' or $root["order.days_without_delivery"] > 3',
}


def make_cedar() -> Callable[[Mapping[str, object]], Decision]:
    """One permit policy per clause; grounds are the determining policies.

    Called the fastest way cedarpy documents (its README, "Reusing parsed policies for
    performance" and "Reusing parsed entities for performance"): the policies and the
    (empty) entities are parsed once into PolicySet and Entities handles, and the request's
    principal, action and resource are given once, in the structured {"type", "id"} form
    that is_authorized also accepts (a fifth to a third faster here than the Cedar strings,
    which it parses in every call). Only the context, the facts as a dict, changes per call."""
    import cedarpy

    text = "".join(
        f'permit(principal == Party::"platform", action == Action::"deduct",'
        f' resource == Object::"deposit")\nwhen {{ {CEDAR_CONDITIONS[clause]} }};\n'
        for clause in CLAUSES
    )
    policies = cedarpy.PolicySet.from_str(text)
    entities = cedarpy.Entities.from_json_str("[]")
    # Policies without an explicit id are numbered policy0, policy1, ... in text order.
    clause_of = {f"policy{i}": clause for i, clause in enumerate(CLAUSES)}
    is_authorized, allow = cedarpy.is_authorized, cedarpy.Decision.Allow
    request = {
        "principal": {"type": "Party", "id": "platform"},
        "action": {"type": "Action", "id": "deduct"},
        "resource": {"type": "Object", "id": "deposit"},
    }

    def decide(facts: Mapping[str, object]) -> Decision:
        r = is_authorized({**request, "context": facts}, policies, entities)
        if r.decision != allow:
            return "no", ()
        return "yes", tuple(
            sorted((clause_of[p] for p in r.diagnostics.reasons), key=RANK.__getitem__)
        )

    return decide


def make_zen() -> Callable[[Mapping[str, object]], Decision]:
    """A GoRules decision model: input -> decision table (hit policy collect) -> output.

    Called the way the GoRules Python SDK documentation recommends for speed
    (docs.gorules.io/developers/sdks/python, "Loader" and "Best practices"): one ZenEngine,
    made once, whose loader returns the decision as a ZenDecisionContent compiled once, and
    engine.evaluate(key, facts) per call. (A ZenDecision from engine.create_decision, reused,
    takes several times longer per call with zen-engine 2.1.3.)"""
    import zen

    rules = [
        {"_id": f"r{i}", "condition": ZEN_CONDITIONS[clause], "clause": json.dumps(clause)}
        for i, clause in enumerate(CLAUSES)
    ]
    model = {
        "nodes": [
            {"id": "facts", "type": "inputNode", "name": "facts", "position": {"x": 0, "y": 0}},
            {
                "id": "deduct",
                "type": "decisionTableNode",
                "name": "may deduct deposit",
                "position": {"x": 200, "y": 0},
                "content": {
                    "hitPolicy": "collect",
                    "inputs": [{"id": "condition", "name": "condition", "field": ""}],
                    "outputs": [{"id": "clause", "name": "clause", "field": "clause"}],
                    "rules": rules,
                },
            },
            {
                "id": "answer",
                "type": "outputNode",
                "name": "answer",
                "position": {"x": 400, "y": 0},
            },
        ],
        "edges": [
            {"id": "e1", "sourceId": "facts", "targetId": "deduct", "type": "edge"},
            {"id": "e2", "sourceId": "deduct", "targetId": "answer", "type": "edge"},
        ],
    }
    decisions = {QUESTION: zen.ZenDecisionContent(json.dumps(model))}
    evaluate: Any = zen.ZenEngine({"loader": decisions.__getitem__}).evaluate

    def decide(facts: Mapping[str, object]) -> Decision:
        hits = evaluate(QUESTION, facts)["result"]
        if not hits:
            return "no", ()
        return "yes", tuple(sorted((h["clause"] for h in hits), key=RANK.__getitem__))

    return decide


PEERS: list[tuple[str, str, Callable[[], Callable[[Mapping[str, object]], Decision]]]] = [
    ("cedarpy", "cedarpy", make_cedar),
    ("zen-engine", "zen-engine", make_zen),
]

# ---------------------------------------------------------------- timing


def measure(
    cases: list[tuple[str, int]], namespace: dict[str, Any], repeat: int, min_time: float
) -> list[float]:
    """Median µs per decision of each (statement, decisions it makes) case.

    Each statement's loop count is calibrated to ``min_time`` seconds; then the repeats go
    round-robin over all cases, so that a burst of load on the machine hits every engine
    alike rather than one of them."""
    timers = []
    for stmt, _ in cases:
        timer = timeit.Timer(stmt, globals=namespace)
        number, elapsed = timer.autorange()
        timers.append((timer, max(1, int(number * min_time / max(elapsed, 1e-9)))))
    runs: list[list[float]] = [[] for _ in cases]
    for _ in range(repeat):
        for i, (timer, number) in enumerate(timers):
            runs[i].append(timer.timeit(number) / number)
    return [statistics.median(r) / n * 1e6 for r, (_, n) in zip(runs, cases, strict=True)]


def verify(label: str, got: object, want: object, fact_set: str) -> bool:
    if got == want:
        return True
    print(
        f"ERROR: {label} disagrees with the emitted evaluator on fact set "
        f"{fact_set!r}:\n  got  {got!r}\n  want {want!r}",
        file=sys.stderr,
    )
    return False


Peer = tuple[str, Callable[[Mapping[str, object]], Decision]]
Row = tuple[str, float]  # label, µs per decision
Target = tuple[str, bool | None, str]  # what, passed (None: not measured), the figures


def load_peers() -> tuple[list[Peer], list[str]]:
    """The installed peers, prepared once, and the version line of each peer."""
    peers: list[Peer] = []
    versions: list[str] = []
    for label, dist, make in PEERS:
        try:
            peers.append((label, make()))
            versions.append(f"{label} {importlib.metadata.version(dist)}")
        except ImportError:
            versions.append(f"{label} {INSTALL_HINT}")
    return peers, versions


def agree(module: ModuleType, contract: Any, peers: list[Peer]) -> bool:
    """Every Python engine gives the emitted evaluator's answer and grounds on every fact set
    (the handwritten function its overrides too, and in (B) its depends_on)."""
    ok = True
    for name, facts in KNOWN:
        want = emitted_decision(module, facts)
        ok &= verify("emitted (all facts known)", want[3], (), name)
        ok &= verify(
            "emitted (Facts)",
            emitted_decision(module, module.Facts(with_currency(facts))),
            want,
            name,
        )
        ok &= verify("handwritten", handwritten(facts), want[:3], name)
        ok &= verify("handwritten with checks", handwritten_checked(facts), want[:3], name)
        ok &= verify("handwritten, grounds only", handwritten_grounds(facts), want[:2], name)
        ok &= verify("interpreter", interpreter_decision(contract, facts), want, name)
        for label, decide in peers:
            ok &= verify(label, decide(as_json(facts)), want[:2], name)
    for name, facts in UNKNOWN:
        want = emitted_decision(module, facts, presume=False)
        ok &= verify(
            "handwritten three-valued",
            handwritten3(facts),
            (want[0], want[1], want[3], emitted_reasons(module, facts, presume=False)),
            name,
        )
        ok &= verify("emitted (B, nothing overridden)", want[2], (), name)
        ok &= verify("interpreter", interpreter_decision(contract, facts, False), want, name)
        presumed = emitted_presumed(module, facts)
        ok &= verify("handwritten with presumptions", handwritten_presumed(facts), presumed, name)
        ok &= verify(
            "interpreter with presumptions",
            interpreter_decision(contract, facts),
            emitted_decision(module, facts),
            name,
        )
    answers = {emitted_decision(module, f, presume=False)[0] for _, f in UNKNOWN}
    ok &= verify("fact sets (B)", answers, {"yes", "no", "undetermined"}, "all of (B)")
    overridden = {d for _, f in KNOWN for d, _ in emitted_decision(module, f)[2]}
    ok &= verify("fact sets (A) with an overridden duty", bool(overridden), True, "all of (A)")
    return ok


def time_python(
    module: ModuleType, contract: Any, peers: list[Peer], repeat: int, min_time: float
) -> tuple[list[Row], list[Row]]:
    """The rows of (A) and (B). The first row of each is its baseline; in (A) the next two
    are the targets' emitted paths, rows in parentheses are for information, and the peers
    come last."""
    from clausec.evaluation.interpreter import ask

    known = [f for _, f in KNOWN]
    ns: dict[str, Any] = {
        "fn": getattr(module, QUESTION),
        "hand": handwritten,
        "hand3": handwritten3,
        "hand3p": handwritten_presumed,
        "ask": ask,
        "hand_checked": handwritten_checked,
        "hand_grounds": handwritten_grounds,
        "Facts": module.Facts,
        "A_facts": [module.Facts(with_currency(f)) for f in known],
        "contract": contract,
        "Q": QUESTION,
        "A": known,
        "B": [f for _, f in UNKNOWN],
        # clausec takes money with its currency
        "A_cur": [with_currency(f) for f in known],
        "B_cur": [with_currency(f) for _, f in UNKNOWN],
        "A_json": [as_json(f) for f in known],
    }
    for i, (_, decide) in enumerate(peers):
        ns[f"peer{i}"] = decide
    rows_a = [
        ("handwritten Python (answer + grounds)", "for f in A: hand(f)"),
        ("clausec emitted, Facts: answer + grounds", "for f in A_facts: fn(f).answer"),
        ("clausec emitted, dict: answer + grounds", "for f in A_cur: fn(f).answer"),
        ("clausec emitted: full explanation (to_dict)", "for f in A_cur: fn(f).to_dict()"),
        ("clausec reference interpreter", "for f in A_cur: ask(contract, Q, f)"),
        ("(handwritten + fact name and type checks)", "for f in A: hand_checked(f)"),
        ("(handwritten, permitting clauses only)", "for f in A: hand_grounds(f)"),
        ("(clausec emitted: Facts(dict) + answer)", "for f in A_cur: fn(Facts(f)).answer"),
    ]
    rows_a += [(label, f"for f in A_json: peer{i}(f)") for i, (label, _) in enumerate(peers)]
    rows_b = [
        ("handwritten three-valued Python", "for f in B: hand3(f)"),
        (
            "clausec emitted: full explanation (to_dict)",
            "for f in B_cur: fn(f, presume=False).to_dict()",
        ),
        ("clausec emitted: answer + depends_on", "for f in B_cur: fn(f, presume=False).depends_on"),
        ("clausec reference interpreter", "for f in B_cur: ask(contract, Q, f, presume=False)"),
        ("handwritten three-valued + presumptions", "for f in B: hand3p(f)"),
        ("clausec emitted + presumptions (to_dict)", "for f in B_cur: fn(f).to_dict()"),
    ]
    na, nb = len(ns["A"]), len(ns["B"])
    times = measure(
        [(stmt, na) for _, stmt in rows_a] + [(stmt, nb) for _, stmt in rows_b],
        ns,
        repeat,
        min_time,
    )
    table_a = [(label, us) for (label, _), us in zip(rows_a, times, strict=False)]
    table_b = [(label, us) for (label, _), us in zip(rows_b, times[len(rows_a) :], strict=True)]
    return table_a, table_b


def python_targets(table_a: list[Row], table_b: list[Row], n_peers: int) -> list[Target]:
    hand_a, facts_a, dict_a = (us for _, us in table_a[:3])
    checked_a = table_a[5][1]
    peer_rows = table_a[len(table_a) - n_peers :] if n_peers else []
    hand_b, emitted_b = table_b[0][1], table_b[1][1]
    targets: list[Target] = [
        (
            "emitted, answer + grounds, all facts known: within 2x of handwritten",
            facts_a / hand_a <= 2,
            f"{facts_a / hand_a:.2f}x, facts checked once in a Facts; "
            f"from a dict, checked in each call: {dict_a / hand_a:.2f}x",
        ),
        (
            "  and from a dict, within 2x of handwritten with the same fact checks",
            dict_a / checked_a <= 2,
            f"{dict_a / checked_a:.2f}x",
        ),
    ]
    peer_target = "emitted, answer + grounds: at least 20x faster than every peer"
    if peer_rows:
        # The slower of the two emitted paths, so that the margin holds for either.
        slow = max(facts_a, dict_a)
        fastest = min(peer_rows, key=lambda r: r[1])
        margin = fastest[1] / slow
        targets.append(
            (
                peer_target,
                margin >= 20,
                f"{margin:.1f}x faster than the fastest peer ({fastest[0]}, "
                f"{fastest[1]:.1f} µs), from a dict",
            )
        )
    else:
        targets.append((peer_target, None, "no peer installed"))
    hand_p, emitted_p = table_b[4][1], table_b[5][1]
    targets += [
        (
            "emitted, unknown facts and full explanations: within 5x of handwritten",
            emitted_b / hand_b <= 5,
            f"{emitted_b / hand_b:.2f}x",
        ),
        (
            "  and with the contract's presumptions (the default), within 5x of handwritten "
            "with them",
            emitted_p / hand_p <= 5,
            f"{emitted_p / hand_p:.2f}x",
        ),
    ]
    return targets


def time_js(module: ModuleType, folder: Path, repeat: int, min_time: float) -> Any:
    """The output of bench/evaluate_js.mjs on the emitted JavaScript module, given the fact
    sets as JSON and the Python emitted evaluator's decisions to check against; None if it
    failed or found a disagreement (which it reports on stderr)."""
    path = emit("javascript", folder)
    data = {
        "question": QUESTION,
        "known": [(name, as_json(f)) for name, f in KNOWN],
        "unknown": [(name, as_json(f)) for name, f in UNKNOWN],
        "presumed": PRESUMED,
        "money": sorted(MONEY),  # facts the emitted module takes as "AMOUNT CNY"
        "expected": {
            "known": [emitted_decision(module, f) for _, f in KNOWN],
            "unknown": [emitted_decision(module, f, presume=False) for _, f in UNKNOWN],
            "reasons": [emitted_reasons(module, f, presume=False) for _, f in UNKNOWN],
            "presumed": [emitted_presumed(module, f) for _, f in UNKNOWN],
        },
        "repeat": repeat,
        "minTime": min_time,
    }
    facts = folder / "facts.json"
    facts.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    script = ROOT / "bench" / "evaluate_js.mjs"
    run = subprocess.run(
        ["node", str(script), str(path), str(facts)], stdout=subprocess.PIPE, text=True
    )
    return json.loads(run.stdout) if run.returncode == 0 else None


def js_targets(out: Any) -> list[Target]:
    hand_a, facts_a, object_a = (us for _, us in out["A"][:3])
    hand_b, emitted_b = out["B"][0][1], out["B"][1][1]
    hand_p, emitted_p = out["B"][3][1], out["B"][4][1]
    return [
        (
            "generated JavaScript within 3x of the handwritten JavaScript function "
            "(answer and grounds, all facts known)",
            facts_a / hand_a <= 3,
            f"{facts_a / hand_a:.1f}x on a Facts; on a plain object {object_a / hand_a:.1f}x",
        ),
        (
            "generated JavaScript within 5x of the handwritten three-valued JavaScript "
            "function with facts missing (full explanation, toDict)",
            emitted_b / hand_b <= 5,
            f"{emitted_b / hand_b:.1f}x",
        ),
        (
            "  and with the contract's presumptions (the default), within 5x of the "
            "handwritten function with them",
            emitted_p / hand_p <= 5,
            f"{emitted_p / hand_p:.1f}x",
        ),
    ]


def print_tables(a: list[Row], b: list[Row], missing: list[str]) -> None:
    """The tables of (A) and (B), each row as a ratio to the first; ``missing``: the peers
    that are not installed."""
    for title, rows in (
        (f"(A) all facts known: {len(KNOWN)} fact sets, cycled", a),
        (
            f"(B) facts missing: {len(UNKNOWN)} fact sets, cycled (only clausec and the "
            "handwritten three-valued function answer undetermined)",
            b,
        ),
    ):
        print()
        print(title)
        print(f"{'engine':46} {'µs/decision':>12} {'× handwritten':>14}")
        for label, us in rows:
            print(f"{label:46} {us:12.3f} {us / rows[0][1]:14.2f}")
        for label in missing if rows is a else []:
            print(f"{label:46} {INSTALL_HINT}")


def print_targets(targets: list[Target]) -> None:
    print()
    print("targets")
    for text, passed, detail in targets:
        verdict = "n/a " if passed is None else "PASS" if passed else "FAIL"
        print(f"  {verdict}  {text} ({detail})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="timing repeats (median)")
    parser.add_argument(
        "--min-time",
        type=float,
        default=0.2,
        help="seconds per repeat (the loop count is calibrated to it)",
    )
    parser.add_argument(
        "--js",
        action=argparse.BooleanOptionalAction,
        default=shutil.which("node") is not None,
        help="also time the generated JavaScript in node (default: when node is on the PATH)",
    )
    args = parser.parse_args()
    if args.js and shutil.which("node") is None:
        parser.error("--js needs node on the PATH")

    import clausec

    contract = clausec.load(CONTRACT)
    with tempfile.TemporaryDirectory() as tmp:
        module = load_emitted(Path(tmp))
        peers, versions = load_peers()
        if not agree(module, contract, peers):
            print("ERROR: the engines disagree; nothing timed.", file=sys.stderr)
            return 1
        table_a, table_b = time_python(module, contract, peers, args.repeat, args.min_time)
        print(
            f"Python {platform.python_version()} ({platform.python_implementation()}), "
            f"{platform.machine()}; clausec {clausec.__version__}; " + "; ".join(versions)
        )
        print(
            f"question {QUESTION} of {CONTRACT.relative_to(ROOT)}; median of {args.repeat} "
            f"round-robin repeats of >= {args.min_time:g} s each per engine"
        )
        print(
            f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs "
            "(on a busy machine the figures move by tens of percent or more)"
        )
        installed = {label for label, _ in peers}
        print_tables(table_a, table_b, [label for label, _, _ in PEERS if label not in installed])
        print_targets(python_targets(table_a, table_b, len(peers)))
        if not args.js:
            return 0
        out = time_js(module, Path(tmp), args.repeat, args.min_time)
    if out is None:
        print(
            "ERROR: bench/evaluate_js.mjs failed (above); no JavaScript figures.", file=sys.stderr
        )
        return 1
    print()
    print(
        f"JavaScript: node {out['node']} (V8 {out['v8']}), the module from clausec emit "
        f"--target javascript; each statement warmed up for {args.min_time:g} s, then median "
        f"of {args.repeat} round-robin repeats of >= {args.min_time:g} s; "
        f"checksum {out['checksum']:.0f}"
    )
    print(f"load average {os.getloadavg()[0]:.2f}")
    print_tables([tuple(r) for r in out["A"]], [tuple(r) for r in out["B"]], [])
    print_targets(js_targets(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
