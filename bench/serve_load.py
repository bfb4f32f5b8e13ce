"""Load on `clausec serve`: 50 concurrent clients on the loopback interface for a bounded time.

Starts `clausec serve contracts/soolife --port 0` (a free port on 127.0.0.1), then for each
phase runs CLIENTS connections (HTTP/1.1, kept alive), each sending its next request as soon
as the last answer arrived, for --seconds (and at most --max-requests in all):

- single: POST /contracts/soolife_deposit/questions/may_deduct_deposit, one fact set each;
- batch: POST …/batch, --batch fact sets each.

Every answer is checked byte for byte against the answer computed in this process with the
same generated evaluator (a wrong status or body is an error; the run must end with 0).
Reported: requests and decisions per second, p50 and p99 latency, errors, and the server's
CPU time per request (from /proc). In the same run, the in-process baseline: the generated
module's `evaluate(...).to_dict()` per decision, and the same with the JSON text the server
sends, so that the server's cost per decision can be read as a multiple of the evaluator's.

The clients are plain asyncio streams with prepared request bytes: an HTTP client library
would spend more CPU than the server, on the same two cores.

Run: python bench/serve_load.py [--seconds S] [--clients N] [--batch N] [--max-requests N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import time
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from clausec.server import load  # noqa: E402 - after the path of this checkout
from clausec.server.app import render  # noqa: E402

PATH = "/contracts/soolife_deposit/questions/may_deduct_deposit"
AS_OF = "2025-06-30"
# A mix of answers: yes by one clause, yes by several, no, undetermined (with presumptions).
FACT_SETS: list[dict[str, object]] = [
    {"merchant.closed_shop": True},
    {"merchant.closed_shop": False, "merchant.violated_rules": True, "platform.loss": "500 CNY"},
    {
        "merchant.closed_shop": False,
        "merchant.breach_harmed_buyer": False,
        "merchant.consumer_duty_missed": False,
        "complaint.received": False,
        "authority.order_to_deduct": False,
        "merchant.violated_rules": False,
        "merchant.breached_agreement": False,
        "platform.paid_beyond_deposit": False,
        "stock.misstated": False,
        "order.days_without_delivery": 0,
    },
    {"complaint.received": True, "complaint.unresolved_for": "12 working days"},
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="per phase (default 10)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--batch", type=int, default=100, help="fact sets per batch request")
    parser.add_argument("--max-requests", type=int, default=1_000_000, help="per phase")
    args = parser.parse_args()

    registry = load([str(ROOT / "contracts" / "soolife")])
    module = registry.contracts["soolife_deposit"].module
    expected = [
        render(module.evaluate("may_deduct_deposit", f, as_of=AS_OF).to_dict()) for f in FACT_SETS
    ]
    batch_sets = [FACT_SETS[i % len(FACT_SETS)] for i in range(args.batch)]
    batch_expected = render(
        {
            "results": [
                module.evaluate("may_deduct_deposit", f, as_of=AS_OF).to_dict() for f in batch_sets
            ]
        }
    )
    baseline = _in_process(module)

    server = subprocess.Popen(
        [sys.executable, "-m", "clausec", "serve", "contracts/soolife", "--port", "0"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:(\d+)", line)
        if found is None:
            raise SystemExit(f"the server did not start: {line!r}")
        port = int(found[1])
        singles = [
            (_request(PATH, {"facts": f, "as_of": AS_OF}), body)
            for f, body in zip(FACT_SETS, expected, strict=True)
        ]
        batches = [
            (_request(PATH + "/batch", {"fact_sets": batch_sets, "as_of": AS_OF}), batch_expected)
        ]
        asyncio.run(_phase(port, singles, 5, 1.0, 10_000))  # warm-up, not reported
        rows = []
        for name, work, per in (
            ("single", singles, 1),
            (f"batch of {args.batch}", batches, args.batch),
        ):
            cpu_before = _cpu_seconds(server.pid)
            stats = asyncio.run(_phase(port, work, args.clients, args.seconds, args.max_requests))
            cpu = _cpu_seconds(server.pid) - cpu_before
            rows.append((name, per, stats, cpu))
    finally:
        server.terminate()
        server.wait(timeout=30)

    print(f"clients: {args.clients} connections on 127.0.0.1, {args.seconds:g} s per phase")
    print(f"machine: {os.cpu_count()} CPUs; Python {sys.version.split()[0]}")
    print()
    print(
        "| phase | requests | req/s | decisions/s | p50 ms | p99 ms | errors "
        "| server CPU µs/decision |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, per, stats, cpu in rows:
        count, elapsed, latencies, errors = stats
        decisions = count * per
        p50, p99 = _percentile(latencies, 50), _percentile(latencies, 99)
        print(
            f"| {name} | {count:,} | {count / elapsed:,.0f} | {decisions / elapsed:,.0f} "
            f"| {p50 * 1000:.2f} | {p99 * 1000:.2f} | {errors} | {cpu / decisions * 1e6:,.1f} |"
        )
    print()
    print("| in process (same run) | CPU µs/decision |")
    print("| --- | ---: |")
    for name, micros in baseline:
        print(f"| {name} | {micros:.1f} |")
    evaluate_json = baseline[-1][1]
    print()
    for name, per, stats, cpu in rows:
        decisions = stats[0] * per
        if decisions:
            ratio = cpu / decisions * 1e6 / evaluate_json
            print(
                f"{name}: the server's CPU per decision is {ratio:.1f}× evaluate + to_dict + JSON"
            )
    if any(stats[3] for _, _, stats, _ in rows):
        raise SystemExit("errors: some answers were wrong or missing")


def _in_process(module: object) -> list[tuple[str, float]]:
    """CPU microseconds per decision in this process, over the same fact sets (median of 5)."""
    evaluate = module.evaluate  # type: ignore[attr-defined]

    def decide() -> None:
        for f in FACT_SETS:
            evaluate("may_deduct_deposit", f, as_of=AS_OF)

    def to_dict() -> None:
        for f in FACT_SETS:
            evaluate("may_deduct_deposit", f, as_of=AS_OF).to_dict()

    def to_json() -> None:
        for f in FACT_SETS:
            render(evaluate("may_deduct_deposit", f, as_of=AS_OF).to_dict())

    out = []
    for name, work in (
        ("evaluate", decide),
        ("evaluate + to_dict", to_dict),
        ("evaluate + to_dict + JSON", to_json),
    ):
        number = 2000
        # CPU time, as the server's is measured: the two cores are shared with the server.
        times = timeit.repeat(work, number=number, repeat=5, timer=time.process_time)
        out.append((name, statistics.median(times) / (number * len(FACT_SETS)) * 1e6))
    return out


def _request(path: str, body: object) -> bytes:
    data = json.dumps(body).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(data)}\r\n\r\n"
    )
    return head.encode() + data


async def _phase(
    port: int, work: list[tuple[bytes, bytes]], clients: int, seconds: float, limit: int
) -> tuple[int, float, list[float], int]:
    """Requests answered, seconds, latencies and errors of CLIENTS connections."""
    latencies: list[float] = []
    errors = 0
    sent = 0
    end = time.monotonic() + seconds

    async def client(offset: int) -> None:
        nonlocal errors, sent
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        i = offset
        try:
            while time.monotonic() < end and sent < limit:
                sent += 1
                request, expected = work[i % len(work)]
                i += 1
                started = time.perf_counter()
                writer.write(request)
                status, body = await _response(reader)
                latencies.append(time.perf_counter() - started)
                if status != 200 or body != expected:
                    errors += 1
        finally:
            writer.close()

    started = time.monotonic()
    await asyncio.gather(*(client(k) for k in range(clients)))
    return len(latencies), time.monotonic() - started, latencies, errors


async def _response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = next(
        int(v) for k, _, v in (x.partition(":") for x in lines[1:]) if k.lower() == "content-length"
    )
    return status, await reader.readexactly(length)


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _percentile(values: list[float], p: int) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


if __name__ == "__main__":
    main()
