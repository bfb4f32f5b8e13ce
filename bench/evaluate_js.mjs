// The JavaScript half of bench/evaluate.py: time per decision of "may the platform deduct the
// merchant's deposit?" in node, the module that `clausec emit --target javascript` writes
// against handwritten JavaScript functions. bench/evaluate.py runs it:
//
//   node bench/evaluate_js.mjs MODULE.mjs INPUT.json
//
// INPUT.json holds the question, the fact sets of parts (A) and (B), the contract's presumed
// values, the Python emitted evaluator's decision for each (answer, grounds, overridden,
// depends_on; in (B) also without presumptions, and with them the presumed facts), and the
// timing settings. Before timing, the emitted module's decisions (on a plain object and on a Facts)
// and the handwritten functions' are checked against those; on a disagreement it prints both
// to stderr and exits with status 1 without timing anything. Then it prints one JSON object:
// {node, v8, checksum, A: [[label, µs per decision], ...], B: [...]}.
//
// Timing: every statement is run for --min-time seconds first, so that V8 has optimized it
// (and every other statement, which shares the emitted module) before any is timed; its loop
// count is calibrated to min-time; then the repeats go round-robin over all statements, and
// each gives the median. Each statement adds a number derived from its results (answers,
// ground counts) to a checksum that is printed, and keeps its last result, so the JIT cannot
// drop the work.

import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

// ------------------------------------------------------------------ handwritten

const MONTH_DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** "YYYY-MM-DD" as the number YYYYMMDD, which orders like the date. */
function dayNumber(iso) {
  return +iso.slice(0, 4) * 10000 + +iso.slice(5, 7) * 100 + +iso.slice(8, 10);
}

/** The same day a month before `iso`, clipped to the month's end, as YYYYMMDD. */
function monthBefore(iso) {
  let year = +iso.slice(0, 4);
  let month = +iso.slice(5, 7) - 1;
  const day = +iso.slice(8, 10);
  if (month === 0) {
    year -= 1;
    month = 12;
  }
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const last = month === 2 && leap ? 29 : MONTH_DAYS[month];
  return year * 10000 + month * 100 + (day <= last ? day : last);
}

/**
 * The rule by hand, every fact known: [answer, permitting clauses, overridden duties as
 * [clause, the clauses it yields to]], as handwritten() in evaluate.py. The release duties
 * 6.2(1)-(3) yield to the deductions ("本协议另有规定的除外"), 6.2(3) not to 5.11.
 */
function handwritten(f) {
  const grounds = [];
  if (f["merchant.closed_shop"]) grounds.push("5.11");
  if (f["merchant.breach_harmed_buyer"]) grounds.push("6.2(4)(a)");
  if (f["merchant.consumer_duty_missed"]) grounds.push("6.2(4)(b)");
  if (
    f["complaint.received"] &&
    f["complaint.unresolved_for"] >= 10 &&
    f["complaint.bad_influence"]
  ) {
    grounds.push("6.2(4)(c)");
  }
  if (f["authority.order_to_deduct"]) grounds.push("6.2(4)(d)");
  const broke = f["merchant.violated_rules"] || f["merchant.breached_agreement"];
  if (broke && f["platform.loss"] > 0) grounds.push("6.2(4)(e)");
  if (f["platform.paid_beyond_deposit"] || f["platform.loss"] > f["deposit.balance"]) {
    grounds.push("6.5(2)");
  }
  if (f["stock.misstated"] || f["order.days_without_delivery"] > 3) {
    grounds.push("annex-2 safety stock");
  }
  if (grounds.length === 0) return ["no", [], []]; // a duty yields only to a ground
  const overridden = [];
  const clean = !f["merchant.violated_rules"] && !f["merchant.complaint_or_dispute"];
  if (clean && f["service.stopped"] !== "never") overridden.push(["6.2(1)", grounds]);
  const ended = f["agreement.terminated_by_platform"];
  const notice = f["termination.notice_given"];
  if (
    clean &&
    ended !== "never" &&
    notice !== "never" &&
    dayNumber(notice) <= monthBefore(ended)
  ) {
    overridden.push(["6.2(2)", grounds]); // terminated on a month's notice
  }
  if (
    f["merchant.violated_rules"] &&
    f["merchant.unresolved_quality_dispute"] &&
    f["agreement.ended"] !== "never"
  ) {
    const by = grounds[0] === "5.11" ? grounds.slice(1) : grounds; // grounds in clause order
    if (by.length > 0) overridden.push(["6.2(3)", by]);
  }
  return ["yes", grounds, overridden];
}

/**
 * Kleene conjunction of [value or undefined, fact name] terms: true, or false; an unknown
 * outcome adds the missing facts to `deps` and returns false.
 */
function all3(terms, deps) {
  const missing = [];
  for (const [value, name] of terms) {
    if (value === undefined) missing.push(name);
    else if (!value) return false;
  }
  for (const name of missing) deps.add(name);
  return missing.length === 0;
}

/** Adds to `deps` the names of the [name, value] pairs whose value is unknown. */
function addMissing(deps, ...pairs) {
  for (const [name, value] of pairs) if (value === undefined) deps.add(name);
}

/**
 * The rule by hand with missing facts unknown: [answer, grounds, dependsOn, reasons], as
 * handwritten3() in evaluate.py.
 */
function handwritten3(f) {
  const grounds = [];
  const deps = new Set();
  for (const [clause, name] of [
    ["5.11", "merchant.closed_shop"],
    ["6.2(4)(a)", "merchant.breach_harmed_buyer"],
    ["6.2(4)(b)", "merchant.consumer_duty_missed"],
  ]) {
    const value = f[name];
    if (value === undefined) deps.add(name);
    else if (value) grounds.push(clause);
  }
  const days = f["complaint.unresolved_for"];
  const complaint = [
    [f["complaint.received"], "complaint.received"],
    [days === undefined ? undefined : days >= 10, "complaint.unresolved_for"],
    [f["complaint.bad_influence"], "complaint.bad_influence"],
  ];
  if (all3(complaint, deps)) grounds.push("6.2(4)(c)");
  const order = f["authority.order_to_deduct"];
  if (order === undefined) deps.add("authority.order_to_deduct");
  else if (order) grounds.push("6.2(4)(d)");
  // 6.2(4)(e): (violated rules or breached the agreement) and a loss
  const rules = f["merchant.violated_rules"];
  const agreement = f["merchant.breached_agreement"];
  const loss = f["platform.loss"];
  const broke =
    rules || agreement ? true : rules === undefined || agreement === undefined ? undefined : false;
  const positive = loss === undefined ? undefined : loss > 0;
  if (broke && positive) {
    grounds.push("6.2(4)(e)");
  } else if (broke !== false && positive !== false) {
    if (broke === undefined) {
      addMissing(
        deps,
        ["merchant.violated_rules", rules],
        ["merchant.breached_agreement", agreement],
      );
    }
    if (positive === undefined) deps.add("platform.loss");
  }
  // 6.5(2): paid beyond the deposit, or a loss above the balance
  const paid = f["platform.paid_beyond_deposit"];
  const balance = f["deposit.balance"];
  const over = loss === undefined || balance === undefined ? undefined : loss > balance;
  if (paid || over) {
    grounds.push("6.5(2)");
  } else if (paid === undefined || over === undefined) {
    addMissing(
      deps,
      ["platform.paid_beyond_deposit", paid],
      ["platform.loss", loss],
      ["deposit.balance", balance],
    );
  }
  const stock = f["stock.misstated"];
  const late = f["order.days_without_delivery"];
  if (stock || (late !== undefined && late > 3)) {
    grounds.push("annex-2 safety stock");
  } else if (stock === undefined || late === undefined) {
    addMissing(deps, ["stock.misstated", stock], ["order.days_without_delivery", late]);
  }
  if (grounds.length > 0) return ["yes", grounds, [], []];
  if (deps.size > 0) return ["undetermined", [], [...deps].sort(), []];
  return ["no", [], [], whyNot(f)];
}

/** handwritten3() with the contract's presumptions (`presumed`: name -> value), as
 * handwritten_presumed() in evaluate.py: [...decision, the presumed facts relied on]. */
function handwrittenPresumed(f, presumed) {
  const decision = handwritten3(f);
  if (decision[0] === "undetermined") {
    const relied = decision[2].filter((name) => name in presumed);
    if (relied.length > 0) {
      const filled = { ...f };
      for (const name of relied) filled[name] = presumed[name];
      return [...handwritten3(filled), relied];
    }
  }
  return [...decision, []];
}

/** For a "no" (every permission known not to apply): the first false part of each
 * permission's condition, as the emitted reasons give it. */
function whyNot(f) {
  const days = f["complaint.unresolved_for"]; // undefined: unknown
  const complaint = f["complaint.received"] === false
    ? "complaint.received"
    : days !== undefined && days < 10
      ? "complaint.unresolved_for >= 10 working days"
      : "complaint.bad_influence";
  const broke = !(f["merchant.violated_rules"] === false && f["merchant.breached_agreement"] === false);
  return [
    ["5.11", "merchant.closed_shop"],
    ["6.2(4)(a)", "merchant.breach_harmed_buyer"],
    ["6.2(4)(b)", "merchant.consumer_duty_missed"],
    ["6.2(4)(c)", complaint],
    ["6.2(4)(d)", "authority.order_to_deduct"],
    ["6.2(4)(e)", broke ? "platform.loss > 0 CNY" : "merchant.violated_rules or merchant.breached_agreement"],
    ["6.5(2)", "deposit.insufficient"],
    ["annex-2 safety stock", "stock.misstated or (order.days_without_delivery > 3 days)"],
  ];
}

// ------------------------------------------------------------------ agreement

/** [answer, grounds, overridden, dependsOn] of an emitted result, clauses only. */
function decision(result) {
  return [
    result.answer,
    result.grounds.map((g) => g.clause),
    result.overridden.map((o) => [o.clause, o.by.map((b) => b.clause)]),
    [...result.dependsOn],
  ];
}

function verify(label, got, want, factSet) {
  const [g, w] = [JSON.stringify(got), JSON.stringify(want)];
  if (g === w) return true;
  console.error(
    `ERROR: ${label} disagrees with the Python emitted evaluator on fact set ` +
      `'${factSet}':\n  got  ${g}\n  want ${w}`,
  );
  return false;
}

function agree(m, fn, input) {
  let ok = true;
  input.known.forEach(([name, facts], i) => {
    const want = input.expected.known[i];
    ok = verify("JS emitted", decision(fn(facts)), want, name) && ok;
    ok = verify("JS emitted (Facts)", decision(fn(new m.Facts(facts))), want, name) && ok;
    ok = verify("handwritten JS", handwritten(facts), want.slice(0, 3), name) && ok;
  });
  const strict = { presume: false };
  input.unknown.forEach(([name, facts], i) => {
    const want = input.expected.unknown[i];
    ok = verify("JS emitted", decision(fn(facts, strict)), want, name) && ok;
    const full = fn(facts, strict).toDict();
    const explained = [full.answer, full.depends_on, full.reasons.map((r) => [r.clause, r.condition])];
    const reasons = input.expected.reasons[i];
    ok = verify("JS emitted toDict()", explained, [want[0], want[3], reasons], name) && ok;
    const [answer, grounds, dependsOn, why] = handwritten3(facts);
    ok = verify("handwritten three-valued JS", [answer, grounds, [], dependsOn], want, name) && ok;
    ok = verify("handwritten three-valued JS reasons", why, reasons, name) && ok;
    const presumed = input.expected.presumed[i];
    const d = fn(facts).toDict();
    const emitted = [d.answer, d.grounds.map((g) => g.clause), d.depends_on,
      d.reasons.map((r) => [r.clause, r.condition]), d.presumptions.map((p) => p.fact)];
    ok = verify("JS emitted with presumptions", emitted, presumed, name) && ok;
    ok = verify("handwritten JS with presumptions", handwrittenPresumed(facts, input.presumed),
      presumed, name) && ok;
  });
  return ok;
}

// ------------------------------------------------------------------ timing

let checksum = 0;
let sink; // the last result of every statement: it escapes, so it must be made

const seconds = (start) => Number(process.hrtime.bigint() - start) / 1e9;

function run(body, number) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < number; i++) checksum += body();
  return seconds(start);
}

/** The loop count that makes `body` run about `minTime` seconds. */
function calibrate(body, minTime) {
  for (let number = 1; ; number *= 2) {
    const elapsed = run(body, number);
    if (elapsed >= minTime / 4) return Math.max(1, Math.round((number * minTime) / elapsed));
  }
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Median µs per decision of each [label, body, decisions per call of body]. */
function measure(cases, repeat, minTime) {
  for (const [, body] of cases) {
    const start = process.hrtime.bigint();
    while (seconds(start) < minTime) run(body, 10); // warm up: let V8 optimize
  }
  const numbers = cases.map(([, body]) => calibrate(body, minTime));
  const runs = cases.map(() => []);
  for (let r = 0; r < repeat; r++) {
    cases.forEach(([, body], i) => runs[i].push(run(body, numbers[i]) / numbers[i]));
  }
  return cases.map(([label, , n], i) => [label, (median(runs[i]) / n) * 1e6]);
}

// ------------------------------------------------------------------ main

function statements(m, fn, input) {
  const A = input.known.map(([, facts]) => facts);
  const B = input.unknown.map(([, facts]) => facts);
  const strict = { presume: false };
  const presumed = input.presumed;
  const prepared = A.map((facts) => new m.Facts(facts));
  const rowsA = [
    [
      "handwritten JavaScript (answer + grounds)",
      () => {
        let s = 0;
        for (const f of A) {
          const d = (sink = handwritten(f));
          s += d[0].length + d[1].length + d[2].length;
        }
        return s;
      },
    ],
    [
      "clausec emitted, Facts: answer + grounds",
      () => {
        let s = 0;
        for (const f of prepared) s += (sink = fn(f)).answer.length;
        return s;
      },
    ],
    [
      "clausec emitted, object: answer + grounds",
      () => {
        let s = 0;
        for (const f of A) s += (sink = fn(f)).answer.length;
        return s;
      },
    ],
    [
      "clausec emitted: full explanation (toDict)",
      () => {
        let s = 0;
        for (const f of A) {
          const d = (sink = fn(f).toDict());
          s += d.answer.length + d.grounds.length + d.overridden.length;
        }
        return s;
      },
    ],
    [
      "(clausec emitted: new Facts(object) + answer)",
      () => {
        let s = 0;
        for (const f of A) s += (sink = fn(new m.Facts(f))).answer.length;
        return s;
      },
    ],
  ];
  const rowsB = [
    [
      "handwritten three-valued JavaScript",
      () => {
        let s = 0;
        for (const f of B) {
          const d = (sink = handwritten3(f));
          s += d[0].length + d[1].length + d[2].length;
        }
        return s;
      },
    ],
    [
      "clausec emitted: full explanation (toDict)",
      () => {
        let s = 0;
        for (const f of B) {
          const d = (sink = fn(f, strict).toDict());
          s += d.answer.length + d.grounds.length + d.depends_on.length;
        }
        return s;
      },
    ],
    [
      "clausec emitted: answer + dependsOn",
      () => {
        let s = 0;
        for (const f of B) {
          const r = (sink = fn(f, strict));
          s += r.answer.length + r.dependsOn.length;
        }
        return s;
      },
    ],
    [
      "handwritten three-valued + presumptions",
      () => {
        let s = 0;
        for (const f of B) {
          const d = (sink = handwrittenPresumed(f, presumed));
          s += d[0].length + d[1].length + d[2].length + d[4].length;
        }
        return s;
      },
    ],
    [
      "clausec emitted + presumptions (toDict)",
      () => {
        let s = 0;
        for (const f of B) {
          const d = (sink = fn(f).toDict());
          s += d.answer.length + d.grounds.length + d.presumptions.length;
        }
        return s;
      },
    ],
  ];
  return [rowsA.map(([l, b]) => [l, b, A.length]), rowsB.map(([l, b]) => [l, b, B.length])];
}

async function main() {
  const [modulePath, inputPath] = process.argv.slice(2);
  const m = await import(pathToFileURL(modulePath).href);
  const input = JSON.parse(readFileSync(inputPath, "utf8"));
  const fn = m[input.question];
  if (!agree(m, fn, input)) {
    console.error("ERROR: the JavaScript engines disagree; nothing timed.");
    return 1;
  }
  const [rowsA, rowsB] = statements(m, fn, input);
  const times = measure([...rowsA, ...rowsB], input.repeat, input.minTime);
  const out = {
    node: process.version,
    v8: process.versions.v8,
    checksum,
    A: times.slice(0, rowsA.length),
    B: times.slice(rowsA.length),
  };
  console.log(JSON.stringify(out));
  return 0;
}

process.exitCode = await main();
