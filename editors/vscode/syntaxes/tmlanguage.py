"""Writes clause.tmLanguage.json, the TextMate grammar of the clause language.

The keywords are the Lark grammar's (clausec.syntax.grammar.reserved_words), each scoped by
its role in clausec.syntax.keywords, the table the Pygments lexer reads too: a keyword added
to grammar/clause.lark and given no role stops this script, and tests/test_vscode.py fails
until the JSON is written again.

    PYTHONPATH=src python3 editors/vscode/syntaxes/tmlanguage.py          # write
    PYTHONPATH=src python3 editors/vscode/syntaxes/tmlanguage.py --check  # exit 1 if stale
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from clausec.syntax import keywords
from clausec.syntax.grammar import reserved_words
from clausec.syntax.keywords import Role

OUTPUT = Path(__file__).resolve().parent / "clause.tmLanguage.json"

# The scope of each role of the keywords (clausec.syntax.keywords), where no longer phrase
# claims the word.
SCOPES: dict[str, tuple[Role, ...]] = {
    "storage.type.declaration": (Role.DECLARATION,),
    "keyword.other.attribute": (Role.ATTRIBUTE,),
    "support.type": (Role.TYPE,),
    "keyword.control": (Role.CONTROL,),
    "keyword.other.deadline": (Role.DEADLINE,),
    "keyword.other.unit": (Role.UNIT,),
    "keyword.other.query": (Role.QUERY,),
    "keyword.other.scenario": (Role.SCENARIO,),
    "constant.language.answer": (Role.ANSWER,),
    "constant.language": (Role.CONSTANT, Role.BUILTIN),
    "keyword.operator.logical": (Role.LOGICAL,),
    "keyword.operator.word": (Role.OPERATOR,),
    "support.function": (Role.FUNCTION,),
    "keyword.other": (Role.OTHER,),
    # The modalities have a rule of their own (below); listed so that every role has a scope.
    "keyword.other.modality": (Role.MODALITY,),
}

# Each reserved word, by its scope. A hyphenated keyword (`non-normative`) cannot be a
# name, so it has a rule of its own and is not among the reserved words.
CATEGORIES: dict[str, tuple[str, ...]] = {
    scope: tuple(word for word in keywords.words(*roles) if word in reserved_words())
    for scope, roles in SCOPES.items()
}

NAME = r"[a-z_][a-z0-9_]*"
DOTTED = rf"{NAME}(?:\.{NAME})*"
STRING_BODY = r'"(?:[^"\\]|\\.)*"'
# Where a word may start or end: not inside a longer name, a dotted name or a tag.
START = r"(?<![A-Za-z0-9_.\-])"
END = r"(?![A-Za-z0-9_\-])"


class UnplacedKeyword(Exception):
    """A reserved word of the grammar that no category names, or one named twice."""


def _words(category: str) -> str:
    return "|".join(sorted(CATEGORIES[category], key=lambda w: (-len(w), w)))


def _keyword_name() -> str:
    """A name that is not a reserved word (party, action, object in a norm head)."""
    every = sorted(reserved_words(), key=lambda w: (-len(w), w))
    return rf"(?!(?:{'|'.join(every)}){END}){NAME}"


def _check_categories() -> None:
    placed: dict[str, str] = {}
    for category, words in CATEGORIES.items():
        for word in words:
            if word in placed:
                raise UnplacedKeyword(f"{word!r} is in {placed[word]!r} and in {category!r}")
            placed[word] = category
    missing = sorted(reserved_words() - placed.keys())
    unknown = sorted(placed.keys() - reserved_words())
    if missing:
        raise UnplacedKeyword(
            f"reserved words of grammar/clause.lark in no category of {Path(__file__).name}: "
            + ", ".join(missing)
        )
    if unknown:
        raise UnplacedKeyword(f"words that are no longer reserved: {', '.join(unknown)}")


_MODALITIES = {
    "must not": "prohibition",
    "must": "obligation",
    "may": "permission",
    "can": "power",
}


def _modality_rules() -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = []
    for words, kind in _MODALITIES.items():
        pattern = r"\s+".join(words.split())
        rules.append(
            {"match": rf"{START}{pattern}{END}", "name": f"keyword.other.modality.{kind}.clause"}
        )
    return rules


def _string(content: str | None = None) -> dict[str, Any]:
    """A string; ``content`` is the extra scope of its text (a clause number)."""
    rule: dict[str, Any] = {
        "begin": '"',
        "beginCaptures": {"0": {"name": "punctuation.definition.string.begin.clause"}},
        "end": '"',
        "endCaptures": {"0": {"name": "punctuation.definition.string.end.clause"}},
        "name": "string.quoted.double.clause",
        "patterns": [{"include": "#escape"}],
    }
    if content is not None:
        rule["contentName"] = content
    return rule


def _references(begin: str, captures: dict[str, str], end: str | None = None) -> dict[str, Any]:
    """A list of clause references after ``begin``: strings (clause numbers), `of DOCUMENT`."""
    return {
        "begin": begin,
        "beginCaptures": {key: {"name": value} for key, value in captures.items()},
        # By default the list ends at the first word that cannot continue it.
        "end": end or rf"(?=[^\s,\"#])(?!of{END})(?!{NAME}\s*,)",
        "patterns": [
            {"include": "#comment"},
            {"include": "#reference"},
            {
                "match": rf"{START}(of)\s+({NAME}){END}",
                "captures": {
                    "1": {"name": "keyword.other.clause"},
                    "2": {"name": "variable.other.document.clause"},
                },
            },
            {"match": rf"{NAME}(?=\s*,)", "name": "variable.other.document.clause"},
            {"match": ",", "name": "punctuation.separator.comma.clause"},
        ],
    }


def build() -> dict[str, Any]:
    _check_categories()
    keyword_name = _keyword_name()
    reference_keywords = [
        (rf"{START}refers\s+to{END}", "keyword.other.attribute.clause"),
        (rf"{START}subject\s+to{END}", "keyword.control.clause"),
        (rf"{START}prevails\s+over{END}", "keyword.control.clause"),
        (rf"{START}notwithstanding{END}", "keyword.control.clause"),
        (rf"{START}per{END}", "keyword.other.attribute.clause"),
    ]
    references = [_references(begin, {"0": scope}) for begin, scope in reference_keywords]
    # The left side of `"6.2" prevails over "6.1"`: strings that `prevails` follows.
    reference = rf"{STRING_BODY}(?:\s+of\s+{NAME})?"
    left = _references(
        rf"(?={reference}(?:\s*,\s*{reference})*\s+prevails{END})",
        {},
        end=rf"(?={START}prevails{END})",
    )
    # In a scenario's `expect`, `because` and `overriding` name clauses; elsewhere `because`
    # is followed by a reason.
    expect_details = [
        _references(rf"{START}because{END}", {"0": "keyword.other.attribute.clause"}),
        _references(rf"{START}overriding{END}", {"0": "keyword.other.scenario.clause"}),
    ]
    declarations = {
        "contract": "entity.name.namespace.contract.clause",
        "import": "entity.name.namespace.contract.clause",
        "document": "entity.name.namespace.document.clause",
        "party": "entity.name.type.party.clause",
        "action": "entity.name.function.action.clause",
        "object": "entity.name.type.object.clause",
        "question": "entity.name.function.question.clause",
        "fact": "entity.name.variable.fact.clause",
        "event": "entity.name.variable.event.clause",
        "define": "entity.name.variable.definition.clause",
    }
    dotted = ("fact", "event", "define")
    declaration_rules = [
        {
            "match": rf"{START}({word})\s+({DOTTED if word in dotted else NAME}){END}",
            "captures": {
                "1": {"name": "storage.type.declaration.clause"},
                "2": {"name": scope},
            },
        }
        for word, scope in declarations.items()
    ]
    heading = {
        "begin": rf"{START}(clause|non-normative)\s+(\")",
        "beginCaptures": {
            "1": {"name": "storage.type.declaration.clause"},
            "2": {"name": "string.quoted.double.clause punctuation.definition.string.begin.clause"},
        },
        "end": '"',
        "endCaptures": {
            "0": {"name": "string.quoted.double.clause punctuation.definition.string.end.clause"}
        },
        "contentName": "string.quoted.double.clause entity.name.section.clause",
        "patterns": [{"include": "#escape"}],
    }
    unit = r"(?:calendar\s+days?|working\s+days?|days?|weeks?|months?|years?)"
    ends_expect = "|".join(
        ["expect", "given", "as", "non-normative", *CATEGORIES["storage.type.declaration"]]
    )
    repository: dict[str, Any] = {
        "comment": {
            "match": "(#).*$",
            "name": "comment.line.number-sign.clause",
            "captures": {"1": {"name": "punctuation.definition.comment.clause"}},
        },
        "escape": {
            "patterns": [
                {
                    "match": r"\\(?:[\"\\nrt]|u\{[0-9A-Fa-f]{1,6}\})",
                    "name": "constant.character.escape.clause",
                },
                {"match": r"\\.?", "name": "invalid.illegal.escape.clause"},
            ]
        },
        "string": _string(),
        "reference": _string("entity.name.section.reference.clause"),
        "heading": heading,
        "references": {"patterns": [*references, left]},
        "expect": {
            "begin": rf"{START}(expect){END}",
            "beginCaptures": {"1": {"name": "keyword.other.scenario.clause"}},
            "end": rf"(?={START}(?:{ends_expect}){END})",
            "patterns": [*expect_details, {"include": "#expression"}],
        },
        "declarations": {"patterns": declaration_rules},
        "norm-head": {
            "match": (
                rf"{START}({keyword_name})\s+(must\s+not|must|may|can)\s+"
                rf"({keyword_name})\s+({keyword_name}){END}"
            ),
            "captures": {
                "1": {"name": "variable.other.party.clause"},
                "2": {"patterns": _modality_rules()},
                "3": {"name": "entity.name.function.action.clause"},
                "4": {"name": "variable.other.object.clause"},
            },
        },
        "query": {
            "patterns": [
                {
                    "match": (
                        rf"(:)\s*(must|may)\s+({keyword_name})\s+({keyword_name})"
                        rf"\s+({keyword_name}){END}"
                    ),
                    "captures": {
                        "1": {"name": "punctuation.separator.colon.clause"},
                        "2": {"patterns": _modality_rules()},
                        "3": {"name": "variable.other.party.clause"},
                        "4": {"name": "entity.name.function.action.clause"},
                        "5": {"name": "variable.other.object.clause"},
                    },
                },
                {
                    "match": (
                        rf"(:)\s*(deadline|amount)\s+(of)\s+({keyword_name})\s+"
                        rf"({keyword_name})\s+({keyword_name}){END}"
                    ),
                    "captures": {
                        "1": {"name": "punctuation.separator.colon.clause"},
                        "2": {"name": "keyword.other.query.clause"},
                        "3": {"name": "keyword.other.query.clause"},
                        "4": {"name": "variable.other.party.clause"},
                        "5": {"name": "entity.name.function.action.clause"},
                        "6": {"name": "variable.other.object.clause"},
                    },
                },
            ]
        },
        "tag": {
            # `language zh-HK`, `calendar DE-SN`; not `calendar days`, a unit.
            "match": (
                rf"{START}(language|calendar)\s+(?!days?{END})"
                r"([A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*)(?![A-Za-z0-9_])"
            ),
            "captures": {
                "1": {"name": "keyword.other.attribute.clause"},
                "2": {"name": "support.constant.tag.clause"},
            },
        },
        "literals": {
            "patterns": [
                {
                    "match": r"(?<![A-Za-z0-9_.])\d{4}-\d{2}-\d{2}(?![A-Za-z0-9_])",
                    "name": "constant.numeric.date.clause",
                },
                {
                    "match": rf"(?<![A-Za-z0-9_.])(\d+)\s+({unit}){END}",
                    "name": "meta.duration.clause",
                    "captures": {
                        "1": {"name": "constant.numeric.integer.clause"},
                        "2": {"name": "keyword.other.unit.clause"},
                    },
                },
                {
                    "match": r"(?<![A-Za-z0-9_.])(\d+\.\d+|\d+)(%)",
                    "captures": {
                        "1": {"name": "constant.numeric.decimal.clause"},
                        "2": {"name": "keyword.other.unit.percent.clause"},
                    },
                },
                {
                    "match": r"(?<![A-Za-z0-9_.])\d+\.\d+(?![A-Za-z0-9_])",
                    "name": "constant.numeric.decimal.clause",
                },
                {
                    "match": r"(?<![A-Za-z0-9_.])\d+(?![A-Za-z0-9_])",
                    "name": "constant.numeric.integer.clause",
                },
                {
                    "match": r"(?<![A-Za-z0-9_\-])[EWI][0-9]{4}(?![A-Za-z0-9_])",
                    "name": "support.constant.check-code.clause",
                },
                {
                    "match": r"(?<![A-Za-z0-9_\-])[A-Z]{3}(?![A-Za-z0-9_\-])",
                    "name": "support.constant.currency.clause",
                },
            ]
        },
        "keywords": {
            "patterns": [
                {
                    "match": rf"{START}(?:calendar\s+days?|working\s+days?){END}",
                    "name": "keyword.other.unit.clause",
                },
                {
                    "match": rf"{START}(at)\s+(least|most){END}",
                    "name": "keyword.other.deadline.clause",
                },
                {
                    "match": rf"{START}(earliest|latest|least|greatest)\s+(of){END}",
                    "name": "support.function.clause",
                },
                {
                    "match": rf"{START}(not)\s+(obliged){END}",
                    "name": "constant.language.answer.clause",
                },
                {
                    "match": rf"{START}non-normative{END}",
                    "name": "storage.type.declaration.clause",
                },
                *_modality_rules(),
                *(
                    {
                        "match": rf"{START}(?:{_words(category)}){END}",
                        "name": f"{category}.clause",
                    }
                    for category in CATEGORIES
                    if category != "keyword.other.modality"
                ),
            ]
        },
        "names": {
            "patterns": [
                {
                    "match": rf"{START}{NAME}(?:\.{NAME})+{END}",
                    "name": "variable.other.dotted.clause",
                },
                {"match": rf"{START}{NAME}{END}", "name": "variable.other.clause"},
            ]
        },
        "operators": {
            "patterns": [
                {"match": "!=|<=|>=|=|<|>", "name": "keyword.operator.comparison.clause"},
                {"match": r"[+\-*/]", "name": "keyword.operator.arithmetic.clause"},
                {"match": ":", "name": "punctuation.separator.colon.clause"},
                {"match": ",", "name": "punctuation.separator.comma.clause"},
                {"match": r"\(", "name": "punctuation.section.parens.begin.clause"},
                {"match": r"\)", "name": "punctuation.section.parens.end.clause"},
            ]
        },
        # What may follow `expect` and appear anywhere else: no declarations.
        "expression": {
            "patterns": [
                {"include": "#comment"},
                {"include": "#references"},
                {"include": "#string"},
                {"include": "#literals"},
                {"include": "#keywords"},
                {"include": "#names"},
                {"include": "#operators"},
            ]
        },
    }
    # Order matters where two rules match at the same place: the first one listed wins.
    patterns = [
        {"include": "#comment"},
        {"include": "#heading"},
        {"include": "#references"},
        {"include": "#string"},
        {"include": "#expect"},
        {"include": "#declarations"},
        {"include": "#tag"},
        {"include": "#query"},
        {"include": "#norm-head"},
        {"include": "#literals"},
        {"include": "#keywords"},
        {"include": "#names"},
        {"include": "#operators"},
    ]
    return {
        "$schema": (
            "https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json"
        ),
        "name": "Clause",
        "scopeName": "source.clause",
        "fileTypes": ["clause"],
        "comment": (
            "Written by editors/vscode/syntaxes/tmlanguage.py from grammar/clause.lark: "
            "edit that script, not this file."
        ),
        "patterns": patterns,
        "repository": repository,
    }


def render() -> str:
    return json.dumps(build(), indent=2, ensure_ascii=False) + "\n"


def main(arguments: list[str]) -> int:
    try:
        text = render()
    except UnplacedKeyword as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    if arguments == ["--check"]:
        if OUTPUT.read_text(encoding="utf-8") != text:
            print(
                f"{OUTPUT} is out of date: run python3 {Path(__file__).name} to write it again",
                file=sys.stderr,
            )
            return 1
        return 0
    if arguments:
        print(f"usage: {Path(__file__).name} [--check]", file=sys.stderr)
        return 2
    OUTPUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
