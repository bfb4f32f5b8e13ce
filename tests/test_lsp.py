"""`clausec lsp` end to end: a real LSP client (pytest-lsp) drives the server over stdio.

Each test starts the server as an editor does (``python -m clausec lsp``), opens documents,
edits them and checks what comes back: diagnostics (front end at once, the analyses' findings
later), the outline, formatting and the quick fix that accepts a finding."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from clausec.lsp.positions import LineIndex
from clausec.lsp.server import end_of
from clausec.syntax.layout import format_text

from conftest import CONTRACTS

pytestmark = pytest.mark.asyncio(loop_scope="function")

# Two norms that conflict (W0501, found by the analyses, not the front end).
CONFLICT = """\
contract conflict
  title "Demo"
  source "demo.txt"
  language zh
  calendar CN

party platform role "甲方"
party merchant role "乙方"
action release "返还"
object deposit : money CNY "质保金"
fact merchant.clean : boolean "乙方无违规"
fact deposit.balance : money CNY "余额"
fact merchant.note : text "备注"

clause "6.1"
  quote "乙方无违规的，甲方应返还质保金。"
  platform must release deposit to merchant
    when merchant.clean

clause "6.9"
  quote "质保金余额低于一万元的，甲方不得返还质保金。"
  platform must not release deposit
    when deposit.balance < 10000 CNY
"""

# Seconds to wait for the analyses (a worker process, z3) on a small file.
ANALYSIS_WAIT = 60.0
# Seconds for the server to answer shutdown and exit.
SHUTDOWN_WAIT = 15.0


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-m", "clausec", "lsp"])
)
async def client(lsp_client: LanguageClient, tmp_path: Path) -> AsyncIterator[None]:
    result = await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(
                general=types.GeneralClientCapabilities(
                    position_encodings=[types.PositionEncodingKind.Utf8]
                )
            ),
            root_uri=tmp_path.as_uri(),
            workspace_folders=[types.WorkspaceFolder(tmp_path.as_uri(), "work")],
        )
    )
    # What the server answered, for test_capabilities.
    lsp_client.initialize_result = result  # type: ignore[attr-defined]
    yield
    try:
        await asyncio.wait_for(lsp_client.shutdown_session(), SHUTDOWN_WAIT)
    finally:
        # After an error in the client (a request it could not send), pytest-lsp sends no
        # exit but still waits for the server to end: end it, so the failure is reported.
        server = lsp_client._server
        if server is not None and server.returncode is None:
            server.kill()


def open_document(client: LanguageClient, path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "clause", 1, text))
    )
    return uri


def change(client: LanguageClient, uri: str, version: int, edits: Sequence[types.TextEdit]) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(version, uri),
            [types.TextDocumentContentChangePartial(e.range, e.new_text) for e in edits],
        )
    )


def apply(text: str, edits: Sequence[types.TextEdit]) -> str:
    """``text`` after ``edits`` (LSP positions: UTF-16 code units), from the last to the first."""

    def offset(position: types.Position) -> int:
        index = LineIndex(text)
        return index.offset(*index.column(position))

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character))[::-1]:
        start, end = offset(edit.range.start), offset(edit.range.end)
        text = text[:start] + edit.new_text + text[end:]
    return text


async def diagnostics_until(
    client: LanguageClient,
    uri: str,
    wanted: Callable[[Sequence[types.Diagnostic]], bool],
    timeout: float = 20.0,
) -> Sequence[types.Diagnostic]:
    """The document's diagnostics, once a publication satisfies ``wanted``."""

    async def wait() -> Sequence[types.Diagnostic]:
        while True:
            if uri in client.diagnostics and wanted(client.diagnostics[uri]):
                return client.diagnostics[uri]
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)

    return await asyncio.wait_for(wait(), timeout)


def codes(diagnostics: Sequence[types.Diagnostic]) -> list[str]:
    return [str(d.code) for d in diagnostics]


async def test_capabilities(client: LanguageClient) -> None:
    result = client.initialize_result.capabilities  # type: ignore[attr-defined]
    # UTF-16, though the client said it prefers UTF-8.
    assert result.position_encoding == types.PositionEncodingKind.Utf16
    sync = result.text_document_sync
    assert isinstance(sync, types.TextDocumentSyncOptions)
    assert sync.change == types.TextDocumentSyncKind.Incremental
    assert result.document_symbol_provider
    assert result.document_formatting_provider
    assert isinstance(result.code_action_provider, types.CodeActionOptions)
    assert list(result.code_action_provider.code_action_kinds or []) == ["quickfix"]


async def test_error_as_you_type_then_fixed(client: LanguageClient, tmp_path: Path) -> None:
    # An unknown name after a CJK and an astral character: columns in UTF-16 code units.
    wrong = '  platform may release deposit when merchant.note = "质𠀀" and merchant.clen'
    text = CONFLICT.replace("    when merchant.clean\n", f"    when merchant.clean\n{wrong}\n")
    uri = open_document(client, tmp_path / "a.clause", text)
    found = await diagnostics_until(client, uri, lambda ds: "E0200" in codes(ds))
    error = next(d for d in found if d.code == "E0200")
    line = text.split("\n").index(wrong)
    start = len(wrong.removesuffix("merchant.clen")) + 1  # 𠀀 is two units
    assert error.range == types.Range(
        types.Position(line, start), types.Position(line, start + len("merchant.clen"))
    )
    assert error.severity == types.DiagnosticSeverity.Error
    assert error.source == "clausec"
    assert error.code_description is not None
    assert error.code_description.href.endswith("docs/diagnostics.md#e0200--unknown-name")
    assert "did you mean" in error.message or "help:" in error.message
    # Fix it: the error is gone (and no analysis finding stands in for it yet).
    fix = types.TextEdit(
        types.Range(
            types.Position(line, start), types.Position(line, start + len("merchant.clen"))
        ),
        "merchant.clean",
    )
    change(client, uri, 2, [fix])
    await diagnostics_until(client, uri, lambda ds: not any(d.code == "E0200" for d in ds))


async def test_finding_later_then_accepted(client: LanguageClient, tmp_path: Path) -> None:
    uri = open_document(client, tmp_path / "conflict.clause", CONFLICT)
    found = await diagnostics_until(
        client, uri, lambda ds: "W0501" in codes(ds), timeout=ANALYSIS_WAIT
    )
    finding = next(d for d in found if d.code == "W0501")
    assert finding.severity == types.DiagnosticSeverity.Warning
    assert finding.code_description is not None
    assert finding.code_description.href.endswith("docs/checks.md#w0501")
    # The other norm, as related information in the same file.
    assert finding.related_information
    assert finding.related_information[0].location.uri == uri
    other = CONFLICT.split("\n").index("  platform must release deposit to merchant")
    assert finding.related_information[0].location.range.start == types.Position(other, 2)
    assert "help: " in finding.message
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uri),
            finding.range,
            types.CodeActionContext(diagnostics=[finding]),
        )
    )
    assert actions is not None
    titles = [a.title for a in actions if isinstance(a, types.CodeAction)]
    assert titles == ["Accept W0501 in clause 6.9", "Accept W0501 in the whole file"]
    action = actions[0]
    assert isinstance(action, types.CodeAction) and action.is_preferred
    assert action.edit is not None and action.edit.document_changes is not None
    document_edit = action.edit.document_changes[0]
    assert isinstance(document_edit, types.TextDocumentEdit)
    edits = [e for e in document_edit.edits if isinstance(e, types.TextEdit)]
    accepted = apply(CONFLICT, edits)
    # Among the clause's attributes, after its quote.
    assert (
        '  quote "质保金余额低于一万元的，甲方不得返还质保金。"\n  accept W0501 because "…"\n'
        in accepted
    )
    change(client, uri, 2, edits)
    await diagnostics_until(
        client,
        uri,
        lambda ds: not any(d.code == "W0501" for d in ds),
        timeout=ANALYSIS_WAIT,
    )


async def test_header_accept_and_findings_move_with_edits(
    client: LanguageClient, tmp_path: Path
) -> None:
    uri = open_document(client, tmp_path / "conflict.clause", CONFLICT)
    found = await diagnostics_until(
        client, uri, lambda ds: "W0501" in codes(ds), timeout=ANALYSIS_WAIT
    )
    line = next(d for d in found if d.code == "W0501").range.start.line
    # Two comment lines above the clauses: the front end publishes at once, the finding
    # moved down with its clause until the analyses of the new text replace it.
    top = types.Position(13, 0)
    change(client, uri, 2, [types.TextEdit(types.Range(top, top), "# one\n# two\n")])
    moved = await diagnostics_until(
        client,
        uri,
        lambda ds: any(d.code == "W0501" and d.range.start.line == line + 2 for d in ds),
    )
    finding = next(d for d in moved if d.code == "W0501")
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uri),
            finding.range,
            types.CodeActionContext(diagnostics=[finding], only=[types.CodeActionKind.QuickFix]),
        )
    )
    assert actions is not None
    whole_file = next(a for a in actions if a.title == "Accept W0501 in the whole file")
    assert isinstance(whole_file, types.CodeAction)
    assert whole_file.edit is not None and whole_file.edit.document_changes is not None
    document_edit = whole_file.edit.document_changes[0]
    assert isinstance(document_edit, types.TextDocumentEdit)
    edits = [e for e in document_edit.edits if isinstance(e, types.TextEdit)]
    text = apply(CONFLICT.replace('clause "6.1"', '# one\n# two\nclause "6.1"'), edits)
    assert text.startswith(
        'contract conflict\n  title "Demo"\n  source "demo.txt"\n  language zh\n'
        '  calendar CN\n  accept W0501 because "…"\n\nparty'
    )
    # No refactoring is offered where no finding is.
    nothing = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uri),
            types.Range(types.Position(0, 0), types.Position(0, 1)),
            types.CodeActionContext(diagnostics=[], only=[types.CodeActionKind.Refactor]),
        )
    )
    assert not nothing


async def test_document_symbols(client: LanguageClient, tmp_path: Path) -> None:
    deposit = CONTRACTS / "soolife" / "deposit.clause"
    text = deposit.read_text(encoding="utf-8")
    uri = open_document(client, tmp_path / "deposit.clause", text)
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(types.TextDocumentIdentifier(uri))
    )
    assert symbols is not None
    by_name = {s.name: s for s in symbols if isinstance(s, types.DocumentSymbol)}
    clause = by_name["clause 6.2(4)(c)"]
    assert clause.kind == types.SymbolKind.Namespace
    assert clause.detail is not None and clause.detail.startswith("A buyer complaint")
    assert [c.name for c in clause.children or []] == [
        "platform may deduct deposit",
        "platform can terminate agreement",
        "platform can claim compensation",
    ]
    assert by_name["merchant.violated_rules"].kind == types.SymbolKind.Field
    assert by_name["merchant.clean"].kind == types.SymbolKind.Constant  # a definition
    assert by_name["may_deduct_deposit"].kind == types.SymbolKind.Interface
    lines = text.split("\n")
    # The selection is the clause's number, in the clause's range.
    selection = clause.selection_range
    assert lines[selection.start.line][selection.start.character :].startswith('"6.2(4)(c)"')


async def test_formatting(client: LanguageClient, tmp_path: Path) -> None:
    messy = CONFLICT.replace("  platform must release", "      platform   must release")
    uri = open_document(client, tmp_path / "messy.clause", messy)
    options = types.FormattingOptions(tab_size=2, insert_spaces=True)
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(types.TextDocumentIdentifier(uri), options)
    )
    assert edits
    assert apply(messy, edits) == format_text(messy) == format_text(CONFLICT)
    # A text that does not parse is left alone.
    broken = messy.replace('clause "6.9"', 'clause "6.9" platform')
    change(
        client,
        uri,
        2,
        [types.TextEdit(types.Range(types.Position(0, 0), end_of(messy)), broken)],
    )
    assert not await client.text_document_formatting_async(
        types.DocumentFormattingParams(types.TextDocumentIdentifier(uri), options)
    )


async def test_close_clears(client: LanguageClient, tmp_path: Path) -> None:
    uri = open_document(client, tmp_path / "bad.clause", "contract bad\n")
    await diagnostics_until(client, uri, lambda ds: "E0400" in codes(ds))
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri))
    )
    await diagnostics_until(client, uri, lambda ds: not ds)


def deposit_copy(folder: Path) -> tuple[Path, str, list[str]]:
    """The shipped deposit contract in ``folder`` (renames must not touch the real one)."""
    text = (CONTRACTS / "soolife" / "deposit.clause").read_text(encoding="utf-8")
    return folder / "deposit.clause", text, text.split("\n")


def position_of(lines: list[str], line_text: str, word: str) -> types.Position:
    """Where ``word`` starts on the first line that starts with ``line_text``."""
    line = next(i for i, text in enumerate(lines) if text.startswith(line_text))
    return types.Position(line, lines[line].index(word))


async def test_navigation_on_the_deposit_contract(client: LanguageClient, tmp_path: Path) -> None:
    path, text, lines = deposit_copy(tmp_path)
    uri = open_document(client, path, text)
    document = types.TextDocumentIdentifier(uri)
    use = position_of(lines, "    when merchant.clean and service.stopped", "merchant.clean")
    declared = position_of(lines, "define merchant.clean", "merchant.clean")

    hover = await client.text_document_hover_async(types.HoverParams(document, use))
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "merchant.clean" in hover.contents.value and "boolean" in hover.contents.value

    reference = position_of(lines, '    per "6.2(1)"', "6.2(1)")
    quote = await client.text_document_hover_async(types.HoverParams(document, reference))
    assert quote is not None and isinstance(quote.contents, types.MarkupContent)
    assert "乙方未有违反甲方各项规则的行为" in quote.contents.value

    found = await client.text_document_definition_async(types.DefinitionParams(document, use))
    assert isinstance(found, list) and len(found) == 1
    assert isinstance(found[0], types.Location) and found[0].uri == uri
    assert found[0].range.start == declared

    places = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=document,
            position=use,
            context=types.ReferenceContext(include_declaration=True),
        )
    )
    assert places is not None
    starts = {(p.range.start.line, p.range.start.character) for p in places}
    assert (declared.line, declared.character) in starts
    assert (use.line, use.character) in starts
    assert all(text.split("\n")[p.range.start.line].count("merchant.clean") for p in places)

    after_dot = types.Position(use.line, use.character + len("merchant."))
    completions = await client.text_document_completion_async(
        types.CompletionParams(document, after_dot)
    )
    assert isinstance(completions, types.CompletionList)
    labels = [item.label for item in completions.items]
    assert "merchant.violated_rules" in labels or "violated_rules" in labels


async def test_rename_across_the_document(client: LanguageClient, tmp_path: Path) -> None:
    path, text, lines = deposit_copy(tmp_path)
    uri = open_document(client, path, text)
    document = types.TextDocumentIdentifier(uri)
    use = position_of(lines, "    when merchant.clean and service.stopped", "merchant.clean")
    place = await client.text_document_prepare_rename_async(
        types.PrepareRenameParams(document, use)
    )
    assert isinstance(place, types.Range)
    assert place.start == use
    edit = await client.text_document_rename_async(
        types.RenameParams(document, use, "merchant.spotless")
    )
    assert edit is not None and edit.changes is not None
    renamed = apply(text, edit.changes[uri])
    assert "merchant.clean" not in renamed.replace("merchant.clean_", "")
    assert renamed.count("merchant.spotless") == text.count("merchant.clean") - text.count(
        "merchant.clean_"
    )
    # The renamed text checks as the original does.
    change(
        client,
        uri,
        2,
        [types.TextEdit(types.Range(types.Position(0, 0), end_of(text)), renamed)],
    )
    found = await diagnostics_until(client, uri, lambda ds: True)
    assert not [d for d in found if d.severity == types.DiagnosticSeverity.Error]
    # A reserved word is refused with a message.
    with pytest.raises(Exception, match="reserved word"):
        await client.text_document_rename_async(types.RenameParams(document, use, "when"))


def message(body: dict[str, object]) -> bytes:
    """One JSON-RPC message with its header, as a client writes it."""
    data = json.dumps(body).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(data) + data


@pytest.mark.parametrize(
    ("ending", "code"),
    [(["shutdown", "exit"], 0), (["exit"], 1), ([], 1)],
    ids=["shutdown-then-exit", "exit-without-shutdown", "input-closed"],
)
async def test_exit_codes(ending: list[str], code: int) -> None:
    # The protocol: 0 when exit follows a shutdown request, 1 otherwise.
    sent = message(
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}
    ) + message({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    for number, method in enumerate(ending, start=2):
        body: dict[str, object] = {"jsonrpc": "2.0", "method": method}
        if method == "shutdown":
            body["id"] = number
        sent += message(body)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "clausec",
        "lsp",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(sent), SHUTDOWN_WAIT)
    assert process.returncode == code, err.decode()
    assert b'"id": 1' in out or b'"id":1' in out  # initialize was answered
    assert not err
