"""docs/editors.md: its configuration snippets are well-formed and start `clausec lsp`.

Each fenced block is read as its language: ```toml (Helix) with tomllib, ```json (VS Code,
Sublime Text) with json, ```lua (Neovim) and ```elisp (Emacs) by a reader of their strings,
comments and brackets (neither interpreter is installed); every one must name the command
`clausec lsp`. The ```sh commands that highlight with Pygments, and the one that converts the
VS Code grammar for Sublime Text, run. Links of the page point at files and headings that
exist, and the page is linked from README.md and docs/cli.md.
"""

from __future__ import annotations

import importlib.metadata
import json
import plistlib
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "editors.md"
TEXT = PAGE.read_text(encoding="utf-8")
EXTENSION = ROOT / "editors" / "vscode"

_FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.M | re.S)
BLOCKS = [(m.group(1).strip(), m.group(2)) for m in _FENCE.finditer(TEXT)]


def installed_entry_point() -> bool:
    points = importlib.metadata.distribution("clausec").entry_points
    return any(p.group == "pygments.lexers" and p.name == "clause" for p in points)


def blocks(language: str) -> list[str]:
    return [body for info, body in BLOCKS if info == language]


def test_the_page_has_a_block_per_editor() -> None:
    counts = {language: len(blocks(language)) for language in ("toml", "json", "lua", "elisp")}
    assert counts == {"toml": 1, "json": 2, "lua": 2, "elisp": 2}


# ---------------------------------------------------------------- Helix


def test_helix_languages_toml() -> None:
    (body,) = blocks("toml")
    config = tomllib.loads(body)
    (language,) = config["language"]
    assert language["name"] == "clause"
    assert language["file-types"] == ["clause"]
    assert language["comment-token"] == "#"
    assert language["auto-format"] is True
    servers = config["language-server"]
    assert language["language-servers"] == list(servers)
    assert [servers["clausec"]["command"], *servers["clausec"]["args"]] == ["clausec", "lsp"]


# ---------------------------------------------------------------- VS Code and Sublime Text


def test_vscode_settings() -> None:
    settings = json.loads(blocks("json")[0])
    command = settings["clausec.command"]
    assert command[-1] == "lsp" and command[0].endswith("/.venv/bin/clausec")
    assert settings["[clause]"] == {"editor.formatOnSave": True}


def test_vscode_settings_are_the_extensions() -> None:
    manifest = EXTENSION / "package.json"
    if not manifest.exists():
        pytest.skip("the VS Code extension (editors/vscode/) is not in this checkout")
    package = json.loads(manifest.read_text(encoding="utf-8"))
    properties = package["contributes"]["configuration"]["properties"]
    assert properties["clausec.command"]["default"] == ["clausec", "lsp"]
    assert [language["id"] for language in package["contributes"]["languages"]] == ["clause"]
    settings = json.loads(blocks("json")[0])
    assert {key for key in settings if not key.startswith("[")} <= set(properties)
    # `npx @vscode/vsce package` writes NAME-VERSION.vsix: the page installs clausec-*.vsix.
    assert package["name"] == "clausec"


def test_sublime_lsp_settings() -> None:
    client = json.loads(blocks("json")[1])["clients"]["clausec"]
    assert client == {"enabled": True, "command": ["clausec", "lsp"], "selector": "source.clause"}


def _sh_lines() -> list[str]:
    return [
        line.split("  #")[0].strip()
        for body in blocks("sh")
        for line in body.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def test_sublime_grammar_conversion(tmp_path: Path) -> None:
    grammar = EXTENSION / "syntaxes" / "clause.tmLanguage.json"
    if not grammar.exists():
        pytest.skip("the VS Code extension (editors/vscode/) is not in this checkout")
    (command,) = [line for line in _sh_lines() if "plistlib" in line]
    (tmp_path / "editors").symlink_to(ROOT / "editors")
    argv = shlex.split(command)
    assert argv[0] == "python3"
    run = subprocess.run(
        [sys.executable, *argv[1:]], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    converted = plistlib.loads((tmp_path / "Clause.tmLanguage").read_bytes())
    assert converted["scopeName"] == "source.clause"
    assert "clause" in converted["fileTypes"]
    assert converted["patterns"] == json.loads(grammar.read_text(encoding="utf-8"))["patterns"]


# ---------------------------------------------------------------- Neovim and Emacs


def _balanced(text: str, *, comment: str, strings: str, characters: bool = False) -> list[str]:
    """The brackets of ``text`` outside strings and comments, checked to pair up; returns
    the string literals, in order. ``characters``: Emacs Lisp's ``?x`` character syntax."""
    pairs = {")": "(", "]": "[", "}": "{"}
    stack: list[str] = []
    literals: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if text.startswith(comment, i):
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
        elif characters and c == "?":
            i += 3 if text[i + 1] == "\\" else 2
        elif c in strings:
            j = i + 1
            while text[j] != c:
                assert text[j] != "\n", f"unterminated string at {text[i : i + 20]!r}"
                j += 2 if text[j] == "\\" else 1
            literals.append(text[i + 1 : j])
            i = j + 1
        else:
            if c in "([{":
                stack.append(c)
            elif c in pairs:
                assert stack and stack.pop() == pairs[c], f"unbalanced {c!r} at {i}"
            i += 1
    assert stack == [], f"unclosed {stack}"
    return literals


@pytest.mark.parametrize("body", blocks("lua"), ids=["vim.lsp.config", "nvim-lspconfig"])
def test_neovim_lua(body: str) -> None:
    literals = _balanced(body, comment="--", strings="\"'")
    assert re.search(r'cmd = \{ "clausec", "lsp" \}', body)
    assert re.search(r'filetypes = \{ "clause" \}', body)
    assert "clausec" in literals


def test_neovim_filetype_is_the_extensions() -> None:
    body = blocks("lua")[0]
    assert 'vim.filetype.add({ extension = { clause = "clause" } })' in body
    assert 'vim.lsp.enable("clausec")' in body
    assert 'vim.bo.commentstring = "# %s"' in body


@pytest.mark.parametrize("body", blocks("elisp"), ids=["eglot", "lsp-mode"])
def test_emacs_lisp(body: str) -> None:
    _balanced(body, comment=";", strings='"', characters=True)
    assert '"clausec" "lsp"' in body


# ---------------------------------------------------------------- Pygments


def test_pygmentize_commands(tmp_path: Path) -> None:
    commands = [line for line in _sh_lines() if line.startswith("pygmentize ")]
    assert len(commands) == 2
    if not installed_entry_point():
        pytest.fail("the installed clausec has no pygments entry point; reinstall it")
    for command in commands:
        argv = [
            a.replace("deposit.html", str(tmp_path / "deposit.html")) for a in shlex.split(command)
        ]
        run = subprocess.run(
            [sys.executable, "-m", "pygments", *argv[1:]],
            cwd=ROOT,
            capture_output=True,
            check=False,
        )
        assert run.returncode == 0, run.stderr
    html = (tmp_path / "deposit.html").read_text(encoding="utf-8")
    assert '<span class="kd">contract</span>' in html
    assert 'class="err"' not in html


# ---------------------------------------------------------------- links


def _slug(heading: str) -> str:
    """GitHub's anchor of a heading."""
    heading = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return heading.replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    text = page.read_text(encoding="utf-8")
    text = _FENCE.sub("", text)
    return {_slug(h) for h in re.findall(r"^#+ (.*)$", text, re.M)}


def test_links_resolve() -> None:
    links = re.findall(r"\]\(([^)\s]+)\)", _FENCE.sub("", TEXT))
    local = [link for link in links if not re.match(r"https?://", link)]
    assert local
    for link in local:
        path, _, anchor = link.partition("#")
        target = (PAGE.parent / path).resolve() if path else PAGE
        if "editors/vscode" in path and not EXTENSION.exists():
            continue  # the extension comes with its own branch of the same issue
        assert target.exists(), link
        if anchor:
            assert anchor in _anchors(target), link


def test_the_page_is_linked() -> None:
    assert "docs/editors.md" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(editors.md)" in (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")


# ---------------------------------------------------------------- the commands the page names


@pytest.mark.parametrize(
    ("command", "options"),
    [("lsp", {"--stdio", "--no-analysis"}), ("fmt", {"--check"})],
)
def test_the_options_the_page_names_exist(command: str, options: set[str]) -> None:
    from clausec.cli import cli

    if command not in cli.commands:
        pytest.skip(f"`clausec {command}` comes with its own branch of the same issue")
    for option in options:
        assert f"clausec {command}" in TEXT and option in TEXT
    params = cli.commands[command].params
    known = {o for p in params for o in (*p.opts, *p.secondary_opts)}
    assert options <= known
