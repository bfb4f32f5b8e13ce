"""Lower a checked module to the normalized IR: norms, priorities, questions, scenarios."""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any, Literal

import attrs

from clausec.diagnostics import Diagnostic, Note, Severity, error, warning
from clausec.diagnostics.codes import REGISTRY
from clausec.evaluation import calendar
from clausec.ir import nodes as ir
from clausec.ir import types as T
from clausec.ir.numbering import likely_meant, sub_clauses, within
from clausec.ir.values import Value, order_key
from clausec.quotes import normal_form
from clausec.semantic.expressions import ExprChecker, type_of
from clausec.semantic.symbols import Symbols, collect, did_you_mean
from clausec.source import SourceFile, Span
from clausec.syntax import ast

LANGUAGES = ("zh", "zh-HK", "de", "lv", "ru", "en")
_MODALITY: dict[str, ir.Modality] = {
    "must": "obligation",
    "must_not": "prohibition",
    "may": "permission",
    "can": "power",
}
# Clause numbers are shown in diagnostics, answers and graphs and are keys of every generated
# evaluator: no line breaks, controls or invisible formatting (bidi overrides reorder what a
# reviewer sees), nothing unassigned, and short enough to read.
MAX_CLAUSE_NUMBER = 100
_UNSHOWABLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def clause_number_problem(number: str) -> str | None:
    """Why ``number`` cannot be a clause number, or None."""
    if not number.strip():
        return "is blank"
    if number != number.strip():
        return "starts or ends with white space"
    if len(number) > MAX_CLAUSE_NUMBER:
        return f"is longer than {MAX_CLAUSE_NUMBER} characters"
    for ch in number:
        if unicodedata.category(ch) in _UNSHOWABLE:
            return f"holds U+{ord(ch):04X} ({_character_name(ch)})"
    return None


def _character_name(ch: str) -> str:
    if ch in _CONTROL_NAMES:
        return _CONTROL_NAMES[ch]
    return unicodedata.name(ch, "a control character" if ord(ch) < 0xA0 else "unassigned").lower()


_CONTROL_NAMES = {"\n": "a line break", "\r": "a carriage return", "\t": "a tab"}


_ANSWERS_FOR = {
    "may": ("yes", "no", "undetermined"),
    "must": ("obliged", "not_obliged", "undetermined"),
    "deadline": ("value", "without_undue_delay", "immediately", "none", "undetermined"),
    "value": ("value", "undetermined"),
    "amount": ("value", "all", "part", "unspecified", "none", "undetermined"),
}


def lower(
    module: ast.Module, source: SourceFile, diagnostics: list[Diagnostic]
) -> ir.Contract | None:
    """The IR of one module, or None when its header is unusable. Appends to ``diagnostics``."""
    return _Lowering(module, source, diagnostics).run()


class _Lowering:
    def __init__(
        self, module: ast.Module, source: SourceFile, diagnostics: list[Diagnostic]
    ) -> None:
        self.module = module
        self.source = source
        self.diagnostics = diagnostics
        self.symbols: Symbols = collect(module, diagnostics)
        self.exprs = ExprChecker(self.symbols, diagnostics)
        self.norms: list[ir.Norm] = []
        # The bounds of facts that declare them: (least, greatest), either may be None.
        self.bounds: dict[str, tuple[ir.Const | None, ir.Const | None]] = {}
        self.norms_by_clause: dict[str, list[str]] = {}
        self.priorities: list[ir.Priority] = []
        self.external: list[ir.ExternalPriority] = []
        self.pending: list[tuple[str, ast.PriorityItem]] = []
        self.otherwise_provided: list[ir.Norm] = []
        self.incompatible: list[tuple[str, ...]] = []
        self.incompatible_acts: list[tuple[ir.Act, ...]] = []
        self.extensions: list[ir.DeadlineExtension] = []
        self.positions: dict[str, int] = {}
        self.object_types: dict[str, T.Type] = {}
        self.questions: dict[str, ir.Question] = {}
        self.precedences: list[tuple[str, list[ir.ClauseRef], list[ir.ClauseRef], Span]] = []
        self.accepts: list[ir.Accept] = []
        self.norms_about: dict[tuple[str, str, str], list[str]] = {}  # party, action, object

    def err(
        self, code: str, message: str, span: Span | None, label: str = "", **kw: object
    ) -> None:
        self.diagnostics.append(error(code, message, span, label, **kw))  # type: ignore[arg-type]

    # ------------------------------------------------------------ driver

    def run(self) -> ir.Contract | None:
        header = self.module.header
        if header is None:
            return None
        meta = self._header(header)
        for a in header.accepts:
            self._accept(a, None)
        s = self.symbols
        parties = tuple(
            ir.Party(
                p.name.name, p.role.value, p.legal_name.value if p.legal_name else None, p.span
            )
            for p in s.parties.values()
        )
        facts = [
            self._bounded(
                ir.Fact(
                    n,
                    self.exprs.fact_types[n],
                    "fact",
                    f.description.value if f.description else None,
                    f.span,
                    self._presumption(n, f.presumption, self.exprs.fact_types[n]),
                ),
                f.bounds,
            )
            for n, f in s.facts.items()
            if n in self.exprs.fact_types
        ]
        facts += [
            ir.Fact(
                n,
                T.DATE,
                "event",
                e.description.value if e.description else None,
                e.span,
                self._presumption(n, e.presumption, T.DATE),
            )
            for n, e in s.events.items()
        ]
        definitions = tuple(d for d in (self.exprs.definition(n) for n in s.definitions) if d)
        actions = tuple(
            ir.Action(a.name.name, a.description.value if a.description else None, a.span)
            for a in s.actions.values()
        )
        objects = tuple(self._object(o) for o in s.objects.values())
        self.object_types = {o.name: o.type for o in objects if o.type is not None}
        for decl in self.module.declarations:
            if isinstance(decl, ast.Incompatible):
                self._incompatible(decl)
        clauses = tuple(self._clauses())
        self._resolve_priorities()
        self._check_about(clauses)
        for n in self.norms:
            self.norms_about.setdefault((n.party, n.action, n.object), []).append(n.id)
        questions = tuple(q for q in (self._question(q) for q in s.questions.values()) if q)
        self.questions = {q.name: q for q in questions}
        scenarios = tuple(
            self._scenario(d) for d in self.module.declarations if isinstance(d, ast.Scenario)
        )
        return ir.Contract(
            id=header.contract.name,
            title=meta["title"],
            source_document=meta["source"],
            language=meta["language"],
            calendar=meta["calendar"],
            file=self.module.file,
            source_sha256=self.source.sha256,
            parties=parties,
            facts=tuple(facts),
            definitions=definitions,
            actions=actions,
            objects=objects,
            incompatible=tuple(self.incompatible),
            imports=tuple(
                ir.Import(i.contract.name, i.path.value if i.path else None, i.span)
                for i in s.imports.values()
            ),
            documents=tuple(
                ir.Document(d.name.name, d.title.value, d.span) for d in s.documents.values()
            ),
            clauses=clauses,
            norms=tuple(self.norms),
            priorities=tuple(self.priorities),
            external_priorities=tuple(self.external),
            deadline_extensions=tuple(self.extensions),
            questions=questions,
            scenarios=scenarios,
            span=header.span,
            accepts=tuple(self.accepts),
            incompatible_acts=tuple(self.incompatible_acts),
            periods_end_on_working_days=header.periods is not None,
            running_headers=tuple(h.value for h in header.running_headers),
        )

    def _header(self, h: ast.Header) -> dict[str, str]:
        missing = [k for k in ("title", "source", "language", "calendar") if getattr(h, k) is None]
        if missing:
            self.err(
                "E0400",
                f"the contract header lacks {', '.join(f'`{m}`' for m in missing)}",
                h.contract.span,
                "in this header",
                hint='a header reads: contract ID title "…" source "FILE.txt" language zh '
                "calendar CN",
            )
        if h.language and h.language.name not in LANGUAGES:
            self.err(
                "E0401",
                f"unknown language tag `{h.language.name}`",
                h.language.span,
                "unknown",
                hint=did_you_mean(h.language.name, LANGUAGES)
                or f"known tags: {', '.join(LANGUAGES)}",
            )
        if h.calendar and not calendar.is_known(h.calendar.name):
            self.err(
                "E0402",
                f"unknown working-day calendar `{h.calendar.name}`",
                h.calendar.span,
                "not a country or subdivision code of `holidays`",
                hint=calendar.unknown_code_hint(h.calendar.name),
            )
        return {
            "title": h.title.value if h.title else "",
            "source": h.source.value if h.source else "",
            "language": h.language.name if h.language else "",
            "calendar": h.calendar.name if h.calendar else "",
        }

    def _object(self, o: ast.ObjectDecl) -> ir.Object:
        t = type_of(o.type, o.name.name, self.diagnostics) if o.type else None
        return ir.Object(o.name.name, t, o.description.value if o.description else None, o.span)

    def _incompatible(self, decl: ast.Incompatible) -> None:
        if decl.objects:
            acts = {
                ir.Act(a.name, o.name)
                for a, o in zip(decl.actions, decl.objects, strict=True)
                if self._check_action(a) & self._check_object(o)  # both reported
            }
            if len(acts) >= 2:
                self.incompatible_acts.append(tuple(sorted(acts)))
            return
        names = []
        for a in decl.actions:
            if self._check_action(a):
                names.append(a.name)
        if len(set(names)) >= 2:
            self.incompatible.append(tuple(sorted(set(names))))

    # ------------------------------------------------------------ name checks

    def _check_party(self, ident: ast.Ident) -> bool:
        if ident.name in self.symbols.parties:
            return True
        self.err(
            "E0201",
            f"unknown party `{ident.name}`",
            ident.span,
            "not a declared party",
            hint=did_you_mean(ident.name, self.symbols.parties)
            or 'declare it with `party NAME role "…"`',
        )
        return False

    def _check_action(self, ident: ast.Ident) -> bool:
        if ident.name in self.symbols.actions:
            return True
        self.err(
            "E0202",
            f"unknown action `{ident.name}`",
            ident.span,
            "not a declared action",
            hint=did_you_mean(ident.name, self.symbols.actions)
            or f'declare it with `action {ident.name} "…"`',
        )
        return False

    def _check_object(self, ident: ast.Ident) -> bool:
        if ident.name in self.symbols.objects or ident.name in self.symbols.parties:
            return True
        self.err(
            "E0203",
            f"unknown object `{ident.name}`",
            ident.span,
            "not a declared object",
            hint=did_you_mean(ident.name, [*self.symbols.objects, *self.symbols.parties])
            or f'declare it with `object {ident.name} "…"`',
        )
        return False

    def _accept(self, a: ast.Accept, clause: str | None) -> None:
        if a.reason is None or not a.reason.value.strip():
            self.err(
                "E0409",
                "an accepted finding needs a reason",
                a.span,
                "no reason",
                hint='write `because "why the finding is accepted"`',
            )
        for code in a.codes:
            known = REGISTRY.get(code.name)
            if known is None or known.severity is Severity.ERROR:
                self.err(
                    "E0410",
                    f"`{code.name}` is not a code that can be accepted",
                    code.span,
                    "not a warning or info code",
                    hint="only the warnings and infos of `clausec check` (docs/checks.md) "
                    "can be accepted",
                )
            elif a.reason is not None and a.reason.value.strip():
                self.accepts.append(ir.Accept(code.name, a.reason.value, clause, code.span))

    def _bounded(self, fact: ir.Fact, bounds: tuple[ast.Bound, ...]) -> ir.Fact:
        """``fact`` with its ``at least`` / ``at most`` values: literals of an ordered type,
        each given once, the least not above the greatest, the presumed value between."""
        values: dict[str, ir.Const] = {}
        for b in bounds:
            words = "at least" if b.kind == "minimum" else "at most"
            if not isinstance(fact.type, T.Integer | T.DecimalType | T.Money | T.Date | T.Duration):
                self.err(
                    "E0413",
                    f"`{fact.name}` is {fact.type}: only numbers, amounts, dates and durations "
                    "have bounds",
                    b.span,
                    "no order",
                )
                continue
            if b.kind in values:
                self.err("E0204", f"`{fact.name}` has `{words}` twice", b.span, "again")
                continue
            c = self.exprs.constant(b.value, fact.type, f"the `{words}` of `{fact.name}`")
            if c is not None:
                values[b.kind] = c
        low, high = values.get("minimum"), values.get("maximum")
        if low is not None and high is not None and _above(low.value, high.value):
            self.err(
                "E0413",
                f"`{fact.name}` is at least {low.value} and at most {high.value}: no value fits",
                high.span,
                "below the least value",
                notes=[Note("the least value", low.span)],
            )
            return fact
        presumed = fact.presumption.value if fact.presumption is not None else None
        if presumed is not None and out_of_bounds(presumed, low, high):
            self.err(
                "E0413",
                f"the presumed value of `{fact.name}` ({presumed}) is outside its bounds ("
                + ", ".join(
                    f"{words} {b.value}"
                    for words, b in (("at least", low), ("at most", high))
                    if b is not None
                )
                + ")",
                fact.presumption.span if fact.presumption is not None else None,
                "out of bounds",
            )
        if low is not None or high is not None:
            self.bounds[fact.name] = (low, high)
        return attrs.evolve(
            fact,
            minimum=low.value if low is not None else None,
            maximum=high.value if high is not None else None,
        )

    def _presumption(
        self, name: str, p: ast.Presumption | None, t: T.Type
    ) -> ir.Presumption | None:
        if p is None:
            return None
        c = self.exprs.constant(p.value, t, f"the presumed value of `{name}`")
        if not p.reason.value.strip():
            self.err(
                "E0412",
                f"the presumption of `{name}` gives no reason",
                p.reason.span,
                "empty",
                hint="say why the value is presumed and where that rule comes from: "
                'presumed false because "a breach must be shown" per "6.2"',
            )
        refs = self._refs(p.rests_on)
        if c is None:
            return None
        return ir.Presumption(c.value, p.reason.value, tuple(refs), p.span)

    def _refs(self, refs: Iterable[ast.Ref], *, semantic: bool = True) -> list[ir.ClauseRef]:
        """Check references; references into other contracts are checked by the driver.

        A missing clause in a reference that carries no meaning (``refers to``, ``semantic``
        false) is only a warning and is kept as written: source documents do cite the wrong
        clause, and the transcription keeps their text."""
        out = []
        for r in refs:
            if isinstance(r, ast.DocumentRef):
                own = self.module.header.contract.name if self.module.header else None
                if (
                    r.name.name != own
                    and r.name.name not in self.symbols.imports
                    and r.name.name not in self.symbols.documents
                ):
                    self._unknown_document(r.name)
                    continue
                out.append(ir.ClauseRef(None, r.name.name, r.span))
                continue
            number = r.number.value
            if r.contract is None and number not in self.symbols.clauses:
                section = sub_clauses(number, self.symbols.clauses)
                meant = likely_meant(number, self.symbols.clauses)
                if not semantic and not section:
                    self.diagnostics.append(
                        warning(
                            "W0540",
                            f"`refers to` names clause {number!r}, which is not in this contract",
                            r.number.span,
                            "missing clause",
                            hint=f'did you mean "{meant}"?'
                            if meant
                            else "keep it if the source document says so, and accept W0540 "
                            "with a reason",
                        )
                    )
                elif semantic:
                    # A priority or a ground is a clause's norms: a section is not one clause.
                    self.err(
                        "E0206",
                        f"there is no clause {number!r} in this contract",
                        r.number.span,
                        "missing clause",
                        hint=_section_hint(number, section)
                        if section
                        else (f'did you mean "{meant}"?' if meant else None),
                    )
                    continue
            elif (
                r.contract is not None
                and r.contract.name not in self.symbols.imports
                and r.contract.name not in self.symbols.documents
            ):
                self._unknown_document(r.contract)
                continue
            out.append(ir.ClauseRef(number, r.contract.name if r.contract else None, r.span))
        return out

    def _check_about(self, clauses: tuple[ir.Clause, ...]) -> None:
        """W0545: a `refers to "12" about request` whose section 12 has no norm about
        `request`. Documents do cite the wrong section; the check finds it from what the
        referring text says, and suggests only clauses whose norms are about it."""
        numbers = [c.number for c in clauses]
        objects: dict[str, set[str]] = {}
        for n in self.norms:
            objects.setdefault(n.clause, set()).add(n.object)
        for c in clauses:
            for r in c.refers_to:
                if not r.about or r.contract is not None or r.number is None:
                    continue
                target = [x for x in numbers if within(x, r.number)]
                if not target or any(objects.get(x, set()) & set(r.about) for x in target):
                    continue
                about = ", ".join(f"`{o}`" for o in r.about)
                elsewhere = [
                    x for x in numbers if x != c.number and objects.get(x, set()) & set(r.about)
                ]
                shown = ", ".join(f'"{x}"' for x in elsewhere[:4]) + (
                    ", …" if len(elsewhere) > 4 else ""
                )
                self.diagnostics.append(
                    warning(
                        "W0545",
                        f"clause {c.number!r} refers to {r.number!r} about {about}, but no "
                        f"norm of {r.number!r} is about {'it' if len(r.about) == 1 else 'them'}",
                        r.span,
                        "about something else",
                        hint=(f"norms about {about} are in clauses {shown}; " if elsewhere else "")
                        + "if the source cites the wrong place, keep it as written and accept "
                        "W0545 with a reason",
                    )
                )

    def _unknown_document(self, ident: ast.Ident) -> None:
        self.err(
            "E0207",
            f"unknown contract or document `{ident.name}`",
            ident.span,
            "not imported or declared",
            hint=did_you_mean(ident.name, [*self.symbols.imports, *self.symbols.documents])
            or f'add `import {ident.name}` or `document {ident.name} "…"`',
        )

    # ------------------------------------------------------------ clauses and norms

    def _clauses(self) -> Iterable[ir.Clause]:
        for decl in self.module.declarations:
            if not isinstance(decl, ast.Clause):
                continue
            if self.symbols.clauses.get(decl.number.value) is decl:
                yield self._clause(decl)
            else:  # a duplicate number (reported): still check its body, then drop it all
                lists: list[list[Any]] = [
                    self.norms,
                    self.pending,
                    self.precedences,
                    self.extensions,
                    self.otherwise_provided,
                ]
                lengths = [len(x) for x in lists]
                by_clause, positions = dict(self.norms_by_clause), dict(self.positions)
                self.positions.pop(decl.number.value, None)
                self._clause(decl)
                self.positions = positions
                for x, n in zip(lists, lengths, strict=True):
                    del x[n:]
                self.norms_by_clause = by_clause

    def _clause(self, c: ast.Clause) -> ir.Clause:
        number = c.number.value
        problem = clause_number_problem(number)
        if problem is not None:
            self.err(
                "E0411",
                f"clause number {number!r} {problem}",
                c.number.span,
                "cannot be a clause number",
                hint="write the number as the document prints it, on one line, e.g. "
                '`clause "§ 5 (2)"`',
            )
        given: dict[str, str] = {}
        refers: list[ir.ClauseRef] = []
        for a in c.attrs:
            if isinstance(a, ast.RefersTo):
                about = tuple(i.name for i in a.about if self._check_object(i))
                refers += [
                    attrs.evolve(r, about=about) if about and r.number is not None else r
                    for r in self._refs(a.refs, semantic=False)
                ]
                continue
            if isinstance(a, ast.Accept):
                self._accept(a, number)
                continue
            if a.kind in given:
                self.err("E0204", f"clause {number!r} gives `{a.kind}` twice", a.span, "second one")
            given[a.kind] = a.value.value
        if c.normative:
            if "quote" not in given:
                self.err(
                    "E0404",
                    f"clause {number!r} has no verbatim quote",
                    c.number.span,
                    "quote missing",
                    hint='add `quote "…"` with the clause text in the original language',
                )
            if "reason" in given:
                self.err(
                    "E0407",
                    "`reason` belongs to non-normative clauses",
                    c.span,
                    "in a normative clause",
                    hint="use `non-normative` for text that creates no norm",
                )
            if not c.items:
                self.err(
                    "E0405",
                    f"clause {number!r} states no norm",
                    c.number.span,
                    "no norm",
                    hint="write its norms, or mark it `non-normative` with a `reason`",
                )
        elif "reason" not in given:
            self.err(
                "E0403",
                f"non-normative clause {number!r} gives no reason",
                c.number.span,
                "reason missing",
                hint='say why it creates no norm, e.g. `reason "definition"`',
            )
        ids: list[str] = []
        self.norms_by_clause[number] = ids
        for item in c.items:
            match item:
                case ast.Norm():
                    self._norm(number, item, ids, None)
                case ast.Precedence():
                    self._precedence(number, item)
                case ast.DeadlineExtension():
                    amount = self.exprs.check_duration(item.amount, "the extension")
                    cond = self.exprs.check_condition(item.condition) if item.condition else None
                    if amount is not None and (item.condition is None or cond is not None):
                        self.extensions.append(
                            ir.DeadlineExtension(amount, cond, number, item.span)
                        )
        quote = next(
            (a for a in c.attrs if isinstance(a, ast.ClauseAttr) and a.kind == "quote"), None
        )
        headers = self.module.header.running_headers if self.module.header else ()
        return ir.Clause(
            number,
            c.normative,
            normal_form(quote.value.value, [h.value for h in headers]) if quote else None,
            given.get("gloss"),
            given.get("reason"),
            tuple(refers),
            tuple(ids),
            c.span,
            quote.value.span if quote else None,
        )

    def _norm(self, clause: str, n: ast.Norm, ids: list[str], remedy_of: ir.Norm | None) -> None:
        h = n.head
        ok = all(
            [self._check_party(h.party), self._check_action(h.action), self._check_object(h.object)]
        )
        if h.beneficiary is not None:
            ok = self._check_party(h.beneficiary) and ok
        # Ids number norms by position in the clause, so they stay put when a sibling is invalid.
        self.positions[clause] = self.positions.get(clause, 0) + 1
        norm_id = f"{clause}#{self.positions[clause]}"
        conditions: list[ir.Expr] = []
        exceptions: list[ir.Expr] = []
        deadline: ir.Deadline | None = None
        extensions: list[ir.Extension] = []
        forms: list[str] = []
        performed_on: str | None = None
        breach: ir.Expr | None = None
        ending: ast.EndingOn | None = None
        otherwise = False
        for item in n.items:
            match item:
                case ast.Condition():
                    e = self.exprs.check_condition(item.expr)
                    ok = ok and e is not None
                    if e is not None:
                        conditions.append(e)
                case ast.Exception_():
                    e = self.exprs.check_condition(item.expr)
                    ok = ok and e is not None
                    if e is not None:
                        exceptions.append(e)
                case ast.OtherwiseProvided():
                    otherwise = True
                case ast.PriorityItem():
                    self.pending.append((norm_id, item))
                case ast.Form():
                    forms += [f.name for f in item.forms]
                case ast.PerformedOn() | ast.BreachWhen() | ast.EndingOn() if any(
                    type(other) is type(item) for other in n.items[: n.items.index(item)]
                ):
                    self.err(
                        "E0406",
                        "a norm states this only once; this is the second",
                        item.span,
                        "second one",
                    )
                    ok = False
                case ast.PerformedOn():
                    if item.event.name not in self.symbols.events:
                        self.err(
                            "E0304",
                            f"`performed on` needs an event; `{item.event.name}` "
                            "is not a declared event",
                            item.event.span,
                            "not an event",
                            hint=did_you_mean(item.event.name, self.symbols.events),
                        )
                        ok = False
                    performed_on = item.event.name
                case ast.EndingOn():
                    ending = item
                case ast.BreachWhen():
                    breach = self.exprs.check_condition(item.expr)
                    ok = ok and breach is not None
                case ast.Extension():
                    amount = self.exprs.check_duration(item.amount, "the extension")
                    cond = self.exprs.check_condition(item.condition) if item.condition else None
                    if amount is None or (item.condition is not None and cond is None):
                        ok = False
                    else:
                        extensions.append(ir.Extension(item.mode, amount, cond, item.span))
                case _:
                    d = self._deadline(item)
                    if d is None:
                        ok = False
                    elif deadline is not None:
                        self.err(
                            "E0406",
                            "a norm has one deadline; this is its second",
                            item.span,
                            "second deadline",
                            notes=[Note("first deadline", deadline.span)],
                            hint="split the norm in two, or combine dates with "
                            "`earliest of (…)` / `latest of (…)`",
                        )
                    else:
                        deadline = d
        deadline = self._period_end(deadline, ending)
        norm_amount = None
        if h.amount is not None:
            object_type = self.object_types.get(h.object.name)
            if h.amount.expr is None:
                expr = None
            elif object_type is not None:
                expr = self.exprs.check_as(
                    h.amount.expr, object_type, f"the amount of `{h.object.name}`"
                )
            else:
                expr = self.exprs.check(h.amount.expr)
            if h.amount.expr is not None and expr is None:
                ok = False
            norm_amount = ir.Amount(h.amount.kind, expr, h.amount.span)
        condition = _conjunction(conditions, n.head.span)
        norm = ir.Norm(
            id=norm_id,
            clause=clause,
            modality=_MODALITY[h.modality],
            party=h.party.name,
            action=h.action.name,
            object=h.object.name,
            beneficiary=h.beneficiary.name if h.beneficiary else None,
            amount=norm_amount,
            condition=condition,
            exceptions=tuple(exceptions),
            deadline=deadline,
            extensions=tuple(extensions),
            forms=tuple(forms),
            performed_on=performed_on,
            breach=breach,
            remedy_of=remedy_of.id if remedy_of else None,
            otherwise_provided=otherwise,
            span=n.span,
        )
        if ok:
            self.norms.append(norm)
            ids.append(norm_id)
            if otherwise:
                self.otherwise_provided.append(norm)
        if n.remedies and norm.modality in ("permission", "power"):
            self.diagnostics.append(
                warning(
                    "W0100",
                    f"a {norm.modality} cannot be breached, so its `otherwise` never applies",
                    n.remedies[0].span,
                    "remedy",
                    hint="remedies follow obligations (`must`) and prohibitions (`must not`)",
                )
            )
        for r in n.remedies:
            self._norm(clause, r, ids, norm)

    def _period_end(
        self, deadline: ir.Deadline | None, ending: ast.EndingOn | None
    ) -> ir.Deadline | None:
        """Whether the deadline's last day moves to a working day: as the norm says, else as
        the header says. Only the end of a forward period or a fixed day of performance moves
        (``within``, ``by``); see docs/semantics.md, "Periods ending on working days"."""
        movable = deadline is not None and deadline.kind in ("within", "by")
        if ending is not None and not movable:
            self.err(
                "E0414",
                "`ending on …` moves the last day of a `within` or `by` deadline; "
                + (
                    f"this norm's deadline is `{_DEADLINE_WORDS[deadline.kind]}`"
                    if deadline
                    else "this norm has none"
                ),
                ending.span,
                "nothing to move",
                hint="a period counted backwards (`at least … before`), `before`, `until` and "
                "monthly days are not moved; remove this item",
            )
        if deadline is None or not movable:
            return deadline
        header = self.module.header
        moves = ending.working if ending else header is not None and header.periods is not None
        return attrs.evolve(deadline, ends_on_working_day=moves) if moves else deadline

    def _deadline(self, d: ast.Deadline) -> ir.Deadline | None:
        x = self.exprs
        match d:
            case ast.Within() | ast.AtLeastBefore():
                kind: Literal["within", "at_least_before"] = (
                    "within" if isinstance(d, ast.Within) else "at_least_before"
                )
                duration = x.check_duration(d.duration, "the period")
                anchor = x.check_date(d.anchor, "the event the period counts from")
                if duration is None or anchor is None:
                    return None
                return ir.Deadline(kind, duration, anchor, (), None, d.span)
            case ast.DateBound():
                date = x.check_date(d.date, f"the date after `{d.kind}`")
                return ir.Deadline(d.kind, None, date, (), None, d.span) if date else None
            case ast.Qualitative():
                return ir.Deadline(d.kind, None, None, (), None, d.span)
            case ast.Monthly():
                bad = [day for day in d.days if not 1 <= day <= 31]
                if bad:
                    self.err(
                        "E0408",
                        f"day {bad[0]} is not a day of the month",
                        d.span,
                        "days run from 1 to 31",
                    )
                    return None
                anchor = x.check_date(d.anchor, "the date counted from") if d.anchor else None
                if d.anchor is not None and anchor is None:
                    return None
                return ir.Deadline(
                    "monthly", None, anchor, tuple(sorted(set(d.days))), None, d.span
                )
            case ast.Frequency():
                return ir.Deadline("at_least_once_every", None, None, (), d.unit, d.span)
        raise AssertionError(type(d))

    # ------------------------------------------------------------ priorities

    def _precedence(self, clause: str, p: ast.Precedence) -> None:
        higher = self._refs(p.higher)
        lower = self._refs(p.lower)
        local_h = [r for r in higher if r.contract is None]
        local_l = [r for r in lower if r.contract is None]
        if len(local_h) != len(higher) or len(local_l) != len(lower):
            self.external.append(
                ir.ExternalPriority(tuple(higher), tuple(lower), "precedence", clause, p.span)
            )
        self.precedences.append((clause, local_h, local_l, p.span))

    def _resolve_priorities(self) -> None:
        by_id = {n.id: n for n in self.norms}
        edges: dict[tuple[str, str], ir.Priority] = {}

        def add(higher: str, lower: str, kind: ir.PriorityKind, stated: str, span: Span) -> None:
            if higher == lower or higher not in by_id or lower not in by_id:
                return
            edges.setdefault((higher, lower), ir.Priority(higher, lower, kind, stated, span))

        def norms_of(refs: Sequence[ir.ClauseRef]) -> list[str]:
            return [
                i
                for r in refs
                if r.contract is None and r.number is not None
                for i in self.norms_by_clause.get(r.number, [])
            ]

        for clause, higher, lower, span in self.precedences:
            for h in norms_of(higher):
                for lo in norms_of(lower):
                    add(h, lo, "precedence", clause, span)
        for norm_id, item in self.pending:
            refs = self._refs(item.refs)
            # The clause stating it: the id up to its last `#` (a clause number may hold `#`).
            stated = norm_id.rpartition("#")[0]
            if any(r.contract is not None for r in refs):
                me = ir.ClauseRef(
                    by_id[norm_id].clause if norm_id in by_id else None, None, item.span
                )
                ext = [r for r in refs if r.contract is not None]
                pair = (tuple(ext), (me,)) if item.kind == "subject_to" else ((me,), tuple(ext))
                self.external.append(
                    ir.ExternalPriority(pair[0], pair[1], item.kind, stated, item.span)
                )
            for other in norms_of(refs):
                if item.kind == "subject_to":
                    add(other, norm_id, item.kind, stated, item.span)
                else:
                    add(norm_id, other, item.kind, stated, item.span)
        incompatible = {frozenset(g) for g in self.incompatible}
        # Acts declared incompatible with each act (action, object).
        excluded: dict[tuple[str, str], set[tuple[str, str]]] = {}
        for group in self.incompatible_acts:
            acts = {(a.action, a.object) for a in group}
            for act in acts:
                excluded.setdefault(act, set()).update(acts - {act})
        # Only a norm of the same party can provide otherwise (a conflict is between duties
        # of one bearer). A default does not yield to another default: "另有规定" means a
        # provision that is not itself subject to the same proviso (else 6.2(1) and 6.2(2)
        # would cycle).
        providers: dict[tuple[str, str], list[ir.Norm]] = {}
        for m in self.norms:
            if not m.otherwise_provided:
                providers.setdefault((m.party, m.object), []).append(m)
        for n in self.otherwise_provided:
            for m in providers.get((n.party, n.object), ()):
                if m.clause == n.clause:
                    continue
                related = m.action == n.action or any(
                    {m.action, n.action} <= g for g in incompatible
                )
                if related:
                    add(m.id, n.id, "otherwise_provided", n.clause, n.span)
            # Acts declared incompatible with N's act, on any object.
            for action, obj in sorted(excluded.get((n.action, n.object), ())):
                for m in providers.get((n.party, obj), ()):
                    if m.clause != n.clause and m.action == action:
                        add(m.id, n.id, "otherwise_provided", n.clause, n.span)
        self.priorities = sorted(edges.values(), key=lambda p: (p.lower, p.higher))

    # ------------------------------------------------------------ questions and scenarios

    def _question(self, q: ast.Question) -> ir.Question | None:
        query = q.query
        desc = q.description.value if q.description else None
        if query.kind == "value":
            assert query.expr is not None
            expr = self.exprs.check(query.expr)
            if expr is None:
                return None
            return ir.Question(q.name.name, desc, "value", None, None, None, expr, (), q.span)
        assert query.party and query.action and query.object
        if not all(
            [
                self._check_party(query.party),
                self._check_action(query.action),
                self._check_object(query.object),
            ]
        ):
            return None
        matching = tuple(
            self.norms_about.get((query.party.name, query.action.name, query.object.name), ())
        )
        if not matching:
            self.err(
                "E0211",
                f"no norm is about `{query.party.name} {query.action.name} {query.object.name}`",
                query.span,
                "nothing to answer from",
                hint="a question asks about a party, an action and an object that some norm states",
            )
            return None
        amount_type = None
        if query.kind == "amount":
            amount_type = self._amount_type(q, matching)
            if amount_type is False:
                return None
        return ir.Question(
            q.name.name,
            desc,
            query.kind,
            query.party.name,
            query.action.name,
            query.object.name,
            None,
            matching,
            q.span,
            amount_type if isinstance(amount_type, T.Type) else None,
        )

    def _amount_type(self, q: ast.Question, norm_ids: Sequence[str]) -> T.Type | bool | None:
        """The one type of the amounts that the norms of an amount question state (an
        integer and a decimal make a decimal); None when none states an amount as a value,
        False (reported) when they differ."""
        by_id = {n.id: n for n in self.norms}
        norms = [by_id[i] for i in norm_ids]
        stated = [
            n.amount.expr
            for n in norms
            if n.modality != "prohibition" and n.amount is not None and n.amount.expr is not None
        ]
        types = {e.type for e in stated}
        if not types:
            return None
        if len(types) == 1:
            return types.pop()
        if all(T.is_numeric(t) for t in types):
            return T.DECIMAL
        first = stated[0]
        other = next(e for e in stated if e.type != first.type)
        self.err(
            "E0308",
            f"the norms of `{q.name.name}` state amounts of different types: "
            f"{first.type} and {other.type}",
            q.query.span,
            "no one type of amount",
            notes=[
                Note(f"this is {first.type}", first.span),
                Note(f"this is {other.type}", other.span),
            ],
            hint="declare the object's type (`object deposit : money CNY`) so that every "
            "amount of it is checked against it",
        )
        return False

    def _scenario(self, s: ast.Scenario) -> ir.Scenario:
        givens: list[tuple[str, Value]] = []
        seen: dict[str, Span] = {}
        as_of: Value | None = None
        expectations: list[ir.Expectation] = []
        for item in s.items:
            match item:
                case ast.Given():
                    name = item.name.name
                    t = self.exprs.fact_types.get(name)
                    if t is None:
                        if name in self.symbols.definitions:
                            self.err(
                                "E0200",
                                f"`{name}` is a definition, computed from facts; "
                                "a scenario gives facts and events",
                                item.name.span,
                                "not an input",
                            )
                        elif name not in self.symbols.facts:
                            self.err(
                                "E0200",
                                f"unknown fact `{name}`",
                                item.name.span,
                                "not declared",
                                hint=did_you_mean(
                                    name, [*self.symbols.facts, *self.symbols.events]
                                ),
                            )
                        continue
                    if name in seen:
                        self.err(
                            "E0204",
                            f"`{name}` is given twice",
                            item.name.span,
                            "second value",
                            notes=[Note("first given here", seen[name])],
                        )
                        continue
                    seen[name] = item.name.span
                    c = self.exprs.constant(item.value, t, f"the value of `{name}`")
                    if c is not None and out_of_bounds(
                        c.value, *self.bounds.get(name, (None, None))
                    ):
                        self.err(
                            "E0306",
                            f"{c.value} is outside the bounds of `{name}`",
                            item.value.span,
                            "out of bounds",
                            notes=[
                                Note(f"{words} {b.value}", b.span)
                                for words, b in zip(
                                    ("at least", "at most"), self.bounds[name], strict=True
                                )
                                if b is not None
                            ],
                        )
                    elif c is not None:
                        givens.append((name, c.value))
                case ast.AsOf():
                    c = self.exprs.constant(item.date, T.DATE, "the `as of` date")
                    if c is not None:
                        as_of = c.value
                case ast.Expect():
                    e = self._expectation(item)
                    if e is not None:
                        expectations.append(e)
        return ir.Scenario(s.title.value, tuple(givens), as_of, tuple(expectations), s.span)

    def _expectation(self, e: ast.Expect) -> ir.Expectation | None:
        name = e.question.name
        question = self.symbols.questions.get(name)
        if question is None:
            self.err(
                "E0208",
                f"unknown question `{name}`",
                e.question.span,
                "not declared",
                hint=did_you_mean(name, self.symbols.questions),
            )
            return None
        kind = question.query.kind
        if e.answer.kind not in _ANSWERS_FOR[kind]:
            shown = e.answer.kind.replace("_", " ")
            self.err(
                "E0306",
                f"`{shown}` cannot answer a {kind} question",
                e.answer.span,
                "wrong kind of answer",
                hint=f"{kind} questions answer "
                + " / ".join(
                    a.replace("_", " ") if a != "value" else "a value" for a in _ANSWERS_FOR[kind]
                ),
            )
            return None
        value: Value | None = None
        if e.answer.kind == "value":
            assert e.answer.value is not None
            # Only deadline and value questions take values (_ANSWERS_FOR).
            lowered = self.questions.get(name)
            if lowered is None:
                return None  # the question itself did not check; already reported
            if kind == "deadline":
                expected: T.Type = T.DATE
            elif kind == "amount":
                if lowered.amount_type is None:
                    self.err(
                        "E0306",
                        f"no norm of `{name}` states an amount as a value",
                        e.answer.span,
                        "no amount to compare",
                        hint="its answers are all / part / unspecified / none / undetermined",
                    )
                    return None
                expected = lowered.amount_type
            else:
                assert lowered.expr is not None
                expected = lowered.expr.type
            if kind == "deadline" and isinstance(e.answer.value, ast.NeverLit):
                self.err(
                    "E0306",
                    "a deadline question answers `none` when no deadline applies",
                    e.answer.span,
                    "not a deadline",
                    hint="write `is none`",
                )
                return None
            c = self.exprs.constant(e.answer.value, expected, f"the answer to `{name}`")
            if c is None:
                return None
            value = c.value
        because: list[ir.ClauseRef] = []
        overriding: list[ir.ClauseRef] = []
        depending: list[str] = []
        assuming: list[str] = []
        due_by: Value | None = None
        for d in e.details:
            if d.kind == "because":
                because += self._refs(d.refs)
            elif d.kind == "overriding":
                overriding += self._refs(d.refs)
            elif d.kind == "assuming":
                for n in d.names:
                    if n.name in self.presumed:
                        assuming.append(n.name)
                    else:
                        self.err(
                            "E0200",
                            f"`{n.name}` is not a fact or event with a presumption",
                            n.span,
                            "no presumption",
                            hint=did_you_mean(n.name, sorted(self.presumed)),
                        )
            elif d.kind == "depending_on":
                for n in d.names:
                    if n.name in self.exprs.fact_types:
                        depending.append(n.name)
                    else:
                        self.err(
                            "E0200",
                            f"unknown fact `{n.name}`",
                            n.span,
                            "not an input",
                            hint=did_you_mean(n.name, self.exprs.fact_types),
                        )
            elif d.kind == "by" and d.expr is not None:
                if kind != "must":
                    self.err(
                        "E0306",
                        "`by DATE` gives the due date of an obligation; it fits "
                        "only `must` questions",
                        d.span,
                        "not a must question",
                    )
                    continue
                c = self.exprs.constant(d.expr, T.DATE, "the `by` date")
                due_by = c.value if c else None
        return ir.Expectation(
            name,
            e.answer.kind,
            value,
            tuple(because),
            tuple(overriding),
            tuple(depending),
            due_by,
            e.span,
            tuple(assuming),
        )

    @functools.cached_property
    def presumed(self) -> frozenset[str]:
        """The facts and events that declare a presumption."""
        return frozenset(
            name
            for declarations in (self.symbols.facts, self.symbols.events)
            for name, d in declarations.items()
            if d.presumption is not None
        )


# How each kind of deadline is written, for messages.
_DEADLINE_WORDS = {
    "within": "within … after …",
    "at_least_before": "at least … before …",
    "before": "before …",
    "by": "by …",
    "until": "until …",
    "without_undue_delay": "without undue delay",
    "immediately": "immediately",
    "monthly": "on … of every month",
    "at_least_once_every": "at least once every …",
}


def _conjunction(conditions: list[ir.Expr], span: Span) -> ir.Expr:
    """The ``when`` conditions joined with `and`, as a balanced tree (as the parser builds a
    chain of `and`): `and` is associative, and thousands of `when` lines must not make an
    expression thousands deep for every pass that walks it."""
    if not conditions:
        return ir.Const(True, T.BOOLEAN, span)
    if len(conditions) == 1:
        return conditions[0]
    middle = len(conditions) // 2
    left = _conjunction(conditions[:middle], span)
    right = _conjunction(conditions[middle:], span)
    where = Span(
        span.file, left.span.line, left.span.column, right.span.end_line, right.span.end_column
    )
    return ir.Binary("and", left, right, T.BOOLEAN, where)


def _above(a: Value, b: Value) -> bool:
    return order_key(a) > order_key(b)  # type: ignore[operator]


def out_of_bounds(value: Value, low: ir.Const | None, high: ir.Const | None) -> bool:
    """``value`` is below ``low`` or above ``high`` (a bound that is None is no bound)."""
    return (low is not None and _above(low.value, value)) or (
        high is not None and _above(value, high.value)
    )


def _section_hint(number: str, section: list[str]) -> str:
    shown = ", ".join(f'"{n}"' for n in section[:4]) + (", …" if len(section) > 4 else "")
    return f'"{number}" is a section here, not one clause: name the clauses meant ({shown})'
