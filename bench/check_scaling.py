"""How `clausec check`'s analyses scale: contracts of 1,000 to 50,000 norms with planted
conflicts (bench/README.md).

    python bench/check_scaling.py [--sizes 1000,10000,50000]

Each size runs in its own process (peak memory is that process's maximum resident set).
"front s" is parsing and type-checking (`check_paths`), "analysis s" the analyses alone
(`clausec.analysis.analyze`), "total s" their sum: what `clausec check` spends. A
generated contract has one group of two norms per action: an obligation and a prohibition of
the same act, each conditioned on that group's facts. In most groups the conditions exclude
each other (`n > 10` against `n <= 10`: a candidate pair the solver must refute); every 20th
group overlaps (a planted W0501); every 20th group, offset by 10, overlaps but is resolved by
`prevails over` (an I0504, not a conflict). Half the obligations have a deadline. The
script checks that every planted conflict is reported and nothing else is.
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

PARTIES = 10
OBJECTS = 10


def generate(norms: int) -> tuple[str, set[tuple[str, str]]]:
    """The contract's text and the planted conflicts (pairs of norm ids)."""
    groups = norms // 2
    out = ['contract scale title "Scale" source "scale.txt" language en calendar CN', ""]
    out += [f'party p{i} role "party {i}"' for i in range(PARTIES)]
    out += [f'object o{i} "object {i}"' for i in range(OBJECTS)]
    planted: set[tuple[str, str]] = set()
    for g in range(groups):
        out.append(f"action a{g}")
        out.append(f"fact g{g}.n : integer")
        out.append(f"fact g{g}.ok : boolean")
        out.append(f"event g{g}.start")
    for g in range(groups):
        party, obj = f"p{g % PARTIES}", f"o{g % OBJECTS}"
        deadline = f"\n    within 10 days after g{g}.start" if g % 2 == 0 else ""
        out.append(
            f'clause "{g}.1"\n  quote "q"\n  {party} must a{g} {obj}\n'
            f"    when g{g}.ok and g{g}.start has occurred and g{g}.n > 10{deadline}"
        )
        if g % 20 == 0:  # planted: the prohibition overlaps the obligation
            cond, extra = f"g{g}.n > 20", ""
            planted.add((f"{g}.1#1", f"{g}.2#1"))
        elif g % 20 == 10:  # overlaps, resolved by a priority
            cond, extra = f"g{g}.n > 20", f'\n  "{g}.2" prevails over "{g}.1"'
        else:
            cond, extra = f"g{g}.n <= 10", ""
        out.append(
            f'clause "{g}.2"\n  quote "q"\n  {party} must not a{g} {obj}\n    when {cond}{extra}'
        )
    return "\n".join(out) + "\n", planted


def generate_same_act(norms: int, group: int) -> tuple[str, set[tuple[str, str]]]:
    """Groups of ``group`` norms on one act (party, action, object): obligations with
    deadlines of different lengths, prohibitions and permissions, each conditioned on its own
    range of the group's `n` (`n >= 10 j and n < 10 j + 10`), so no two can apply together and
    every pair is a candidate to refute. In every 10th group two norms overlap: a prohibition
    with the first obligation (a planted W0501); in every 10th group, offset by 5, a second
    obligation with the first (a planted W0520: the same duty with another deadline)."""
    out = ['contract scale title "Scale" source "scale.txt" language en calendar CN', ""]
    out += [f'party p{i} role "party {i}"' for i in range(PARTIES)]
    out += [f'object o{i} "object {i}"' for i in range(OBJECTS)]
    groups = max(1, norms // group)
    for g in range(groups):
        out += [f"action a{g}", f"fact g{g}.n : integer", f"fact g{g}.ok : boolean"]
        out.append(f"event g{g}.start")
    planted: set[tuple[str, str]] = set()
    words = ("must", "must", "must not", "may")
    for g in range(groups):
        party, obj = f"p{g % PARTIES}", f"o{g % OBJECTS}"
        out.append(f'clause "{g}"\n  quote "q"')
        for j in range(group):
            word = words[j % 4]
            low = 10 * j
            if g % 10 == 0 and j == 2:  # a prohibition over the first obligation's range
                low = 0
                planted.add((f"{g}#1", f"{g}#3"))
            if g % 10 == 5 and j == 4:  # a second duty, same range, another deadline
                low = 0
                planted.add((f"{g}#1", f"{g}#5"))
            condition = f"g{g}.ok and g{g}.start has occurred and g{g}.n >= {low}"
            out.append(f"  {party} {word} a{g} {obj}\n    when {condition} and g{g}.n < {low + 10}")
            if word == "must":
                out.append(f"    within {j + 1} days after g{g}.start")
    return "\n".join(out) + "\n", planted


def measure(norms: int, group: int) -> dict[str, object]:
    """Runs in the child process: generate, check, analyse; the figures as a dict."""
    import tempfile

    from clausec.analysis import Stats, analyze
    from clausec.driver import check_paths

    text, planted = generate(norms) if group == 2 else generate_same_act(norms, group)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scale.clause"
        path.write_text(text, encoding="utf-8")
        start = time.perf_counter()
        front = check_paths([path])
        front_s = time.perf_counter() - start
        assert front.ok, [d.message for d in front.diagnostics[:3]]
    contract = front.contracts[0]
    stats = Stats()
    start = time.perf_counter()
    diagnostics = analyze(contract, stats=stats)
    analysis_s = time.perf_counter() - start
    by_span = {n.span: n.id for n in contract.norms}
    found = set()
    for d in diagnostics:
        if d.code in ("W0501", "W0502", "W0503"):
            found.add((by_span[d.notes[0].span], by_span[d.span]))
        if d.code == "W0520":  # placed at the deadline, inside the later norm
            later = next(n.id for n in contract.norms if n.deadline and n.deadline.span == d.span)
            earlier = next(
                n.id
                for n in contract.norms
                if n.span == d.notes[0].span
                or (n.deadline is not None and n.deadline.span == d.notes[0].span)
            )
            found.add((earlier, later))
    others = sorted({d.code for d in diagnostics} - {"W0501", "W0520", "I0504"})
    return {
        "norms": len(contract.norms),
        "facts": len(contract.facts),
        "pairs": stats.candidate_pairs,
        "refuted": stats.refuted,
        "calls": stats.solver_calls,
        "undecided": stats.undecided,
        "front_s": front_s,
        "analysis_s": analysis_s,
        "total_s": front_s + analysis_s,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "planted": len(planted),
        "found": len(found & planted),
        "false": len(found - planted),
        "other_codes": others,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument(
        "--group",
        type=int,
        default=2,
        help="norms per act: 2 (default) for pairs of an obligation and a prohibition; more "
        "for groups of that many norms on one act",
    )
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.group)))
        return
    rows = []
    print(
        "   norms    facts    pairs  solver calls  front s  analysis s  total s  peak MiB"
        "  found/planted  false"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        proc = subprocess.run(
            [sys.executable, __file__, "--child", str(size), "--group", str(args.group)],
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            print(f"{size}: failed\n{proc.stderr}", file=sys.stderr)
            sys.exit(1)
        r = json.loads(proc.stdout)
        rows.append(r)
        print(
            f"{r['norms']:>8} {r['facts']:>8} {r['pairs']:>8} {r['calls']:>13} "
            f"{r['front_s']:>8.2f} {r['analysis_s']:>11.2f} {r['total_s']:>8.2f} "
            f"{r['peak_mib']:>9.0f} {r['found']:>7}/{r['planted']:<7} {r['false']:>5}"
            + (f"  undecided {r['undecided']}" if r["undecided"] else "")
            + (f"  other codes {r['other_codes']}" if r["other_codes"] else "")
        )
    for a, b in itertools.pairwise(rows):
        grow = b["norms"] / a["norms"]
        print(
            f"{a['norms']} -> {b['norms']} norms (x{grow:.0f}): analysis time "
            f"x{b['analysis_s'] / a['analysis_s']:.1f}, total x{b['total_s'] / a['total_s']:.1f}"
        )
    ok = all(r["found"] == r["planted"] and r["false"] == 0 for r in rows)
    ten = [r for r in rows if r["norms"] == 10_000]
    print("all planted conflicts found, none false: " + ("PASS" if ok else "MISS"))
    if ten:
        print(
            f"10,000 norms under 10 s (front end and analyses): "
            f"{'PASS' if ten[0]['total_s'] < 10 else 'MISS'} ({ten[0]['total_s']:.1f} s)"
        )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
