"""How fast `clausec lsp` answers an editor, on the longest shipped contract.

A real `clausec lsp` process is driven over stdio by pygls' LanguageClient, as an editor
drives it. The document is contracts/soolife/deposit.clause (about 2,000 lines), opened
from a temporary copy. Measured, in milliseconds (median, 95th percentile, maximum):

- an edit (didChange: a name on a condition line made wrong, then right again, alternately)
  until the server publishes the diagnostics of that version — the front end's, which the
  server publishes first, after its debounce of 100 ms — and, for the edits that make the
  text right again (a text with errors is not analysed), until it publishes the analyses'
  findings for it (from a worker process);
- hover on names and clause references, and completion after ``merchant.``, each a
  request and its answer.

Baselines from the same run: the front end of `clausec check` on the same text in this
process (``clausec.lsp.diagnostics.check``, what the server runs per edit), and a request
the server does not know (a JSON-RPC round trip answered with MethodNotFound).

Run: python bench/lsp.py [--edits N] [--requests N]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from clausec.lsp.diagnostics import check  # noqa: E402

CONTRACT = ROOT / "contracts" / "soolife" / "deposit.clause"
# The name an edit makes wrong and right again, on a line of a condition.
EDITED = "merchant.clean"
# Targets of the issue (milliseconds).
DIAGNOSTICS_TARGET = 300
REQUEST_TARGET = 50


def summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{statistics.median(ordered):8.1f} {p95:8.1f} {ordered[-1]:8.1f}"


class Publications:
    """The publishDiagnostics notifications received, by document version."""

    def __init__(self) -> None:
        self.by_version: dict[int | None, list[float]] = {}
        self.arrived = asyncio.Event()

    def add(self, params: types.PublishDiagnosticsParams) -> None:
        self.by_version.setdefault(params.version, []).append(time.perf_counter())
        self.arrived.set()

    async def wait(self, version: int, count: int, timeout: float) -> float | None:
        """When the ``count``-th publication of ``version`` arrived (None: not in time)."""
        deadline = time.perf_counter() + timeout
        while len(self.by_version.get(version, [])) < count:
            left = deadline - time.perf_counter()
            if left <= 0:
                return None
            self.arrived.clear()
            try:
                await asyncio.wait_for(self.arrived.wait(), left)
            except TimeoutError:
                return None
        return self.by_version[version][count - 1]


async def timed(call: Callable[[], Awaitable[object]], count: int) -> list[float]:
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


async def run(edits: int, requests: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="clausec-bench-lsp-"))
    try:
        path = folder / "deposit.clause"
        shutil.copyfile(CONTRACT, path)
        text = path.read_text(encoding="utf-8")
        await measure(path, text, edits, requests)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


async def measure(path: Path, text: str, edits: int, requests: int) -> None:
    lines = text.split("\n")
    uri = path.as_uri()
    document = types.TextDocumentIdentifier(uri)
    publications = Publications()
    client = LanguageClient("clausec-bench", "1")
    client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)(lambda params: publications.add(params))
    await client.start_io(sys.executable, "-m", "clausec", "lsp")
    await client.initialize_async(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(), root_uri=path.parent.as_uri()
        )
    )
    client.initialized(types.InitializedParams())
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "clause", 1, text))
    )
    # The first publications (front end, then analyses) before measuring anything.
    await publications.wait(1, 2, 120)

    # Edits: the name on a condition line made wrong ("merchant.cleanx") and right again.
    row = next(i for i, line in enumerate(lines) if line.startswith("    when " + EDITED))
    end = lines[row].index(EDITED) + len(EDITED)
    front, analyses = [], []
    for version in range(2, edits + 2):
        wrong = version % 2 == 0
        where = types.Range(types.Position(row, end), types.Position(row, end + (not wrong)))
        change = types.TextDocumentContentChangePartial(where, "x" if wrong else "")
        start = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(version, uri), [change]
            )
        )
        first = await publications.wait(version, 1, 30)
        if first is None:
            raise SystemExit(f"no diagnostics for version {version}")
        front.append((first - start) * 1000)
        if wrong:  # a text with an error is not analysed
            continue
        second = await publications.wait(version, 2, 120)
        if second is None:
            raise SystemExit(f"no findings for version {version}")
        analyses.append((second - start) * 1000)
    edited = "\n".join(lines)  # the text is the original again after an even number of edits
    if edits % 2:
        edited = edited.replace(EDITED, EDITED + "x", 1)

    # Requests.
    use_row = next(i for i, line in enumerate(lines) if f" {EDITED} and " in line)
    use = types.Position(use_row, lines[use_row].index(EDITED))
    reference_row = next(i for i, line in enumerate(lines) if line.startswith('    per "'))
    reference = types.Position(reference_row, lines[reference_row].index('"') + 1)
    after_dot = types.Position(use.line, use.character + len("merchant."))

    async def hover_name() -> object:
        return await client.text_document_hover_async(types.HoverParams(document, use))

    async def hover_reference() -> object:
        return await client.text_document_hover_async(types.HoverParams(document, reference))

    async def complete() -> object:
        return await client.text_document_completion_async(
            types.CompletionParams(document, after_dot)
        )

    async def unknown() -> object:
        try:
            return await client.protocol.send_request_async("clausec/benchmark", None)
        except Exception as exc:  # MethodNotFound: the answer this baseline waits for
            return exc

    # The first call of each builds what later calls reuse (the parser's tables for
    # completion): reported apart, not mixed into the medians.
    cold = [(await timed(call, 1))[0] for call in (hover_name, hover_reference, complete)]
    rows = [
        ("unknown request (baseline)", await timed(unknown, requests)),
        ("hover on a fact name", await timed(hover_name, requests)),
        ("hover on a clause reference", await timed(hover_reference, requests)),
        ("completion after merchant.", await timed(complete, requests)),
    ]
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()

    # The front end in this process, on the same text (the server's work per edit).
    front_end = []
    for _ in range(max(5, edits // 2)):
        start = time.perf_counter()
        check(path, edited, path.parent)
        front_end.append((time.perf_counter() - start) * 1000)
    base = statistics.median(front_end)

    print(f"{path.name}: {len(lines)} lines; {edits} edits, {requests} requests each")
    print(f"{'ms':44} {'median':>8} {'p95':>8} {'max':>8}  median ratio")
    print(f"{'front end in process (baseline)':44} {summary(front_end)}  1.00")
    for name, samples in (
        ("edit -> front-end diagnostics published", front),
        ("edit -> analyses' findings published", analyses),
    ):
        print(f"{name:44} {summary(samples)}  {statistics.median(samples) / base:.2f}")
    round_trip = statistics.median(rows[0][1])
    for name, samples in rows:
        ratio = statistics.median(samples) / round_trip
        print(f"{name:44} {summary(samples)}  {ratio:.2f} of the round trip")
    print(
        "first calls (cold), ms: hover on a name {:.1f}, on a reference {:.1f}, "
        "completion {:.1f}".format(*cold)
    )
    print(
        f"targets: diagnostics < {DIAGNOSTICS_TARGET} ms "
        f"({'met' if max(front) < DIAGNOSTICS_TARGET else 'missed'} at the maximum), "
        f"hover and completion < {REQUEST_TARGET} ms "
        f"({'met' if max(max(s) for _, s in rows[1:]) < REQUEST_TARGET else 'missed'} "
        "at the maximum)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--requests", type=int, default=100)
    arguments = parser.parse_args()
    asyncio.run(run(arguments.edits, arguments.requests))


if __name__ == "__main__":
    main()
