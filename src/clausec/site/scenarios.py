"""The contract's scenarios as `clausec test` runs them: each with its facts, its
expectations and whether they hold, and the clause coverage of them all."""

from __future__ import annotations

from clausec.evaluation import scenarios as runs
from clausec.ir import nodes as ir
from clausec.ir.text import value_words
from clausec.site.markup import escape


def scenario_section(contract: ir.Contract, anchors: dict[str, str]) -> list[str]:
    """The "Scenarios" section; empty when the contract has none. Times are left out (they
    differ from run to run); answers as of today (a scenario without ``as of``) are today's."""
    if not contract.scenarios:
        return []
    report = runs.run(contract)
    passed = report.passed
    total = passed + len(report.failures)
    out = [
        '<section aria-labelledby="scenarios-heading">',
        '<h2 id="scenarios-heading">Scenarios</h2>',
        f'<p class="summary">{passed} of {total} expectations hold.</p>',
        *_coverage(report, anchors),
    ]
    for position, (scenario, result) in enumerate(
        zip(contract.scenarios, report.scenarios, strict=True), start=1
    ):
        state = "fails" if result.failures else "passes"
        heading = f"scenario-{position}-heading"
        out += [
            f'<article class="scenario {state}" aria-labelledby="{heading}">',
            f'<h3 id="{heading}">{escape(scenario.title)} '
            f'<span class="tag {state}">{state}</span></h3>',
        ]
        if scenario.givens or scenario.as_of is not None:
            given = "".join(
                f"<li><code>{escape(name)}</code> = {escape(value_words(value))}</li>"
                for name, value in scenario.givens
            )
            as_of = (
                f"<li>as of {escape(str(scenario.as_of))}</li>"
                if scenario.as_of is not None
                else "<li>as of today</li>"
            )
            out.append(f'<ul class="givens">{given}{as_of}</ul>')
        out.append('<ul class="expectations">')
        for e in scenario.expectations:
            out.append(f"<li>{_expectation(e, anchors)}</li>")
        out.append("</ul>")
        for f in result.failures:
            problems = "".join(f"<li>{escape(p)}</li>" for p in f.problems)
            out.append(
                f'<div class="failure"><p><code>{escape(f.question)}</code> '
                f"{'could not be answered' if f.error else 'does not hold'}:</p>"
                f"<ul>{problems}</ul></div>"
            )
        if result.exercised:
            exercised = ", ".join(
                _link(c.number, anchors) for c in contract.clauses if c.number in result.exercised
            )
            out.append(f'<p class="exercised">Rests on clauses {exercised}.</p>')
        out.append("</article>")
    out.append("</section>")
    return out


def _expectation(e: ir.Expectation, anchors: dict[str, str]) -> str:
    answer = e.answer.replace("_", " ")
    if e.value is not None:
        answer = value_words(e.value)
    text = f"<code>{escape(e.question)}</code> is {escape(answer)}"
    if e.due_by is not None:
        text += f" by {escape(value_words(e.due_by))}"
    if e.because:
        text += " because " + ", ".join(_reference(r, anchors) for r in e.because)
    if e.overriding:
        text += ", overriding " + ", ".join(_reference(r, anchors) for r in e.overriding)
    if e.depending_on:
        text += ", depending on " + ", ".join(f"<code>{escape(d)}</code>" for d in e.depending_on)
    return text


def _reference(r: ir.ClauseRef, anchors: dict[str, str]) -> str:
    if r.contract is None and r.number is not None:
        return _link(r.number, anchors)
    return escape(str(r))


def _link(number: str, anchors: dict[str, str]) -> str:
    if number in anchors:
        return f'<a href="#{anchors[number]}">{escape(number)}</a>'
    return escape(number)


def _coverage(report: runs.Report, anchors: dict[str, str]) -> list[str]:
    covered, total = len(report.exercised), len(report.clauses)
    out = [
        f'<p class="coverage">The expectations rest on {covered} of the {total} normative '
        "clauses.</p>"
    ]
    if report.unexercised:
        missing = ", ".join(_link(n, anchors) for n in report.unexercised)
        out.append(f'<p class="coverage">No expectation rests on {missing}.</p>')
    if report.unasked:
        unasked = ", ".join(f"<code>{escape(q)}</code>" for q in report.unasked)
        out.append(f'<p class="coverage">No expectation asks {unasked}.</p>')
    return out
