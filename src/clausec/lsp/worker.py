"""The analyses of one document, in a process of their own: ``python -m clausec.lsp.worker``.

The server starts this process ahead of need; it loads the front end and the solver, then
waits for one job on stdin (JSON: ``path``, ``root``, ``text``), writes the diagnostics of
`clausec check` for that text to stdout (JSON) and exits. A newer edit kills it: a solver call
cannot be interrupted from another thread, a process can."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from clausec.diagnostics import transfer
from clausec.lsp.diagnostics import check


def _warm_up() -> None:
    """Import what a job needs while no job waits."""
    import clausec.analysis  # noqa: F401
    from clausec.source import SourceFile
    from clausec.syntax.parser import parse

    parse(SourceFile("<warm-up>.clause", "contract warm_up\n"))


def main() -> int:
    _warm_up()
    line = sys.stdin.readline()
    if not line:
        return 0
    job = json.loads(line)
    outcome = check(Path(job["path"]), job["text"], Path(job["root"]), analysis=True)
    payload = {
        "diagnostics": [transfer.dump(d) for d in outcome.diagnostics],
        "files": {name: str(path) for name, path in outcome.files.items()},
    }
    sys.stdout.write(json.dumps(payload) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
