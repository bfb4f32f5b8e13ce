// evaluateMany against the plain loop over the question function, side by side in one run
// (issue 20: the batch call at most 1.2 times the loop's cost per fact set).
//
//   clausec emit contracts/soolife/deposit.clause --target javascript -o /tmp/evaluators
//   node bench/evaluate_many_js.mjs /tmp/evaluators/soolife_deposit.mjs [QUESTION] [--sets N]
//       [--rounds R]
//
// Fact sets: N (default 200,000) generated from the module's FACTS with a fixed seed, each fact
// given with probability 0.7 in a form readValue accepts (money as "AMOUNT CUR" or as
// {amount, currency}). Five ways of answering QUESTION (default: the first question) for all
// of them, each round in a rotated order, R rounds (default 7), median µs per fact set:
//   loop           for (const f of sets) checksum += q(f).answer.length        (nothing kept)
//   loop, kept     for (const f of sets) out.push(q(f))                         (every result kept)
//   evaluateMany   for (const r of evaluateMany(QUESTION, sets)) checksum += r.answer.length
//   evaluateMany, errors returned   the same with {errors: "return"}
//   Array.from(evaluateMany), kept   every result kept
// Prints one JSON object: {node, question, sets, rounds, median: {µs, ratio}, fastest: {µs,
// ratio}} where each ratio is the way's figure over the plain loop's (the baseline: 1.0), for
// the median round and for the fastest round of each way.
// MODULE may be a standalone module or a contract module of a package (clausec emit --package).

import { pathToFileURL } from "node:url";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const value = Number(args[i + 1]);
  args.splice(i, 2);
  return value;
};
const sets = option("--sets", 200000);
const rounds = option("--rounds", 7);
const [path, chosen] = args;
if (!path) {
  console.error("usage: node bench/evaluate_many_js.mjs MODULE.mjs [QUESTION] [--sets N] [--rounds R]");
  process.exit(2);
}
const m = await import(pathToFileURL(path).href);
const question = chosen ?? m.QUESTIONS[0].name;
// The question's own exported function (its name is mangled: find it by what it answers).
const fixed = new Set(["evaluate", "evaluateMany", "askNext", "stringify", "Result", "Facts",
  "FactError", "EvaluationError"]);
const q = Object.entries(m)
  .filter(([name, f]) => typeof f === "function" && !fixed.has(name))
  .map(([, f]) => f)
  .find((f) => f({}).question === question);

// ------------------------------------------------------------------ fact sets

function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = mulberry32(20);
const pick = (items) => items[Math.floor(random() * items.length)];

function value(fact) {
  const t = fact.type;
  switch (t.kind) {
    case "boolean":
      return random() < 0.5;
    case "integer":
    case "decimal":
      return Math.floor(random() * 40);
    case "money": {
      const amount = String(Math.floor(random() * 20000));
      return random() < 0.5 ? `${amount} ${t.currency}` : { amount, currency: t.currency };
    }
    case "duration":
      return Math.floor(random() * 30);
    case "date": {
      if (fact.kind === "event" && random() < 0.3) return "never";
      const day = new Date(Date.UTC(2024, 0, 1) + Math.floor(random() * 730) * 86400000);
      return day.toISOString().slice(0, 10);
    }
    case "text":
      return "text";
    default:
      return pick(t.members);
  }
}

const factSets = [];
for (let i = 0; i < sets; i++) {
  const facts = {};
  for (const fact of m.FACTS) if (random() < 0.7) facts[fact.name] = value(fact);
  factSets.push(facts);
}

// ------------------------------------------------------------------ ways

let sink = 0;
const ways = {
  loop: () => {
    for (const f of factSets) sink += q(f).answer.length;
  },
  "loop, kept": () => {
    const out = [];
    for (const f of factSets) out.push(q(f));
    sink += out.length;
  },
  evaluateMany: () => {
    for (const r of m.evaluateMany(question, factSets)) sink += r.answer.length;
  },
  "evaluateMany, errors returned": () => {
    for (const r of m.evaluateMany(question, factSets, { errors: "return" })) {
      sink += r.error === undefined ? r.answer.length : 0;
    }
  },
  "Array.from(evaluateMany), kept": () => {
    sink += Array.from(m.evaluateMany(question, factSets)).length;
  },
};

const names = Object.keys(ways);
for (const name of names) ways[name](); // warm-up: V8 optimizes before anything is timed
const times = Object.fromEntries(names.map((name) => [name, []]));
for (let r = 0; r < rounds; r++) {
  for (let k = 0; k < names.length; k++) {
    const name = names[(r + k) % names.length];
    const start = process.hrtime.bigint();
    ways[name]();
    times[name].push(Number(process.hrtime.bigint() - start) / 1000 / sets);
  }
}
// The median, and the fastest round: on a machine shared with other work the fastest round is
// the one least disturbed by it (the advice of Python's timeit, which holds here as well).
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const figures = (pick) => {
  const micros = Object.fromEntries(names.map((name) => [name, +pick(times[name]).toFixed(3)]));
  const ratio = Object.fromEntries(names.map((name) => [name, +(micros[name] / micros.loop).toFixed(3)]));
  return { µs: micros, ratio };
};
console.log(JSON.stringify({ node: process.version, question, sets, rounds,
  median: figures(median), fastest: figures((xs) => Math.min(...xs)), checksum: sink }, null, 2));
