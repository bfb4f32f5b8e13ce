"""`clausec lsp`: the language server, over stdio (docs/cli.md, docs/editors.md).

Diagnostics: an edit is checked after a short pause (``debounce``) by the front end on the
editor's text, in this process, and published at once; then the analyses of `clausec check`
run on the same text in a worker process (clausec.lsp.analyses) and their findings are
published with the front end's when they are ready. A newer edit cancels both. Until then,
the previous findings stay, moved with the lines the edit inserted or removed.

Every request is answered on the event loop's thread: the parser serves one file at a time
per process (clausec.syntax.build), and the front end takes a tenth of a second on the
longest shipped contract."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Generator
from pathlib import Path
from typing import Any

import attrs
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, lsp_method
from pygls.uris import from_fs_path, to_fs_path

from clausec import __version__
from clausec.diagnostics import Diagnostic
from clausec.lsp import completions, navigation
from clausec.lsp.actions import accept_actions, acceptable
from clausec.lsp.analyses import Analyses
from clausec.lsp.diagnostics import Outcome, check, is_finding, shift, to_lsp
from clausec.lsp.positions import LineIndex, utf16_length
from clausec.lsp.symbols import outline
from clausec.lsp.workspace import Workspace
from clausec.syntax import ast

__all__ = ["DEBOUNCE", "ClauseServer", "serve"]

#: Seconds without an edit before a document is checked: a burst of keystrokes is checked once.
DEBOUNCE = 0.1

logger = logging.getLogger(__name__)


class _Protocol(LanguageServerProtocol):
    @lsp_method(types.INITIALIZE)
    def lsp_initialize(
        self, params: types.InitializeParams
    ) -> Generator[Any, Any, types.InitializeResult]:
        # Positions are UTF-16 code units, LSP's default and the one encoding every client
        # speaks: a client's preference for another is set aside.
        if params.capabilities.general is not None:
            params.capabilities.general.position_encodings = None
        return (yield from super().lsp_initialize(params))


@attrs.define(eq=False)
class _Document:
    """What the server knows of an open document."""

    uri: str
    path: Path
    # The front end's result for the newest checked text, and the analyses' findings (of the
    # last analysed text, moved with the edits since).
    outcome: Outcome | None = None
    findings: list[Diagnostic] = attrs.field(factory=list)
    # What was last published, by clausec's diagnostic (for code actions).
    published: list[tuple[Diagnostic, types.Diagnostic]] = attrs.field(factory=list)
    checking: asyncio.Task[None] | None = None
    analysing: asyncio.Task[None] | None = None


class ClauseServer(LanguageServer):
    """The language server; ``analysis=False`` publishes the front end's diagnostics only."""

    def __init__(self, *, debounce: float = DEBOUNCE, analysis: bool = True) -> None:
        super().__init__(
            "clausec",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            protocol_cls=_Protocol,
        )
        self.debounce = debounce
        self.analysis = analysis
        self.documents: dict[str, _Document] = {}
        self.analyses = Analyses()
        self._navigation: Workspace | None = None
        # Whether the client asked for shutdown before exit (the exit code says so).
        self.shut_down = False

    @property
    def navigation(self) -> Workspace:
        """The navigation's view of the workspace folders and open documents (made once the
        client has said which folders it has)."""
        if self._navigation is None:
            folders = [to_fs_path(f.uri) for f in self.workspace.folders.values()]
            if not folders and self.workspace.root_path:
                folders = [self.workspace.root_path]
            self._navigation = Workspace([Path(f) for f in folders if f])
        return self._navigation

    # -------------------------------------------------------------- documents

    def document_text(self, uri: str) -> str:
        return self.workspace.get_text_document(uri).source

    def document_version(self, uri: str) -> int | None:
        return self.workspace.get_text_document(uri).version

    def root_of(self, path: Path) -> Path:
        """The folder a file's imports must stay in: the workspace folder holding it, else
        its own folder (as `clausec check FILE` decides)."""
        folders = [to_fs_path(f.uri) for f in self.workspace.folders.values()]
        if self.workspace.root_path:
            folders.append(self.workspace.root_path)
        for folder in sorted((Path(f) for f in folders if f), key=lambda f: -len(f.parts)):
            if path.is_relative_to(folder):
                return folder
        return path.parent

    def module(self, document: _Document) -> ast.Module:
        """The syntax tree of the document's current text (what the parser recovered), parsed
        once per text for navigation and outline alike."""
        index = self.navigation.file(document.path)
        if index is None:  # cannot happen: an open document's text is known
            raise RuntimeError(f"no text for {document.uri}")
        return index.module

    def opened(self, uri: str) -> None:
        document = _Document(uri, _path(uri))
        self.documents[uri] = document
        self.navigation.set_text(document.path, self.document_text(uri))
        self.schedule(document, 0)

    def changed(self, uri: str, changes: list[tuple[int, int, int]] | None) -> None:
        document = self.documents.get(uri)
        if document is None:
            return
        self.navigation.set_text(document.path, self.document_text(uri))
        if document.outcome is not None:
            document.findings = (
                shift(document.findings, document.outcome.name, changes)
                if changes is not None
                else []
            )
        self.schedule(document, self.debounce)

    def saved(self, uri: str) -> None:
        """Documents importing the saved file read it from disk: check them again."""
        document = self.documents.get(uri)
        if document is None:
            return
        for other in self.documents.values():
            if other is document or other.outcome is None:
                continue
            if document.path in other.outcome.files.values():
                self.schedule(other, 0)

    def closed(self, uri: str) -> None:
        document = self.documents.pop(uri, None)
        if document is None:
            return
        self.navigation.close(document.path)
        for task in (document.checking, document.analysing):
            if task is not None:
                task.cancel()
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )

    # -------------------------------------------------------------- diagnostics

    def schedule(self, document: _Document, delay: float) -> None:
        """Check the document after ``delay`` seconds, cancelling the work of older texts."""
        for task in (document.checking, document.analysing):
            if task is not None:
                task.cancel()
        document.analysing = None
        document.checking = asyncio.get_running_loop().create_task(self._check(document, delay))

    async def _check(self, document: _Document, delay: float) -> None:
        await asyncio.sleep(delay)
        if document.uri not in self.documents:
            return
        text, version = self.document_text(document.uri), self.document_version(document.uri)
        outcome = check(document.path, text, self.root_of(document.path))
        document.outcome = outcome
        self.publish(document, version)
        # Navigation indexes the tree the front end has just parsed, so that the hover or
        # completion that often follows an edit does not parse the text again.
        if outcome.parsed is not None:
            self.navigation.adopt(document.path, outcome.parsed)
        if self.analysis and outcome.ok:
            job = self._analyse(document, text, version)
            document.analysing = asyncio.get_running_loop().create_task(job)

    async def _analyse(self, document: _Document, text: str, version: int | None) -> None:
        outcome = await self.analyses.run(document.path, text, self.root_of(document.path))
        if outcome is None or self.documents.get(document.uri) is not document:
            return
        if self.document_text(document.uri) != text:
            return
        document.outcome = outcome
        document.findings = [d for d in outcome.own() if is_finding(d)]
        self.publish(document, version)

    def publish(self, document: _Document, version: int | None) -> None:
        outcome = document.outcome
        if outcome is None:
            return
        own = [d for d in outcome.own() if not is_finding(d)]
        if outcome.ok:
            own += document.findings
        shown = sorted(
            (d for d in dict.fromkeys(own) if d.suppressed is None), key=Diagnostic.sort_key
        )
        lines = LineIndex(self.document_text(document.uri))
        located = {outcome.name: (document.uri, lines)}

        def locate(name: str) -> tuple[str, LineIndex] | None:
            if name not in located and name in outcome.files:
                located[name] = self._lines_of(outcome.files[name])
            return located.get(name)

        document.published = [(d, to_lsp(d, lines, locate)) for d in shown]
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=document.uri,
                version=version,
                diagnostics=[lsp for _, lsp in document.published],
            )
        )

    def _lines_of(self, path: Path) -> tuple[str, LineIndex]:
        uri = from_fs_path(str(path)) or path.as_uri()
        if uri in self.documents:
            return uri, LineIndex(self.document_text(uri))
        try:
            return uri, LineIndex(path.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            return uri, LineIndex("")

    async def stop(self) -> None:
        for document in self.documents.values():
            for task in (document.checking, document.analysing):
                if task is not None:
                    task.cancel()
        await self.analyses.close()

    # -------------------------------------------------------------- requests

    def symbols(self, uri: str) -> list[types.DocumentSymbol]:
        document = self.documents.get(uri)
        if document is None:
            return []
        return outline(self.module(document), LineIndex(self.document_text(uri)))

    def formatting(self, uri: str) -> list[types.TextEdit]:
        """The whole text replaced by its canonical layout; nothing for a text that does not
        parse (the formatter never guesses)."""
        from clausec.syntax.layout import Unformattable, format_text

        text = self.document_text(uri)
        try:
            formatted = format_text(text, uri)
        except Unformattable:
            return []
        if formatted == text:
            return []
        return [types.TextEdit(types.Range(types.Position(0, 0), end_of(text)), formatted)]

    def code_actions(self, params: types.CodeActionParams) -> list[types.CodeAction]:
        document = self.documents.get(params.text_document.uri)
        if document is None:
            return []
        wanted = params.context.only
        if wanted is not None and not any(
            types.CodeActionKind.QuickFix.value.startswith(kind) for kind in wanted
        ):
            return []
        snippets = bool(
            self.client_capabilities.workspace
            and self.client_capabilities.workspace.workspace_edit
            and self.client_capabilities.workspace.workspace_edit.snippet_edit_support
        )
        identifier = types.OptionalVersionedTextDocumentIdentifier(
            uri=document.uri, version=self.document_version(document.uri)
        )
        lines = LineIndex(self.document_text(document.uri))
        module = self.module(document)
        out: list[types.CodeAction] = []
        for d, shown in document.published:
            if acceptable(d) and _overlaps(shown.range, params.range):
                out += accept_actions(d, shown, module, lines, identifier, snippets)
        return out


def _path(uri: str) -> Path:
    path = to_fs_path(uri)
    return Path(path) if path else Path.cwd() / "untitled.clause"


def end_of(text: str) -> types.Position:
    """The position just past the last character of ``text``."""
    lines = LineIndex(text).lines
    return types.Position(len(lines) - 1, utf16_length(lines[-1]))


def _overlaps(a: types.Range, b: types.Range) -> bool:
    def key(p: types.Position) -> tuple[int, int]:
        return (p.line, p.character)

    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)


def _line_changes(
    changes: list[types.TextDocumentContentChangeEvent],
) -> list[tuple[int, int, int]] | None:
    """Each change as (first line, last line, lines inserted), 1-based; None when the whole
    text was replaced."""
    out = []
    for change in changes:
        if not isinstance(change, types.TextDocumentContentChangePartial):
            return None
        first, last = change.range.start.line + 1, change.range.end.line + 1
        out.append((first, last, change.text.count("\n")))
    return out


def build(*, debounce: float = DEBOUNCE, analysis: bool = True) -> ClauseServer:
    """A server with every feature registered."""
    server = ClauseServer(debounce=debounce, analysis=analysis)

    @server.feature(types.INITIALIZED)
    def initialized(ls: ClauseServer, params: types.InitializedParams) -> None:
        # While the editor is still starting, rather than at the first completion.
        asyncio.get_running_loop().call_soon(completions.prepare)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: ClauseServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.opened(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: ClauseServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.changed(params.text_document.uri, _line_changes(list(params.content_changes)))

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: ClauseServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.saved(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: ClauseServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.closed(params.text_document.uri)

    @server.feature(types.SHUTDOWN)
    async def shutdown(ls: ClauseServer, params: None) -> None:
        ls.shut_down = True
        await ls.stop()

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def document_symbol(
        ls: ClauseServer, params: types.DocumentSymbolParams
    ) -> list[types.DocumentSymbol]:
        return ls.symbols(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_FORMATTING)
    def formatting(
        ls: ClauseServer, params: types.DocumentFormattingParams
    ) -> list[types.TextEdit]:
        return ls.formatting(params.text_document.uri)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    def code_action(ls: ClauseServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        return ls.code_actions(params)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: ClauseServer, params: types.HoverParams) -> types.Hover | None:
        return navigation.hover(ls.navigation, _path(params.text_document.uri), params.position)

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: ClauseServer, params: types.DefinitionParams) -> list[types.Location]:
        where = _path(params.text_document.uri)
        return navigation.definition(ls.navigation, where, params.position)

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    def references(ls: ClauseServer, params: types.ReferenceParams) -> list[types.Location]:
        where = _path(params.text_document.uri)
        declaration = params.context.include_declaration
        return navigation.references(ls.navigation, where, params.position, declaration)

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=[".", '"'])
    )
    def completion(ls: ClauseServer, params: types.CompletionParams) -> types.CompletionList:
        where = _path(params.text_document.uri)
        return navigation.completion(ls.navigation, where, params.position)

    @server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
    def prepare_rename(ls: ClauseServer, params: types.PrepareRenameParams) -> types.Range | None:
        where = _path(params.text_document.uri)
        return navigation.prepare_rename(ls.navigation, where, params.position)

    @server.feature(types.TEXT_DOCUMENT_RENAME)
    def rename(ls: ClauseServer, params: types.RenameParams) -> types.WorkspaceEdit:
        where = _path(params.text_document.uri)
        try:
            return navigation.rename(ls.navigation, where, params.position, params.new_name)
        except navigation.RenameError as exc:
            # The client shows the message: why the name cannot be used.
            raise JsonRpcException(exc.message, types.LSPErrorCodes.RequestFailed) from None

    return server


def serve(*, analysis: bool = True) -> int:
    """Run the server on stdin and stdout until the client exits; the exit code: 0 after a
    shutdown request, 1 otherwise (an exit without shutdown, or the input closed), as the
    protocol asks. pygls ends its loop on exit without passing the code on."""
    server = build(analysis=analysis)
    with contextlib.suppress(KeyboardInterrupt):
        server.start_io()
    return 0 if server.shut_down else 1
