"""Running the analyses of open documents in worker processes (clausec.lsp.worker).

One worker is kept started ahead, so that a job does not wait for Python and the solver to
load. Jobs run one at a time (the analyses use a whole core; the front end of the next edit
needs the other); a job whose task is cancelled (a newer edit) kills its worker."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from pathlib import Path

from clausec.diagnostics import transfer
from clausec.lsp.diagnostics import Outcome
from clausec.source import display_name

__all__ = ["Analyses"]


class Analyses:
    def __init__(self) -> None:
        self._spare: asyncio.subprocess.Process | None = None
        self._turn = asyncio.Lock()

    async def _start(self) -> asyncio.subprocess.Process:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "clausec.lsp.worker",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )

    async def prepare(self) -> None:
        """Start the spare worker, if it is not running."""
        if self._spare is None or self._spare.returncode is not None:
            self._spare = await self._start()

    async def run(self, path: Path, text: str, root: Path) -> Outcome | None:
        """The diagnostics of `clausec check` (with the analyses) for ``text`` as the file at
        ``path``; None when the worker failed. Cancelling the calling task stops the work."""
        async with self._turn:
            await self.prepare()
            worker = self._spare
            assert worker is not None and worker.stdin is not None and worker.stdout is not None
            self._spare = None
            try:
                job = {"path": str(path), "root": str(root), "text": text}
                worker.stdin.write((json.dumps(job) + "\n").encode())
                await worker.stdin.drain()
                worker.stdin.close()
                # The next job's worker loads while this one works.
                await self.prepare()
                # To the end, not a line: a long result passes asyncio's line limit.
                line = await worker.stdout.read()
                await worker.wait()
            except BaseException:
                _kill(worker)
                await worker.wait()
                raise
        if worker.returncode != 0 or not line:
            return None
        payload = json.loads(line)
        diagnostics = tuple(transfer.load(d) for d in payload["diagnostics"])
        files = {name: Path(p) for name, p in payload["files"].items()}
        return Outcome(diagnostics, display_name(path), files)

    async def close(self) -> None:
        """Stop the spare worker."""
        spare, self._spare = self._spare, None
        if spare is not None:
            _kill(spare)
            await spare.wait()


def _kill(process: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(ProcessLookupError):
        process.kill()
