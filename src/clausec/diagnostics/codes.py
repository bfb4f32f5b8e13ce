"""The registry of diagnostic codes: one row per code, with its title, the passes that report
it and where it is documented.

Codes are stable: never renumbered or reused, only added. The prefix gives the default
severity (E error, W warning, I info); tests/test_codes.py checks that every code raised in
src/ has a row and every row's anchor is a heading of its page."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from clausec.diagnostics import Severity

#: Where the documentation pages are published; a rule's help link in SARIF starts here.
# The project's home, as [project.urls] in pyproject.toml declares it (a test keeps them equal).
HOME_PAGE = "https://github.com/clausec/clausec"
REPOSITORY = HOME_PAGE + "/blob/main/"
DIAGNOSTICS_PAGE = "docs/diagnostics.md"  # the front end's codes
CHECKS_PAGE = "docs/checks.md"  # the codes of the analyses that only `clausec check` runs

_SEVERITIES = {"E": Severity.ERROR, "W": Severity.WARNING, "I": Severity.INFO}


@attrs.frozen(slots=True)
class Code:
    """One row of the registry."""

    code: str
    title: str
    # The passes that report it, the main one first: "reading" (source.py), "syntax"
    # (syntax/), "names", "types" and "lowering" (semantic/), "imports" (driver.py), "quotes"
    # (quotes.py, with --sources), and
    # "analysis: NAME" for the modules of analysis/.
    passes: tuple[str, ...]
    page: str  # relative to the repository
    anchor: str  # GitHub's anchor of the code's heading in the page
    # For SARIF's fullDescription, where the title alone says too little.
    description: str = ""

    @property
    def severity(self) -> Severity:
        """The default severity, from the prefix."""
        return _SEVERITIES[self.code[0]]

    @property
    def analysis(self) -> bool:
        """Whether only the analyses of `clausec check` report it."""
        return self.passes[0].startswith("analysis")

    @property
    def uri(self) -> str:
        """The code's documentation on the web."""
        return f"{REPOSITORY}{self.page}#{self.anchor}"


TABLE: tuple[Code, ...] = (
    # The front end (docs/diagnostics.md).
    Code(
        "E0001",
        "cannot read file",
        passes=("imports",),
        page=DIAGNOSTICS_PAGE,
        anchor="e0001--cannot-read-file",
    ),
    Code(
        "E0002",
        "invalid UTF-8",
        passes=("reading",),
        page=DIAGNOSTICS_PAGE,
        anchor="e0002--invalid-utf-8",
    ),
    Code(
        "E0003",
        "binary file",
        passes=("reading",),
        page=DIAGNOSTICS_PAGE,
        anchor="e0003--binary-file",
    ),
    Code(
        "E0004",
        "empty file",
        passes=("syntax",),
        page=DIAGNOSTICS_PAGE,
        anchor="e0004--empty-file",
    ),
    Code(
        "E0005",
        "import not allowed",
        passes=("imports",),
        page=DIAGNOSTICS_PAGE,
        anchor="e0005--import-not-allowed",
    ),
    Code(
        "E0100",
        "syntax error",
        passes=("syntax",),
        page=DIAGNOSTICS_PAGE,
        anchor="e0100--syntax-error",
    ),
    Code(
        "E0101",
        "unexpected character",
        passes=("syntax",),
        page=DIAGNOSTICS_PAGE,
        anchor="e0101--unexpected-character",
    ),
    Code(
        "E0102",
        "unterminated string",
        passes=("syntax",),
        page=DIAGNOSTICS_PAGE,
        anchor="e0102--unterminated-string",
    ),
    Code(
        "E0103",
        "expression nested too deeply",
        passes=("syntax",),
        page=DIAGNOSTICS_PAGE,
        anchor="e0103--expression-nested-too-deeply",
    ),
    Code(
        "E0104",
        "reserved word used as a name",
        passes=("syntax",),
        page=DIAGNOSTICS_PAGE,
        anchor="e0104--reserved-word-used-as-a-name",
    ),
    Code(
        "E0105",
        "invalid escape in string",
        passes=("syntax",),
        page=DIAGNOSTICS_PAGE,
        anchor="e0105--invalid-escape-in-string",
    ),
    Code(
        "E0106",
        "invalid literal",
        passes=("syntax", "types"),
        page=DIAGNOSTICS_PAGE,
        anchor="e0106--invalid-literal",
    ),
    Code(
        "E0200",
        "unknown name",
        passes=("names",),
        page=DIAGNOSTICS_PAGE,
        anchor="e0200--unknown-name",
    ),
    Code(
        "E0201",
        "unknown party",
        passes=("names",),
        page=DIAGNOSTICS_PAGE,
        anchor="e0201--unknown-party",
    ),
    Code(
        "E0202",
        "unknown action",
        passes=("names",),
        page=DIAGNOSTICS_PAGE,
        anchor="e0202--unknown-action",
    ),
    Code(
        "E0203",
        "unknown object",
        passes=("names",),
        page=DIAGNOSTICS_PAGE,
        anchor="e0203--unknown-object",
    ),
    Code(
        "E0204",
        "duplicate declaration",
        passes=("names", "syntax", "lowering", "imports"),
        page=DIAGNOSTICS_PAGE,
        anchor="e0204--duplicate-declaration",
    ),
    Code(
        "E0205",
        "duplicate clause number",
        passes=("names",),
        page=DIAGNOSTICS_PAGE,
        anchor="e0205--duplicate-clause-number",
    ),
    Code(
        "E0206",
        "reference to a missing clause",
        passes=("names", "imports"),
        page=DIAGNOSTICS_PAGE,
        anchor="e0206--reference-to-a-missing-clause",
    ),
    Code(
        "E0207",
        "unknown contract or document",
        passes=("names",),
        page=DIAGNOSTICS_PAGE,
        anchor="e0207--unknown-contract-or-document",
    ),
    Code(
        "E0208",
        "unknown question",
        passes=("names",),
        page=DIAGNOSTICS_PAGE,
        anchor="e0208--unknown-question",
    ),
    Code(
        "E0209",
        "unresolved import",
        passes=("imports",),
        page=DIAGNOSTICS_PAGE,
        anchor="e0209--unresolved-import",
    ),
    Code(
        "E0210",
        "circular definition",
        passes=("names",),
        page=DIAGNOSTICS_PAGE,
        anchor="e0210--circular-definition",
    ),
    Code(
        "E0211",
        "question matches no norm",
        passes=("lowering",),
        page=DIAGNOSTICS_PAGE,
        anchor="e0211--question-matches-no-norm",
    ),
    Code(
        "E0300",
        "type mismatch",
        passes=("types",),
        page=DIAGNOSTICS_PAGE,
        anchor="e0300--type-mismatch",
    ),
    Code(
        "E0301",
        "condition is not a boolean",
        passes=("types",),
        page=DIAGNOSTICS_PAGE,
        anchor="e0301--condition-is-not-a-boolean",
    ),
    Code(
        "E0302",
        "incompatible duration units",
        passes=("types",),
        page=DIAGNOSTICS_PAGE,
        anchor="e0302--incompatible-duration-units",
    ),
    Code(
        "E0303",
        "different currencies",
        passes=("types",),
        page=DIAGNOSTICS_PAGE,
        anchor="e0303--different-currencies",
    ),
    Code(
        "E0304",
        "expected a date",
        passes=("types",),
        page=DIAGNOSTICS_PAGE,
        anchor="e0304--expected-a-date",
    ),
    Code(
        "E0305",
        "expected a duration",
        passes=("types",),
        page=DIAGNOSTICS_PAGE,
        anchor="e0305--expected-a-duration",
    ),
    Code(
        "E0306",
        "scenario value does not fit the fact",
        passes=("types",),
        page=DIAGNOSTICS_PAGE,
        anchor="e0306--scenario-value-does-not-fit-the-fact",
    ),
    Code(
        "E0307",
        "scenario value is not a constant",
        passes=("types",),
        page=DIAGNOSTICS_PAGE,
        anchor="e0307--scenario-value-is-not-a-constant",
    ),
    Code(
        "E0308",
        "amounts of different types",
        passes=("types",),
        page=DIAGNOSTICS_PAGE,
        anchor="e0308--amounts-of-different-types",
    ),
    Code(
        "E0400",
        "incomplete contract header",
        passes=("lowering", "syntax"),
        page=DIAGNOSTICS_PAGE,
        anchor="e0400--incomplete-contract-header",
    ),
    Code(
        "E0401",
        "unknown language tag",
        passes=("lowering",),
        page=DIAGNOSTICS_PAGE,
        anchor="e0401--unknown-language-tag",
    ),
    Code(
        "E0402",
        "unknown working-day calendar",
        passes=("lowering",),
        page=DIAGNOSTICS_PAGE,
        anchor="e0402--unknown-working-day-calendar",
    ),
    Code(
        "E0403",
        "non-normative clause without a reason",
        passes=("lowering",),
        page=DIAGNOSTICS_PAGE,
        anchor="e0403--non-normative-clause-without-a-reason",
    ),
    Code(
        "E0404",
        "clause without its verbatim quote",
        passes=("lowering",),
        page=DIAGNOSTICS_PAGE,
        anchor="e0404--clause-without-its-verbatim-quote",
    ),
    Code(
        "E0405",
        "normative clause without norms",
        passes=("lowering",),
        page=DIAGNOSTICS_PAGE,
        anchor="e0405--normative-clause-without-norms",
    ),
    Code(
        "E0406",
        "more than one deadline on a norm",
        passes=("lowering",),
        page=DIAGNOSTICS_PAGE,
        anchor="e0406--more-than-one-deadline-on-a-norm",
    ),
    Code(
        "E0407",
        "misplaced clause item",
        passes=("lowering",),
        page=DIAGNOSTICS_PAGE,
        anchor="e0407--misplaced-clause-item",
    ),
    Code(
        "E0408",
        "invalid day of month",
        passes=("lowering",),
        page=DIAGNOSTICS_PAGE,
        anchor="e0408--invalid-day-of-month",
    ),
    Code(
        "E0409",
        "accepted finding without a reason",
        passes=("lowering",),
        page=DIAGNOSTICS_PAGE,
        anchor="e0409--accepted-finding-without-a-reason",
    ),
    Code(
        "E0410",
        "code that cannot be accepted",
        passes=("lowering",),
        page=DIAGNOSTICS_PAGE,
        anchor="e0410--code-that-cannot-be-accepted",
    ),
    Code(
        "E0411",
        "clause number that cannot be shown",
        passes=("lowering",),
        page=DIAGNOSTICS_PAGE,
        anchor="e0411--clause-number-that-cannot-be-shown",
    ),
    Code(
        "E0412",
        "presumption without a reason",
        passes=("lowering",),
        page=DIAGNOSTICS_PAGE,
        anchor="e0412--presumption-without-a-reason",
    ),
    Code(
        "E0413",
        "bounds a fact cannot have",
        passes=("lowering",),
        page=DIAGNOSTICS_PAGE,
        anchor="e0413--bounds-a-fact-cannot-have",
    ),
    Code(
        "E0414",
        "`ending on` without a period to move",
        passes=("lowering",),
        page=DIAGNOSTICS_PAGE,
        anchor="e0414--ending-on-without-a-period-to-move",
        description=(
            "`ending on working days` or `ending on any day` is written on a norm whose deadline "
            "is not `within … after …` or `by …`: only the last day of a forward period or a "
            "fixed day of performance moves to the next working day."
        ),
    ),
    Code(
        "W0100",
        "remedy on a norm that cannot be breached",
        passes=("lowering",),
        page=DIAGNOSTICS_PAGE,
        anchor="w0100--remedy-on-a-norm-that-cannot-be-breached",
        description=(
            "An `otherwise` follows a permission or a power. Only obligations and prohibitions can "
            "be breached, so the remedy never applies."
        ),
    ),
    Code(
        "W0540",
        "`refers to` a missing clause",
        passes=("names",),
        page=DIAGNOSTICS_PAGE,
        anchor="w0540--refers-to-a-missing-clause",
        description=(
            "A `refers to` names a clause number that the contract does not have, nor any clause "
            "below it. The reference is kept as written; references that carry meaning are errors "
            "instead (E0206)."
        ),
    ),
    Code(
        "W0545",
        "reference about something its target does not treat",
        passes=("names",),
        page=DIAGNOSTICS_PAGE,
        anchor="w0545--a-reference-about-something-its-target-does-not-treat",
        description=(
            "A `refers to … about OBJECT` names a clause none of whose norms (nor those of the "
            "clauses below it) concerns the objects the referring text says it is about: the "
            "reference most likely points at the wrong place."
        ),
    ),
    Code(
        "W0546",
        "quote not in the source document",
        passes=("quotes",),
        page=DIAGNOSTICS_PAGE,
        anchor="w0546--quote-not-in-the-source-document",
        description=(
            "With --sources: the clause's quote, in the normal form of quotes, is not a passage "
            "of the contract's source document (docs/language.md, Quotes)."
        ),
    ),
    Code(
        "W0547",
        "source document not found",
        passes=("quotes",),
        page=DIAGNOSTICS_PAGE,
        anchor="w0547--source-document-not-found",
        description=(
            "With --sources: the document the header's `source` names is in none of the folders, "
            "or is not UTF-8 text; the quotes are not checked."
        ),
    ),
    # The analyses (docs/checks.md).
    Code(
        "W0501",
        "obligation and prohibition of the same act can apply together",
        passes=("analysis: conflicts",),
        page=CHECKS_PAGE,
        anchor="w0501",
        description=(
            "An obligation and a prohibition of the same act (same party, action and object) can "
            "apply together, neither overridden: the witness gives facts under which both do."
        ),
    ),
    Code(
        "W0502",
        "permission and prohibition of the same act can apply together",
        passes=("analysis: conflicts",),
        page=CHECKS_PAGE,
        anchor="w0502",
        description=(
            "A permission or a power and a prohibition of the same act can apply together. The "
            "interpreter answers `may` with no then (the prohibition wins), but the text says "
            "both."
        ),
    ),
    Code(
        "W0503",
        "an obligation and an incompatible act can apply together",
        passes=("analysis: conflicts",),
        page=CHECKS_PAGE,
        anchor="w0503",
        description=(
            "An obligation and an obligation, permission or power of the same party whose act is "
            "declared incompatible with it (an incompatible action on the same object, or an "
            "incompatible act: action and object) can apply together."
        ),
    ),
    Code(
        "W0504",
        "two different exact amounts of one duty can apply together",
        passes=("analysis: conflicts",),
        page=CHECKS_PAGE,
        anchor="w0504",
        description=(
            "Two obligations of the same act (same party, action and object) state exact amounts "
            "(`(exactly A)`, `(exactly B)`) and can apply together while the amounts differ: the "
            "witness gives facts under which both apply and A is not B."
        ),
    ),
    Code(
        "W0505",
        "an exact amount above the cap of the same act",
        passes=("analysis: conflicts",),
        page=CHECKS_PAGE,
        anchor="w0505",
        description=(
            "An obligation of an exact amount (`(exactly A)`) and an obligation, permission or "
            "power of the same act capped by `(up to B)` can apply together while A exceeds B."
        ),
    ),
    Code(
        "I0504",
        "conflict resolved by a priority or an exception",
        passes=("analysis: conflicts",),
        page=CHECKS_PAGE,
        anchor="i0504",
        description=(
            "A conflict that the text resolves: a priority between the two norms, priorities that "
            "keep them from being effective together, or an exception that keeps their conditions "
            "apart."
        ),
    ),
    Code(
        "W0520",
        "different deadlines for the same duty",
        passes=("analysis: deadlines",),
        page=CHECKS_PAGE,
        anchor="w0520",
        description=(
            "Two obligations of the same party, action and object, effective for the same facts, "
            "whose due dates (or kinds of deadline) differ there."
        ),
    ),
    Code(
        "W0521",
        "deadline that ends before it starts",
        passes=("analysis: deadlines",),
        page=CHECKS_PAGE,
        anchor="w0521",
        description=(
            "Under the witness the norm applies, but its due date is earlier than an event its "
            "condition requires to have occurred, or than the anchor of `within D after E`."
        ),
    ),
    Code(
        "W0530",
        "norm that can never apply",
        passes=("analysis: dead norms",),
        page=CHECKS_PAGE,
        anchor="w0530",
        description=(
            "No facts satisfy the norm's condition without triggering an exception (usually a "
            "reversed comparison)."
        ),
    ),
    Code(
        "W0531",
        "norm that is always overridden",
        passes=("analysis: dead norms",),
        page=CHECKS_PAGE,
        anchor="w0531",
        description=(
            "The norm can apply, but whenever it does, a norm that prevails over it applies too, "
            "so it never takes effect."
        ),
    ),
    Code(
        "W0532",
        "priorities that form a cycle",
        passes=("analysis: dead norms",),
        page=CHECKS_PAGE,
        anchor="w0532",
        description=(
            "Norms prevail over each other in a cycle (directly or through other norms): when they "
            "all apply, none takes effect."
        ),
    ),
    Code(
        "I0541",
        "fact that nothing reads",
        passes=("analysis: references",),
        page=CHECKS_PAGE,
        anchor="i0541",
        description=(
            "No condition, exception, deadline, extension, definition, `performed on` or `value "
            "of` question uses the fact or event."
        ),
    ),
    Code(
        "I0542",
        "fact that no scenario gives",
        passes=("analysis: references",),
        page=CHECKS_PAGE,
        anchor="i0542",
        description=(
            "The norms read the fact but no scenario gives it, so the scenarios never exercise the "
            "cases that depend on it."
        ),
    ),
    Code(
        "I0543",
        "question whose answer is constant",
        passes=("analysis: references",),
        page=CHECKS_PAGE,
        anchor="i0543",
        description=(
            "For every complete set of facts the question gets the same answer, so asking it tells "
            "nothing."
        ),
    ),
    Code(
        "I0544",
        "norm that no question asks about",
        passes=("analysis: references",),
        page=CHECKS_PAGE,
        anchor="i0544",
        description=(
            "No `may`, `must`, `deadline` or `amount of` question bears on the norm, so a user "
            "asking about its clause gets no answer. Add a question, or accept the finding with "
            "the reason no user would ask."
        ),
    ),
    Code(
        "W0550",
        "check the solver could not decide",
        passes=(
            "analysis: conflicts",
            "analysis: deadlines",
            "analysis: dead norms",
            "analysis: references",
        ),
        page=CHECKS_PAGE,
        anchor="w0550",
        description=(
            "The solver could not decide, within its limits, whether a finding exists here (a "
            "conflict, a second deadline, a dead or always-overridden norm, a constant answer): "
            "the analysis is incomplete at that place."
        ),
    ),
)

REGISTRY: Mapping[str, Code] = {row.code: row for row in TABLE}

# Views of the registry: code -> title.
CODES: Mapping[str, str] = {row.code: row.title for row in TABLE if not row.analysis}
CHECK_CODES: Mapping[str, str] = {row.code: row.title for row in TABLE if row.analysis}
