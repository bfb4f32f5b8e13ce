"""A form per question, answered in the browser by the contract's generated JavaScript
evaluator (backends/javascript.py), inlined in the page.

The evaluator is an ES module without imports; an inline ``<script type="module">`` runs it
from ``file://`` as well (only module files fetched from disk are refused there). The page's
own code, ``explorer.js``, is appended in the same script so that it calls the module's
``evaluate`` and ``askNext`` directly, with nothing on ``globalThis``. What it needs to know
about the page (which field gives which fact, the clause anchors) is a constant ``SITE`` in
a block around it, written by :func:`backends.javascript.js_str`, which leaves no ``<``,
``>`` or ``&`` in it."""

from __future__ import annotations

from importlib import resources

from clausec import __version__
from clausec.backends.javascript import emit_javascript, js_str
from clausec.evaluation.result import ANSWER_WORDS
from clausec.ir import nodes as ir
from clausec.ir import types as t
from clausec.ir.interface import FactInterface, interface
from clausec.ir.values import to_json
from clausec.site.markup import escape

_DURATION_UNITS = {"days": "days", "working_days": "working days", "months": "months"}

REASON_WORDS = {
    "prohibits": "prohibited by",
    "overridden": "overridden:",
    "condition_false": "its condition is not met:",
    "exception_applies": "an exception applies:",
    "not_breached": "the duty whose breach it follows is not breached:",
    "no_provision": "no clause provides for it",
    "lapsed": "the right lapsed",
    "ended": "the right ended",
}


class UnsafeScript(Exception):
    """Script text that would end its ``<script>`` element early (a bug, never input)."""


def explorer_script() -> str:
    """The page's own code, as shipped beside this module."""
    return resources.files(__package__).joinpath("explorer.js").read_text(encoding="utf-8")


def inline_script(text: str) -> str:
    """``text`` for the inside of a ``<script>`` element. The evaluator writes every text of
    the contract as an escaped JSON string (no ``<``), so the only ``<`` are the code's own
    comparisons; anything that could close the element or open a comment is refused."""
    lowered = text.lower()
    for bad in ("</script", "<!--", "<script"):
        if bad in lowered:
            raise UnsafeScript(f"the script holds {bad!r}")
    return text


def shown_value(value: object) -> str:
    """A value in the JSON form of results as the page shows it: money as ``100 CNY``,
    durations as ``3 working days``, booleans as ``true`` / ``false`` (explorer.js's
    ``valueText`` shows answers the same way)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict) and set(value) == {"amount", "currency"}:
        return f"{value['amount']} {value['currency']}"
    if isinstance(value, dict) and set(value) == {"amount", "unit"}:
        return f"{value['amount']} {str(value['unit']).replace('_', ' ')}"
    return str(value)


def field_id(question_index: int, fact_index: int) -> str:
    return f"q{question_index}-f{fact_index}"


def _field(fact: FactInterface, contract: ir.Contract, fid: str) -> tuple[str, dict[str, object]]:
    """The markup of one fact's input, and what the script needs to read it."""
    declared = next(f for f in contract.facts if f.name == fact.name)
    spec: dict[str, object] = {"id": fid, "fact": fact.name}
    label = f'<label for="{fid}"><code>{escape(fact.name)}</code>'
    if fact.description:
        label += f' <span class="description">{escape(fact.description)}</span>'
    label += "</label>"
    typ = fact.type
    control: str
    if isinstance(typ, t.Boolean):
        spec["type"] = "boolean"
        control = (
            f'<select id="{fid}"><option value="">unknown</option>'
            '<option value="true">true</option><option value="false">false</option></select>'
        )
    elif isinstance(typ, t.Enum):
        spec["type"] = "enum"
        options = "".join(f'<option value="{escape(m)}">{escape(m)}</option>' for m in typ.members)
        control = f'<select id="{fid}"><option value="">unknown</option>{options}</select>'
    elif isinstance(typ, t.Date):
        spec["type"] = "event" if fact.kind == "event" else "date"
        control = f'<input id="{fid}" type="date">'
        if fact.kind == "event":
            control += (
                f' <label class="never"><input id="{fid}-never" type="checkbox"> '
                "never happens</label>"
            )
    elif isinstance(typ, t.Money):
        spec["type"] = "money"
        spec["currency"] = typ.currency
        control = (
            f'<input id="{fid}" type="text" inputmode="decimal" autocomplete="off">'
            f' <span class="unit">{escape(typ.currency)}</span>'
        )
    elif isinstance(typ, t.Duration):
        spec["type"] = "duration"
        spec["unit"] = _DURATION_UNITS[typ.unit_class]
        control = (
            f'<input id="{fid}" type="text" inputmode="numeric" autocomplete="off">'
            f' <span class="unit">{escape(_DURATION_UNITS[typ.unit_class])}</span>'
        )
    elif isinstance(typ, t.Integer | t.DecimalType):
        spec["type"] = "number"
        mode = "numeric" if isinstance(typ, t.Integer) else "decimal"
        control = f'<input id="{fid}" type="text" inputmode="{mode}" autocomplete="off">'
    else:
        spec["type"] = "text"
        control = f'<input id="{fid}" type="text" autocomplete="off">'
    notes = []
    bounds = []
    if fact.minimum is not None:
        bounds.append(f"at least {shown_value(fact.minimum)}")
    if fact.maximum is not None:
        bounds.append(f"at most {shown_value(fact.maximum)}")
    if bounds:
        text = ", ".join(bounds)
        notes.append(f'<p class="bounds">{escape(text[0].upper() + text[1:])}.</p>')
    if declared.presumption is not None:
        value = shown_value(to_json(declared.presumption.value))
        notes.append(
            f'<p class="presumption">If unknown: presumed <code>{escape(value)}</code>, '
            f"{escape(declared.presumption.reason)}</p>"
        )
    return (
        f'<div class="field">{label} {control}{"".join(notes)}</div>',
        spec,
    )


def question_forms(contract: ir.Contract, anchors: dict[str, str]) -> list[str]:
    """The "Questions" section: a form per question, its answer region, the data block and
    the script. Empty when the contract has no questions."""
    if not contract.questions:
        return []
    shape = interface(contract)
    out = [
        '<section aria-labelledby="questions-heading">',
        '<h2 id="questions-heading">Questions</h2>',
        "<p>Give what you know; leave the rest unknown. The answer is computed in this page "
        "by the contract's generated evaluator, with the reasons and the clauses they rest "
        "on.</p>",
    ]
    questions: list[dict[str, object]] = []
    for qi, (q, qs) in enumerate(zip(contract.questions, shape.questions, strict=True), 1):
        form = f"q{qi}"
        fields = []
        specs = []
        for fi, name in enumerate(qs.facts, start=1):
            markup, spec = _field(shape.fact(name), contract, field_id(qi, fi))
            fields.append(markup)
            specs.append(spec)
        questions.append({"name": q.name, "form": form, "fields": specs})
        described = f'<p class="description">{escape(q.description)}</p>' if q.description else ""
        out += [
            f'<article class="question" aria-labelledby="{form}-heading">',
            f'<h3 id="{form}-heading"><code>{escape(q.name)}</code> '
            f'<span class="tag">{escape(q.kind)}</span></h3>',
            described,
            f'<form id="{form}" class="ask" novalidate>',
            "<fieldset><legend>Facts</legend>",
            *(fields or ["<p>This question reads no facts.</p>"]),
            "</fieldset>",
            '<fieldset><legend>Evaluation</legend><div class="field">'
            f'<label for="{form}-as-of">As of</label> <input id="{form}-as-of" type="date"> '
            '<span class="unit">(empty: today)</span></div>'
            f'<div class="field"><label><input id="{form}-presume" type="checkbox" checked> '
            "apply the contract's presumptions</label></div></fieldset>",
            '<p><button type="submit">Answer</button></p>',
            "</form>",
            f'<div id="{form}-answer" class="answer" role="status" aria-live="polite"></div>',
            "</article>",
        ]
    data = {
        "questions": questions,
        "anchors": anchors,
        "answers": ANSWER_WORDS,
        "reasons": REASON_WORDS,
    }
    module = emit_javascript(contract, clausec_version=__version__)
    out += [
        '<script type="module">',
        inline_script(f"{module}\n{{\nconst SITE = {js_str(data)};\n{explorer_script()}}}\n"),
        "</script>",
        "</section>",
    ]
    return [line for line in out if line]
