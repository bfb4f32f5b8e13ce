"""The VS Code extension (editors/vscode): its TextMate grammar, its manifest, its client code
and its package.

The grammar is written by editors/vscode/syntaxes/tmlanguage.py from the Lark grammar's
reserved words. It is run with the tokenizer VS Code uses (vscode-textmate and
vscode-oniguruma, pinned in tests/node) over every shipped contract and docs example, and
every token the Lark parser reads there is checked against the scope the TextMate grammar
gives it; the grammar test files of editors/vscode/tests run under vscode-tmgrammar-test;
`vsce package` builds the .vsix; activate() runs under a fake `vscode` module.

The Node.js tools come from `npm ci` in tests/node, the extension's own dependencies from
`npm ci` in editors/vscode (both in .ci/run). Outside CI a missing tool skips a test with the
reason; in CI (the variable CI set) it fails it."""

from __future__ import annotations

import importlib.util
import itertools
import json
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from lark import Lark, Token, Tree

from clausec.syntax.grammar import grammar_text, reserved_words

from conftest import REPO, need_tool

EXTENSION = REPO / "editors" / "vscode"
GRAMMAR = EXTENSION / "syntaxes" / "clause.tmLanguage.json"
GENERATOR = EXTENSION / "syntaxes" / "tmlanguage.py"
TOOLS = REPO / "tests" / "node"
NODE = shutil.which("node")
NPM = shutil.which("npm")
FILES = sorted((REPO / "contracts").glob("**/*.clause")) + sorted(
    (REPO / "docs" / "examples").glob("*.clause")
)


@pytest.fixture
def node() -> str:
    need_tool(NODE is not None, "`node` is not on PATH: Node.js 20 runs the editor tests")
    assert NODE is not None
    return NODE


@pytest.fixture
def tokenizer(node: str) -> list[str]:
    need_tool(
        (TOOLS / "node_modules" / "vscode-textmate").is_dir(),
        "vscode-textmate is not installed: run `npm ci` in tests/node",
    )
    return [node, str(TOOLS / "tokenize.mjs"), str(GRAMMAR)]


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("tmlanguage", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


# ------------------------------------------------------------------ the grammar's keywords


def test_grammar_file_is_written_from_the_lark_grammar() -> None:
    generator = _generator()
    assert GRAMMAR.read_text(encoding="utf-8") == generator.render(), (
        "editors/vscode/syntaxes/clause.tmLanguage.json is out of date: run "
        "`PYTHONPATH=src python3 editors/vscode/syntaxes/tmlanguage.py`"
    )


def test_a_new_keyword_of_the_lark_grammar_stops_the_generator(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    generator = _generator()
    monkeypatch.setattr(generator, "reserved_words", lambda: reserved_words() | {"forthwith"})
    with pytest.raises(generator.UnplacedKeyword, match="forthwith"):
        generator.render()


def _keyword_alternations(rules: list[dict[str, Any]]) -> Iterator[tuple[str, set[str]]]:
    for rule in rules:
        found = re.fullmatch(r"\(\?<!\[[^]]*\]\)\(\?:([a-z|]+)\)\(\?!\[[^]]*\]\)", rule["match"])
        if found:
            yield rule["name"], set(found.group(1).split("|"))


def test_keyword_lists_of_the_textmate_grammar_are_the_reserved_words() -> None:
    rules = _json(GRAMMAR)["repository"]["keywords"]["patterns"]
    placed: dict[str, str] = {}
    for scope, words in _keyword_alternations(rules):
        for word in words:
            assert word not in placed, f"{word!r} is in {placed[word]} and {scope}"
            placed[word] = scope
    modalities = {rule["name"] for rule in rules if ".modality." in rule.get("name", "")}
    assert modalities == {
        f"keyword.other.modality.{kind}.clause"
        for kind in ("obligation", "prohibition", "permission", "power")
    }
    assert set(placed) | {"must", "may", "can"} == reserved_words()


# ------------------------------------------------------------------ the manifest


def test_manifest_contributes_the_language_grammar_and_setting() -> None:
    manifest = _json(EXTENSION / "package.json")
    (language,) = manifest["contributes"]["languages"]
    assert language["id"] == "clause"
    assert language["extensions"] == [".clause"]
    assert (EXTENSION / language["configuration"]).is_file()
    (grammar,) = manifest["contributes"]["grammars"]
    assert grammar["language"] == "clause"
    assert grammar["scopeName"] == "source.clause" == _json(GRAMMAR)["scopeName"]
    assert (EXTENSION / grammar["path"]).resolve() == GRAMMAR
    (name, setting), *others = manifest["contributes"]["configuration"]["properties"].items()
    assert not others
    assert name == "clausec.command"
    assert setting["type"] == "array" and setting["items"] == {"type": "string"}
    assert setting["default"] == ["clausec", "lsp"]
    # A workspace that is not trusted cannot choose the program that runs.
    untrusted = manifest["capabilities"]["untrustedWorkspaces"]
    assert untrusted["restrictedConfigurations"] == ["clausec.command"]
    assert manifest["activationEvents"] == ["onLanguage:clause"]
    assert (EXTENSION / manifest["main"]).is_file()
    for required in ("README.md", "CHANGELOG.md", "LICENSE", ".vscodeignore"):
        assert (EXTENSION / required).is_file(), required
    assert (EXTENSION / "LICENSE").read_bytes() == (REPO / "LICENSE").read_bytes()
    assert manifest["license"] == "Apache-2.0"


def test_manifest_commands_are_the_ones_the_extension_registers() -> None:
    manifest = _json(EXTENSION / "package.json")
    contributed = {command["command"] for command in manifest["contributes"]["commands"]}
    source = (EXTENSION / "extension.js").read_text(encoding="utf-8")
    registered = set(re.findall(r'registerCommand\("([^"]+)"', source))
    assert contributed == registered == {"clausec.restartServer"}


def test_dependencies_are_pinned_and_locked() -> None:
    for folder in (EXTENSION, TOOLS):
        manifest = _json(folder / "package.json")
        lock = _json(folder / "package-lock.json")["packages"]
        for kind in ("dependencies", "devDependencies"):
            for package, version in manifest.get(kind, {}).items():
                assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{package} {version} not exact"
                assert lock[f"node_modules/{package}"]["version"] == version, package
    # The client library states the oldest VS Code it runs in; the extension cannot claim less.
    client = _json(EXTENSION / "package-lock.json")["packages"][
        "node_modules/vscode-languageclient"
    ]
    manifest = _json(EXTENSION / "package.json")
    assert client["engines"]["vscode"] == manifest["engines"]["vscode"]


# ------------------------------------------------------------------ language configuration


def _configuration() -> dict[str, Any]:
    configuration: dict[str, Any] = _json(EXTENSION / "language-configuration.json")
    return configuration


def _code_lines(path: Path) -> list[str]:
    """The lines of a file that start outside a string and are not blank or comments."""
    text = path.read_text(encoding="utf-8")
    inside = [False] * (len(text) + 1)
    for lexeme in LEXEMES.finditer(text):
        if lexeme.group().startswith('"'):
            inside[lexeme.start() + 1 : lexeme.end()] = [True] * (len(lexeme.group()) - 1)
    lines = []
    offset = 0
    for line in text.split("\n"):
        if not inside[offset] and line.strip() and not line.lstrip().startswith("#"):
            lines.append(line)
        offset += len(line) + 1
    return lines


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def test_indentation_rules_fit_the_layout_of_the_shipped_contracts() -> None:
    rules = _configuration()["indentationRules"]
    increase = re.compile(rules["increaseIndentPattern"])
    decrease = re.compile(rules["decreaseIndentPattern"])
    norm_head = re.compile(r"\s*[a-z_][a-z0-9_]*\s+(?:must|may|can)\b")
    heads_with_items = heads_alone = others = 0
    for path in FILES:
        lines = _code_lines(path)
        for line, following in itertools.pairwise(lines):
            where = f"{path.relative_to(REPO)}: {line.strip()[:60]!r}"
            indented = _indent(following) > _indent(line)
            if increase.match(line) and norm_head.match(line):
                # A norm without conditions or deadlines is followed by the next norm.
                heads_with_items += indented
                heads_alone += not indented
            elif increase.match(line):
                others += 1
                assert indented, where
            if decrease.match(line):
                assert _indent(line) == 0, where
    assert others > 500
    # 331 of the 395 norms of the shipped files and examples have items under their head.
    assert heads_with_items > 4 * heads_alone > 0


def test_word_pattern_takes_dotted_names_dates_and_numbers_whole() -> None:
    word = re.compile(_configuration()["wordPattern"])
    for text in ("deposit.balance", "complaint.bad_influence", "2025-03-20", "55.40", "x"):
        assert word.fullmatch(text), text
    assert [m.group() for m in word.finditer("top_up deposit.balance<10000 CNY")] == [
        "top_up",
        "deposit.balance",
        "10000",
        "CNY",
    ]


# ------------------------------------------------------------------ tokens, against the parser

# What the innermost TextMate scope of each kind of token the Lark parser reads must be.
KEYWORD_SCOPES = (
    "keyword.",
    "storage.type.",
    "constant.language.",
    "support.function.",
    "support.type.",
)
NAME_SCOPES = ("variable.", "entity.name.")
TERMINAL_SCOPES = {
    "NAME": NAME_SCOPES,
    "NUMBER": ("constant.numeric.",),
    "INT": ("constant.numeric.",),
    "DATE": ("constant.numeric.date.clause",),
    "CURRENCY": ("support.constant.currency.clause",),
    "TAG": ("support.constant.tag.clause",),
    "CHECK_CODE": ("support.constant.check-code.clause",),
}
PUNCTUATION_SCOPES = ("punctuation.", "keyword.operator.", "keyword.other.unit.percent.clause")
MODALITY = {
    "must": "obligation",
    "must_not": "prohibition",
    "may": "permission",
    "can": "power",
    "q_must": "obligation",
    "q_may": "permission",
}
STRING_SCOPE = "string.quoted.double.clause"
COMMENT_SCOPE = "comment.line.number-sign.clause"
LEXEMES = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|#[^\n]*')


@cache
def _lark() -> Lark:
    return Lark(
        grammar_text(),
        parser="lalr",
        lexer="contextual",
        start="start",
        keep_all_tokens=True,
        maybe_placeholders=False,
    )


def _tokenize(tokenizer: list[str], paths: list[Path]) -> dict[Path, list[tuple[str, ...]]]:
    """The scopes of each character of each file, innermost last (newlines have none)."""
    result = subprocess.run(
        [*tokenizer, *map(str, paths)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    names: list[str] = output["scopes"]
    scopes: dict[Path, list[tuple[str, ...]]] = {}
    for path in paths:
        text = path.read_text(encoding="utf-8")
        lines = text.split("\n")
        starts = [0]
        for line in lines:
            starts.append(starts[-1] + len(line) + 1)
        chars: list[tuple[str, ...]] = [()] * len(text)
        for line_number, start, end, *indices in output["files"][str(path)]:
            line = lines[line_number]
            # vscode-textmate counts UTF-16 code units; Python counts code points.
            if line.isascii() or all(ord(c) <= 0xFFFF for c in line):
                first, last = start, end
            else:
                units = [len(line[:i].encode("utf-16-le")) // 2 for i in range(len(line) + 1)]
                first, last = units.index(start), units.index(end)
            for column in range(first, last):
                chars[starts[line_number] + column] = tuple(names[i] for i in indices)
        scopes[path] = chars
    return scopes


def _expected(token: Token, parent: str) -> tuple[str, ...]:
    if token.type in TERMINAL_SCOPES:
        return TERMINAL_SCOPES[token.type]
    if token.type == "NON_NORMATIVE" or re.fullmatch(r"[a-z]+", token.value):
        if parent in MODALITY and token.value in ("must", "not", "may", "can"):
            return (f"keyword.other.modality.{MODALITY[parent]}.clause",)
        return KEYWORD_SCOPES
    if token.value == ".":
        return NAME_SCOPES
    return PUNCTUATION_SCOPES


def _tokens(tree: Tree[Token]) -> Iterator[tuple[Token, Tree[Token]]]:
    for child in tree.children:
        if isinstance(child, Token):
            yield child, tree
        else:
            yield from _tokens(child)


def _mismatches(path: Path, chars: list[tuple[str, ...]]) -> Iterator[str]:
    text = path.read_text(encoding="utf-8")
    tree = _lark().parse(text)

    def where(offset: int) -> str:
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        return f"{path.relative_to(REPO)}:{line}:{column}"

    strings = set()
    comments = set()
    for lexeme in LEXEMES.finditer(text):
        inside = strings if lexeme.group().startswith('"') else comments
        inside.update(range(lexeme.start(), lexeme.end()))
    for offset, scopes in enumerate(chars):
        if text[offset] == "\n":
            continue
        if (STRING_SCOPE in scopes) != (offset in strings):
            place = "in" if offset in strings else "outside"
            yield f"{where(offset)}: {text[offset]!r} {place} a string has {scopes}"
        if (COMMENT_SCOPE in scopes) != (offset in comments):
            place = "in" if offset in comments else "outside"
            yield f"{where(offset)}: {text[offset]!r} {place} a comment has {scopes}"
    for token, parent in _tokens(tree):
        assert token.start_pos is not None and token.end_pos is not None
        if token.type == "STRING":
            content = range(token.start_pos + 1, token.end_pos - 1)
            number = None
            if parent.data in ("clause", "non_normative"):
                number = "entity.name.section.clause"
            elif parent.data == "clause_ref":
                number = "entity.name.section.reference.clause"
            if number and any(number not in chars[i] for i in content if text[i] != "\n"):
                yield f"{where(token.start_pos)}: the clause number {token.value} is not {number}"
            continue
        expected = _expected(token, str(parent.data))
        for offset in range(token.start_pos, token.end_pos):
            innermost = chars[offset][-1] if chars[offset] else "(none)"
            if not innermost.startswith(expected):
                yield (
                    f"{where(offset)}: {token.value!r} ({token.type} in {parent.data}) is "
                    f"{innermost}, expected {' or '.join(expected)}"
                )
                break


def test_every_token_of_the_shipped_contracts_has_its_scope(tokenizer: list[str]) -> None:
    scopes = _tokenize(tokenizer, FILES)
    problems = [problem for path in FILES for problem in _mismatches(path, scopes[path])]
    assert not problems, f"{len(problems)} tokens scoped wrongly:\n" + "\n".join(problems[:30])


def test_every_reserved_word_alone_is_a_keyword(tokenizer: list[str], tmp_path: Path) -> None:
    words = sorted(reserved_words() | {"non-normative"})
    sample = tmp_path / "words.clause"
    sample.write_text("\n".join(words) + "\n", encoding="utf-8")
    chars = _tokenize(tokenizer, [sample])[sample]
    offset = 0
    for word in words:
        scopes = chars[offset]
        assert scopes and scopes[-1].startswith(KEYWORD_SCOPES), f"{word}: {scopes}"
        assert set(chars[offset : offset + len(word)]) == {scopes}, word
        offset += len(word) + 1


# ------------------------------------------------------------------ the grammar's test files


def test_grammar_test_files_pass_under_vscode_tmgrammar_test(node: str) -> None:
    tool = TOOLS / "node_modules" / "vscode-tmgrammar-test" / "dist" / "unit.js"
    need_tool(tool.is_file(), "vscode-tmgrammar-test is not installed: run `npm ci` in tests/node")
    cases = sorted((EXTENSION / "tests").glob("*.syntax-test"))
    assert len(cases) >= 2
    result = subprocess.run(
        [node, str(tool), "--compact", "-g", str(GRAMMAR), *map(str, cases)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=EXTENSION,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("run successfuly") == len(cases), result.stdout
    assertions = sum(
        line.startswith("#") and ("^" in line or line.startswith("# <"))
        for case in cases
        for line in case.read_text(encoding="utf-8").splitlines()
    )
    assert assertions > 150


# ------------------------------------------------------------------ the extension's code


def test_activate_starts_the_configured_server_and_restarts_it(node: str, tmp_path: Path) -> None:
    result = subprocess.run(
        [node, str(TOOLS / "extension_host.cjs"), str(EXTENSION / "extension.js"), str(tmp_path)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    events = json.loads(result.stdout)
    clients = [event for event in events if event[0] == "client"]
    selector = [
        {"scheme": "file", "language": "clause"},
        {"scheme": "untitled", "language": "clause"},
    ]
    for _, _, identifier, _, _, options in clients:
        assert identifier == "clausec"
        assert options == {
            "documentSelector": selector,
            "outputChannel": "clausec",
            "fileEvents": "**/*.clause",
        }
    stdio = 0
    venv = f"{tmp_path}/.venv/bin/clausec"
    for client in clients:
        assert client[4]["transport"] == stdio
        assert client[4]["options"] == {"cwd": str(tmp_path)}
    assert [[client[4]["command"], *client[4]["args"]] for client in clients] == [
        # the default, then the setting with ${workspaceFolder}, then the restart command
        ["clausec", "lsp"],
        [venv, "lsp"],
        [venv, "lsp"],
        # `[]` and a string are refused; a program that does not start is reported
        ["no-such-program"],
        # back to the default
        ["clausec", "lsp"],
    ]
    # Each client started is stopped before the next one starts, the last one on deactivate.
    lifecycle = [event for event in events if event[0] in ("start", "stop")]
    assert lifecycle == [[kind, n] for n in range(1, 6) for kind in ("start", "stop")]
    # A change to another setting restarts nothing.
    venv_setting = ["setting", ["${workspaceFolder}/.venv/bin/clausec", "lsp"]]
    changes = [index for index, event in enumerate(events) if event == venv_setting]
    assert len(changes) == 2
    assert events[changes[1] + 1] == ["run command", "clausec.restartServer"]
    errors = [event[1] for event in events if event[0] == "error message"]
    assert errors == [
        "clausec: clausec.command must be a list of strings, the program and its arguments",
        "clausec: clausec.command must be a list of strings, the program and its arguments",
        'clausec: could not start the clausec language server with ["no-such-program"]: '
        "spawn no-such-program ENOENT. Install clausec with its language server "
        "(pip install 'clausec[lsp]') or set clausec.command.",
    ]
    assert ["command registered", "clausec.restartServer"] in events
    assert ["subscriptions", 3] in events


# ------------------------------------------------------------------ the package


def test_vsce_packages_the_extension(node: str, tmp_path: Path) -> None:
    need_tool(NPM is not None, "`npm` is not on PATH: vsce lists the extension's dependencies")
    vsce = TOOLS / "node_modules" / "@vscode" / "vsce" / "vsce"
    need_tool(vsce.is_file(), "vsce is not installed: run `npm ci` in tests/node")
    need_tool(
        (EXTENSION / "node_modules" / "vscode-languageclient").is_dir(),
        "the extension's dependencies are not installed: run `npm ci` in editors/vscode",
    )
    target = tmp_path / "clausec.vsix"
    result = subprocess.run(
        [node, str(vsce), "package", "--out", str(target)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=EXTENSION,
        stdin=subprocess.DEVNULL,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    with zipfile.ZipFile(target) as package:
        names = set(package.namelist())
        manifest = json.loads(package.read("extension/package.json"))
    assert manifest["name"] == "clausec"
    for required in (
        "extension/package.json",
        "extension/extension.js",
        "extension/syntaxes/clause.tmLanguage.json",
        "extension/language-configuration.json",
        "extension/readme.md",
        "extension/LICENSE.txt",
        "extension/node_modules/vscode-languageclient/package.json",
        "extension/node_modules/vscode-languageclient/lib/node/main.js",
        "extension/node_modules/vscode-languageserver-protocol/package.json",
        "extension/node_modules/vscode-jsonrpc/package.json",
        "extension.vsixmanifest",
    ):
        assert required in names, f"{required} is not in the package: {sorted(names)[:40]}"
    assert not [name for name in names if "/tests/" in name and "node_modules" not in name]
    assert not [name for name in names if name.endswith(".py")]
