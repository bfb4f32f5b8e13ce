"""What a clause file links to, found by a scan of its text without parsing it: the contracts
it defines, the contracts it imports and the paths it imports from. The scan finds every
`contract` and `import` the parser would see (and may find more, which callers treat as
links that only cost extra work), in time linear in the text, so that deciding which files
belong together never costs a parse."""

from __future__ import annotations

import re

# Strings and comments as the parser's lexer finds them (clausec.syntax.parser._lexemes): a
# quote that opens no closed string is an ordinary character.
_STRING_BODY = re.compile(r'[^"\\]*+(?:\\.[^"\\]*+)*+')
_QUOTE_OR_COMMENT = re.compile(r'"|#[^\n]*')
_COMMENT = re.compile(r"#[^\n]*")
# In the text left, what follows `import` or `contract` for the parser: a name; for an
# import, maybe `from` and a string. Keywords are matched even glued to what precedes them
# (`10import`) and names to them, so that no link the parser sees is missed; a link it does
# not see only makes a group larger.
_LINK = re.compile(r'(?<![a-z_])(contract|import)\s*([a-z_][a-z0-9_]*)(?:\s*from\s*("))?')


def scan(text: str) -> tuple[set[str], set[str], list[str]]:
    """Contract names defined, contract names imported and import paths (string literals)
    of a file."""
    code: list[str] = []
    strings: dict[int, str] = {}
    position = 0
    plain_until = 0  # quotes before this offset open no string (a runaway one is scanned once)
    while True:
        if position < plain_until:
            m = _COMMENT.search(text, position, plain_until)
            if m is None:
                code.append(text[position:plain_until])
                position = plain_until
                continue
        else:
            m = _QUOTE_OR_COMMENT.search(text, position)
            if m is None:
                code.append(text[position:])
                break
        start = m.start()
        code.append(text[position:start])
        if m.group(0) != '"':
            code.append(" " * (m.end() - start))
            position = m.end()
            continue
        body = _STRING_BODY.match(text, start + 1)
        assert body is not None  # the body may be empty
        if body.end() < len(text) and text[body.end()] == '"':
            strings[start] = text[start : body.end() + 1]
            code.append('"' + " " * (body.end() - start))
            position = body.end() + 1
        else:
            code.append('"')
            position, plain_until = start + 1, body.end()
    defined: set[str] = set()
    imported: set[str] = set()
    paths: list[str] = []
    for match in _LINK.finditer("".join(code)):
        word, name, quote = match.groups()
        (defined if word == "contract" else imported).add(name)
        if word == "import" and quote is not None:
            paths.append(strings[match.start(3)])
    return defined, imported, paths


def string_value(literal: str) -> str | None:
    """The text of a string literal, escapes decoded as the parser decodes them (an invalid
    escape, an error there, is kept as written)."""
    body = literal[1:-1]
    if "\\" not in body:
        return body
    from clausec.syntax.build import _ESCAPE, escape_value

    def replace(m: re.Match[str]) -> str:
        value = escape_value(m.group(1))
        return m.group(1) if value is None else value

    try:
        return _ESCAPE.sub(replace, body)
    except ValueError:
        return None
