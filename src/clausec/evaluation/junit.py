"""``clausec test --format junit``: scenario results as a JUnit XML report.

The format is the JUnit XML that Jenkins documents for its JUnit plugin (Ant's format with
every attribute but a suite's ``name`` and ``tests`` and a case's ``name`` optional), which
GitLab, GitHub test reporters and most CI systems read; ``tests/schemas/junit.xsd`` describes
it and the tests validate every report against it.

One ``<testsuite>`` per contract file, one ``<testcase>`` per scenario (``classname`` the
contract, ``name`` the scenario's title). A scenario whose expectation could not be evaluated
is an ``<error>``; one with an answer that differs from the expected one a ``<failure>``,
whose text lists every failed expectation with its place, the differences and the clauses
its answer rests on. The answers' warnings go to the case's ``<system-out>``.

The report is deterministic: the same files give the same bytes. ``time`` attributes are 0
and there is no ``timestamp`` unless ``record_times`` asks for the measured run times (to the
millisecond) and the time the run started."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

import attrs

from clausec.evaluation.scenarios import Failure, Report, ScenarioResult

# What XML 1.0 cannot hold (https://www.w3.org/TR/xml/#charsets): C0 controls but tab and
# line breaks, U+FFFE, U+FFFF and lone surrogates. Scenario titles come from third-party
# files and may hold them (`\u{1}`); they are shown as U+FFFD, as the text output does.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(text: str) -> str:
    """``text`` as an XML 1.0 document can hold it: what XML forbids becomes U+FFFD. Every
    string of the report goes through here; ElementTree then escapes ``&``, ``<``, ``>``,
    quotes and (in attributes) line breaks and tabs as it serialises."""
    return _NOT_XML.sub("\N{REPLACEMENT CHARACTER}", text)


@attrs.frozen
class Check:
    """A test that is not a scenario (the coverage thresholds of ``--min-coverage``): it
    passes when ``problem`` is None."""

    name: str
    problem: str | None


def render(
    reports: Sequence[Report],
    *,
    checks: Sequence[Check] = (),
    record_times: bool = False,
    started: dt.datetime | None = None,
) -> str:
    """The JUnit XML report of ``reports`` (and of ``checks``, in a suite of their own).
    With ``record_times``, ``time`` attributes hold measured seconds and each suite has the
    UTC ``timestamp`` of ``started`` (default: now)."""
    stamp = None
    if record_times:
        moment = (started or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
        stamp = moment.replace(tzinfo=None, microsecond=0).isoformat()
    root = _element("testsuites", None, name="clausec test")
    every: list[tuple[int, int, int, float]] = []
    files: dict[str, list[Report]] = {}
    for report in reports:
        files.setdefault(report.file, []).append(report)
    for file, group in files.items():
        cases = [(r.contract, s) for r in group for s in r.scenarios]
        counts = (
            len(cases),
            sum(bool(s.failures) and not s.errored for _, s in cases),
            sum(s.errored for _, s in cases),
            sum(s.seconds for _, s in cases) if record_times else 0.0,
        )
        suite = _suite(root, file, counts, stamp)
        for contract, scenario in cases:
            _scenario_case(suite, contract, scenario, record_times)
        every.append(counts)
    if checks:
        counts = (len(checks), sum(c.problem is not None for c in checks), 0, 0.0)
        suite = _suite(root, "clausec test --min-coverage", counts, stamp)
        for check in checks:
            case = _element("testcase", suite, name=check.name, classname="coverage")
            _set(case, time=_seconds(0.0))
            if check.problem is not None:
                _element("failure", case, message=check.problem, type="coverage")
        every.append(counts)
    _set(
        root,
        tests=str(sum(c[0] for c in every)),
        failures=str(sum(c[1] for c in every)),
        errors=str(sum(c[2] for c in every)),
        time=_seconds(sum(c[3] for c in every)),
    )
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _suite(
    root: ET.Element, name: str, counts: tuple[int, int, int, float], stamp: str | None
) -> ET.Element:
    tests, failures, errors, seconds = counts
    suite = _element(
        "testsuite",
        root,
        name=name,
        tests=str(tests),
        failures=str(failures),
        errors=str(errors),
        skipped="0",
        time=_seconds(seconds),
    )
    if stamp is not None:
        _set(suite, timestamp=stamp)
    return suite


def _scenario_case(
    suite: ET.Element, contract: str, scenario: ScenarioResult, record_times: bool
) -> None:
    case = _element("testcase", suite, name=scenario.title, classname=contract)
    _set(case, time=_seconds(scenario.seconds if record_times else 0.0))
    if scenario.failures:
        errors = [f for f in scenario.failures if f.error]
        first = (errors or list(scenario.failures))[0]
        message = f"{first.question}: {first.problems[0]}"
        if len(scenario.failures) > 1:
            message += f" (and {len(scenario.failures) - 1} more)"
        kind, kind_type = ("error", "EvaluationError") if errors else ("failure", "expectation")
        element = _element(kind, case, message=message, type=kind_type)
        element.text = xml_text("\n".join(_details(f) for f in scenario.failures) + "\n")
    if scenario.warnings:
        out = _element("system-out", case)
        out.text = xml_text(
            "".join(f"warning {w.span}: {w.question}: {w.message}\n" for w in scenario.warnings)
        )


def _details(failure: Failure) -> str:
    lines = [f"{failure.span}: {failure.question}"]
    if failure.error:
        lines.append(f"  cannot evaluate: {failure.problems[0]}")
    else:
        lines += [f"  {p}" for p in failure.problems]
        if failure.clauses:
            plural = "s" if len(failure.clauses) > 1 else ""
            rests_on = ", ".join(f'"{c}"' for c in failure.clauses)
            lines.append(f"  the answer rests on clause{plural} {rests_on}")
        else:
            lines.append("  the answer rests on no clause")
    return "\n".join(lines)


def _seconds(value: float) -> str:
    return f"{value:.3f}"


def _element(tag: str, parent: ET.Element | None, **attributes: str) -> ET.Element:
    element = ET.Element(tag) if parent is None else ET.SubElement(parent, tag)
    _set(element, **attributes)
    return element


def _set(element: ET.Element, **attributes: str) -> None:
    """Set attributes, each value through :func:`xml_text`."""
    for key, value in attributes.items():
        element.set(key, xml_text(value))
