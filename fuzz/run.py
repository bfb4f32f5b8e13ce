"""The long fuzzing run: N mutations of the shipped contracts and facts, and its figures.

    python3 fuzz/run.py [--count N] [--seed S] [--jobs J] [--timeout SECONDS]
    python3 fuzz/run.py --seed S --replay INDEX[,INDEX...]

Input number I of the run with seed S is the same on every machine and in every run (it is
made from a random.Random seeded with S and I alone), so a failure found by a long run is
reproduced by ``--replay I`` with the same seed. See fuzz/README.md for the mix of inputs and
what counts as a failure.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import multiprocessing.connection
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # fuzz/harness.py, beside this script

CRASHES = Path(__file__).resolve().parent / "crashes"


class Overtime(BaseException):
    """The input ran past its time limit (a BaseException: clausec's own `except Exception`
    must not swallow it)."""


def _overtime(signum: int, frame: object) -> None:
    raise Overtime


# ------------------------------------------------------------------ one input


@dataclass
class Record:
    """What happened to one input."""

    index: int
    family: str  # clause or facts
    kind: str
    source: str
    variant: str  # clause: analysis / no-analysis, text / json, excerpt / whole
    outcome: str  # clause: the exit code; facts: the interpreter's outcome
    wall: float
    cpu: float
    problems: list[str] = field(default_factory=list)
    overtime: bool = False
    size: int = 0


def run_case(config: Config, index: int, limit: float) -> tuple[Record, str]:
    """Run input ``index``; returns its record and, when it failed, the details to keep
    (output, tracebacks). Stops it with Overtime after ``limit`` seconds."""
    try:
        case = harness.make_case(config.seed, index, analysis_share=1 / config.analysis_every)
    except Exception as exc:  # a bug of the harness, not of clausec: say so and go on
        problem = f"the harness could not make the input: {type(exc).__name__}: {exc}"
        return Record(index, "harness", "?", "", "", "", 0.0, 0.0, [problem]), problem
    details = ""
    record = Record(index, case.family, case.kind, "", "", "", 0.0, 0.0)
    wall, cpu = time.perf_counter(), time.process_time()
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        if case.clause is not None:
            c = case.clause
            record.source, record.size = c.source, len(c.data)
            record.variant = " ".join(
                [
                    "analysis" if c.analysis else "no-analysis",
                    c.fmt,
                    "whole" if c.whole else "excerpt",
                ]
            )
            run = harness.run_check(c)
            record.outcome = str(run.code)
            record.problems = harness.check_problems(c, run)
            details = run.output
        else:
            f = case.facts
            assert f is not None
            record.source = f"{f.source}:{f.question}"
            record.variant = "dict+Facts" if f.prepared else "dict"
            facts_run = harness.run_facts(f)
            record.outcome = facts_run.interpreter.kind
            record.problems = harness.facts_problems(facts_run)
            details = f.summary() + "\n" + harness.tracebacks(facts_run)
    except Overtime:
        record.overtime = True
        record.problems.append(f"still running after {limit:g} s: stopped")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    record.wall = time.perf_counter() - wall
    record.cpu = time.process_time() - cpu
    if record.problems:
        save_failure(config, case, record, details)
    return record, details


def reproduction(config: Config, index: int) -> str:
    return f"python3 fuzz/run.py --seed {config.seed} --replay {index}"


def save_failure(config: Config, case: harness.Case, record: Record, details: str) -> None:
    """The input and a one-line reproduction, in the crashes folder."""
    folder = Path(config.crashes)
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{config.seed}-{record.index}"
    lines = [
        f"reproduce: {reproduction(config, record.index)}",
        f"input: {record.family}/{record.kind} from {record.source} ({record.variant})",
    ]
    if case.clause is not None:
        (folder / f"{stem}.clause").write_bytes(case.clause.data)
        args = " ".join([*case.clause.args, f"{folder.name}/{stem}.clause"])
        lines.append(f"or, without the import fixtures: cd {folder.parent} && clausec {args}")
    lines += [f"problem: {p}" for p in record.problems]
    lines += [f"time: {record.wall:.2f} s", "", details[-20_000:]]
    (folder / f"{stem}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


# ------------------------------------------------------------------ workers


@dataclass(frozen=True)
class Config:
    count: int
    seed: int
    jobs: int
    timeout: float
    analysis_every: int
    memory: int
    crashes: str


def worker(conn: multiprocessing.connection.Connection, config: Config, limit: float) -> None:
    """Run the indices the parent sends, one at a time; exit after an input that ran over
    its limit (its state may be half-changed)."""
    harness.fixture_folder(renew=True)
    if config.memory:
        with contextlib.suppress(ValueError, OSError):
            limit_bytes = config.memory * 2**20
            resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))
    signal.signal(signal.SIGALRM, _overtime)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    while True:
        index = conn.recv()
        if index is None:
            return
        record, _ = run_case(config, index, limit)
        conn.send(record)
        if record.overtime:
            conn.close()
            os._exit(0)


class Worker:
    def __init__(self, context: Any, config: Config, limit: float) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=worker, args=(child, config, limit), daemon=True)
        self.process.start()
        child.close()
        self.index: int | None = None
        self.started = 0.0

    def give(self, index: int) -> None:
        self.index, self.started = index, time.monotonic()
        self.conn.send(index)

    def stop(self) -> None:
        with contextlib.suppress(OSError, BrokenPipeError):
            self.conn.send(None)
        self.process.join(5)
        if self.process.is_alive():
            self.kill()

    def kill(self) -> None:
        self.process.kill()
        self.process.join()
        self.conn.close()


def run_pool(
    config: Config, indices: list[int], jobs: int, limit: float, progress: bool
) -> list[Record]:
    """Run ``indices`` on ``jobs`` workers. A worker that does not answer within the hard
    limit (stuck where the alarm cannot reach, e.g. in native code) is killed and its input
    recorded; one that dies is recorded and replaced."""
    context = multiprocessing.get_context("fork")
    hard = max(30.0, 6 * limit)
    workers = [Worker(context, config, limit) for _ in range(jobs)]
    pending = list(reversed(indices))
    records: list[Record] = []
    failures = 0
    started = last_report = time.monotonic()
    try:
        while pending or any(w.index is not None for w in workers):
            for w in workers:
                if w.index is None and pending:
                    w.give(pending.pop())
            busy = [w for w in workers if w.index is not None]
            ready = multiprocessing.connection.wait(
                [w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=1.0
            )
            for i, w in enumerate(workers):
                if w.index is None:
                    continue
                replace = False
                if w.conn in ready or w.process.sentinel in ready:
                    try:
                        record = w.conn.recv()
                    except (EOFError, OSError):
                        w.process.join()
                        why = f"the worker died (exit code {w.process.exitcode})"
                        record = lost(config, w, why)
                        replace = True
                    else:
                        replace = record.overtime
                elif time.monotonic() - w.started > hard:
                    w.kill()
                    record = lost(config, w, f"no answer after {hard:g} s: the worker was killed")
                    replace = True
                else:
                    continue
                records.append(record)
                failures += bool(record.problems)
                w.index = None
                if replace:
                    if w.process.is_alive():
                        w.process.join(5)
                    workers[i] = Worker(context, config, limit)
            now = time.monotonic()
            if progress and now - last_report >= 30:
                last_report = now
                done = len(records)
                rate = done / (now - started)
                eta = (len(indices) - done) / rate if rate else float("inf")
                print(
                    f"  {done:,}/{len(indices):,} inputs, {rate:.0f}/s, "
                    f"{eta / 60:.0f} min to go, {failures} failing",
                    file=sys.stderr,
                    flush=True,
                )
    finally:
        for w in workers:
            if w.process.is_alive():
                w.stop()
    return records


def lost(config: Config, w: Worker, why: str) -> Record:
    """The record of an input whose worker gave no answer; the input is saved."""
    assert w.index is not None
    wall = time.monotonic() - w.started
    try:
        case = harness.make_case(config.seed, w.index, analysis_share=1 / config.analysis_every)
    except Exception as exc:
        why += f"; the harness could not make the input again: {type(exc).__name__}"
        return Record(w.index, "harness", "?", "", "", "lost", wall, 0.0, [why], True)
    source = case.clause.source if case.clause else case.facts.source if case.facts else ""
    record = Record(w.index, case.family, case.kind, source, "", "lost", wall, 0.0, [why], True)
    save_failure(config, case, record, "")
    return record


# ------------------------------------------------------------------ figures


def revision(path: Path) -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(path), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            timeout=10,
        )
    except OSError:
        return "not a git checkout"
    return out.stdout.strip() or "not a git checkout"


def figures(config: Config, records: list[Record], elapsed: float, retimed: dict[int, str]) -> str:
    import clausec

    out: list[str] = []
    say = out.append
    src = Path(clausec.__file__).resolve().parents[1]
    say(
        f"clausec fuzz run: {len(records):,} inputs, seed {config.seed}, {config.jobs} "
        f"workers, limit {config.timeout:g} s per input"
    )
    say(f"clausec {clausec.__version__} from {src} (git {revision(src)})")
    say("")
    clause = [r for r in records if r.family == "clause"]
    facts = [r for r in records if r.family == "facts"]
    say("mutations run, by kind:")
    for family, rows in (("clause files", clause), ("facts", facts)):
        say(f"  {family}: {len(rows):,}")
        kinds = Counter(r.kind for r in rows)
        for kind, n in sorted(kinds.items()):
            times = [r.wall for r in rows if r.kind == kind]
            say(
                f"    {kind:<16} {n:>7,}   mean {1000 * statistics.fmean(times):7.1f} ms"
                f"   max {max(times):6.2f} s"
            )
    say("")
    if clause:
        variants = Counter(part for r in clause for part in r.variant.split())
        analysed = [r.wall for r in clause if r.variant.startswith("analysis")]
        plain = [r.wall for r in clause if r.variant.startswith("no-analysis")]
        say(
            f"clause files through `clausec check` (clausec.cli.main, in process): "
            f"with the analyses {variants['analysis']:,} (1 in {config.analysis_every} "
            f"asked), --no-analysis {variants['no-analysis']:,}; text {variants['text']:,}, "
            f"--format json {variants['json']:,}; excerpts {variants['excerpt']:,}, whole "
            f"files {variants['whole']:,}"
        )
        if analysed and plain:
            say(
                f"  mean time: with the analyses {1000 * statistics.fmean(analysed):.1f} ms, "
                f"--no-analysis {1000 * statistics.fmean(plain):.1f} ms; mean size "
                f"{statistics.fmean(r.size for r in clause) / 1024:.1f} KiB, largest "
                f"{max(r.size for r in clause) / 1024:.0f} KiB"
            )
        codes = Counter(r.outcome or "stopped" for r in clause)
        say(
            "  outcomes by exit code: "
            + ", ".join(f"{code}: {n:,}" for code, n in sorted(codes.items()))
        )
        for code in sorted(set(codes) - {"0", "1"}):
            first = next(r for r in clause if (r.outcome or "stopped") == code)
            say(f"    {code}: e.g. #{first.index} {first.kind} ({first.source})")
    if facts:
        outcomes = Counter(r.outcome for r in facts)
        prepared = sum(r.variant == "dict+Facts" for r in facts)
        say(
            f"facts through the interpreter and the generated Python module (on the dict; "
            f"{prepared:,} also on Facts(dict)): interpreter outcomes "
            + ", ".join(f"{k} {n:,}" for k, n in sorted(outcomes.items()))
        )
    say("")
    failing = [r for r in records if r.problems]
    tracebacks = sum(any("traceback" in p for p in r.problems) for r in clause)
    internal = sum(r.outcome == "3" for r in clause)
    other_codes = sum(r.outcome not in ("0", "1", "2", "3", "") for r in clause)
    locations = sum(any("outside the file" in p for p in r.problems) for r in clause)
    crashes = sum(any(" raised " in p for p in r.problems) for r in facts)
    disagree = sum(any("disagrees" in p for p in r.problems) for r in facts)
    lost_records = sum(r.outcome == "lost" for r in records)
    over = [r for r in records if r.overtime or r.wall > config.timeout]
    say("failures (0 expected for each):")
    say(f"  tracebacks in the output: {tracebacks}")
    say(f"  internal errors (exit code 3): {internal}")
    say(f"  other exit codes: {other_codes}")
    say(f"  locations outside the file: {locations}")
    say(f"  facts: exceptions other than FactError/EvaluationError: {crashes}")
    say(f"  facts: interpreter and generated module disagree: {disagree}")
    say(f"  workers lost (died, or killed with no answer): {lost_records}")
    unmade = sum(r.family == "harness" for r in records)
    say(f"  inputs the harness itself failed to make: {unmade}")
    say(f"  inputs over {config.timeout:g} s: {len(over)}")
    say(f"  inputs with any failure: {len(failing)}")
    say("")
    say("slowest inputs:")
    for r in sorted(records, key=lambda r: r.wall, reverse=True)[:10]:
        mark = " STOPPED" if r.overtime else ""
        again = f"; alone: {retimed[r.index]}" if r.index in retimed else ""
        size = f" {r.size / 1024:.0f} KiB" if r.family == "clause" else ""
        say(
            f"  {r.wall:7.2f} s (cpu {r.cpu:6.2f} s){mark}  #{r.index} {r.family}/{r.kind} "
            f"{r.source} {r.variant}{size}{again}"
        )
    say("")
    say(
        f"total time {elapsed / 60:.1f} min ({elapsed:.0f} s), {len(records) / elapsed:.1f} "
        f"inputs/s on {config.jobs} workers; CPU time in inputs "
        f"{sum(r.cpu for r in records) / 60:.1f} min"
    )
    if failing:
        say("")
        say(f"failing inputs ({len(failing)}), written to {config.crashes}/:")
        by_problem: dict[str, list[Record]] = defaultdict(list)
        for r in failing:
            by_problem[_shape(r.problems[0])].append(r)
        for problem, rows in sorted(by_problem.items(), key=lambda kv: -len(kv[1])):
            first = rows[0]
            say(f"  {len(rows):>5} x {problem}")
            say(
                f"        e.g. #{first.index} {first.family}/{first.kind}: "
                + reproduction(config, first.index)
            )
    return "\n".join(out)


def _shape(problem: str) -> str:
    """A problem without the details that vary between inputs, to group them."""
    import re

    problem = re.sub(r"\d+", "N", problem)
    return problem[:160]


# ------------------------------------------------------------------ main


def replay(config: Config, indices: list[int]) -> int:
    """Run inputs in this process and show everything about them."""
    signal.signal(signal.SIGALRM, _overtime)
    status = 0
    for index in indices:
        case = harness.make_case(config.seed, index, analysis_share=1 / config.analysis_every)
        print(f"#{index}: {case.family}/{case.kind}")
        if case.clause is not None:
            c = case.clause
            print(f"  from {c.source} ({'whole' if c.whole else 'excerpt'}), {len(c.data):,} bytes")
            print(f"  clausec {' '.join(c.args)} {harness.FILE_NAME}")
        elif case.facts is not None:
            print(f"  {case.facts.summary()}")
        record, details = run_case(config, index, config.timeout)
        print(f"  outcome {record.outcome}, {record.wall:.2f} s (cpu {record.cpu:.2f} s)")
        for p in record.problems:
            print(f"  PROBLEM: {p}")
        print("  --- output" if case.clause else "  --- details")
        print("    " + details[-6000:].replace("\n", "\n    "))
        if record.problems:
            status = 1
            print(f"  written to {config.crashes}/{config.seed}-{index}.*")
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Fuzz clausec with mutated clause files and facts (fuzz/README.md)."
    )
    parser.add_argument("--count", type=int, default=100_000, help="inputs (default 100,000)")
    parser.add_argument("--seed", type=int, default=0, help="the run's seed (default 0)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument(
        "--timeout", type=float, default=5.0, help="seconds per input before it is stopped"
    )
    parser.add_argument(
        "--analysis-every",
        type=int,
        default=5,
        metavar="K",
        help="check about 1 clause input in K with the analyses (default 5)",
    )
    parser.add_argument(
        "--memory", type=int, default=4096, help="MiB of address space per worker (0: no limit)"
    )
    parser.add_argument("--crashes", default=str(CRASHES), help="where failing inputs go")
    parser.add_argument(
        "--replay", metavar="INDEX[,INDEX...]", help="run these inputs in this process, verbosely"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args(argv)
    config = Config(
        args.count,
        args.seed,
        args.jobs,
        args.timeout,
        args.analysis_every,
        args.memory,
        args.crashes,
    )
    base = tempfile.mkdtemp(prefix="clausec-fuzz-run-")
    tempfile.tempdir = base  # every folder the run makes is below it
    try:
        if args.replay:
            return replay(config, [int(x) for x in args.replay.split(",") if x.strip()])
        return long_run(config, not args.quiet)
    finally:
        tempfile.tempdir = None
        shutil.rmtree(base, ignore_errors=True)


def long_run(config: Config, progress: bool) -> int:
    started = time.monotonic()
    # Built once here, before the workers fork: the contracts, their generated modules, and
    # the excerpts that compile cleanly.
    for path in harness.question_sources():
        harness.compiled(path)
    for path in harness.SOURCES:
        harness.clean_excerpts(path)
    if progress:
        print(
            f"fuzzing: {config.count:,} inputs, seed {config.seed}, {config.jobs} workers "
            f"(prepared in {time.monotonic() - started:.1f} s)",
            file=sys.stderr,
            flush=True,
        )
    records = run_pool(config, list(range(config.count)), config.jobs, config.timeout, progress)
    elapsed = time.monotonic() - started
    # Inputs stopped at the limit, run again alone with a long limit: how long they take.
    retimed: dict[int, str] = {}
    stopped = sorted(r.index for r in records if r.overtime)[:20]
    if stopped:
        long_limit = max(60.0, 12 * config.timeout)
        if progress:
            print(f"re-running {len(stopped)} stopped inputs alone", file=sys.stderr, flush=True)
        for r in run_pool(config, stopped, 1, long_limit, False):
            retimed[r.index] = f"{r.wall:.1f} s" + (" (stopped again)" if r.overtime else "")
    records.sort(key=lambda r: r.index)
    print(figures(config, records, elapsed, retimed))
    return 1 if any(r.problems for r in records) else 0


if __name__ == "__main__":
    sys.exit(main())
