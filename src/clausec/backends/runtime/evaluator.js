// ---------------------------------------------------------------------------------------------
// clausec JavaScript runtime (src/clausec/backends/runtime/evaluator.js).
//
// The basic operations of the evaluators that `clausec emit --target javascript` prints from
// decision plans: reading facts, exact decimals (BigInt coefficient and exponent), dates as
// day numbers (never = +Infinity) and working-day calendars from embedded tables, the
// operations of the plan on these values with three-valued logic, and results. No norm logic:
// that is in the printed question functions. The emitter puts the contract's tables before
// this text (`const DATA = {...};`) and the question functions after it.
//
// No dependencies; ES2020 (BigInt); runs under Node.js 20 and in browsers.
// ---------------------------------------------------------------------------------------------

const MAX_DIGITS = 40;
const DIVISION_PLACES = 18;
const EXACT_PRECISION = 200; // digits kept by + - *
const MIN_ORDINAL = 1; // 0001-01-01
const MAX_ORDINAL = 3652059; // 9999-12-31
const SHOWN_LENGTH = 60; // characters of a given value shown in a message

// ------------------------------------------------------------------------------ errors
// Wordings come from DATA.messages, the table the interpreter and the Python evaluators use.

function wording(problem, fields) {
  return DATA.messages[problem].replace(/\{(\w+)\}/g, (_, key) => String(fields[key]));
}

/**
 * A fact that cannot be used: unknown name, wrong type, malformed value. `problem` names the
 * kind of error; `expected` is what the fact's values are (null when the name is wrong);
 * `given` the value as given.
 */
export class FactError extends Error {
  constructor(fact, problem, fields) {
    const all = { expected: null, given: null, ...fields };
    const detail = wording(problem, { ...all, given: show(all.given) });
    super(`fact \`${fact}\`: ${detail}`);
    this.name = "FactError";
    this.fact = fact;
    this.problem = problem;
    this.expected = all.expected;
    this.given = all.given;
    this.detail = detail;
  }
}

/** A computation that has no answer, e.g. a date beyond year 9999. */
export class EvaluationError extends Error {
  constructor(problem, fields) {
    super(wording(problem, fields || {}));
    this.name = "EvaluationError";
    this.problem = problem;
  }
}

/**
 * A given value as messages show it: JSON text, cut to 60 characters. Only what is shown is
 * written: a value nested 100,000 deep or an array of millions costs what 60 characters do.
 */
function show(raw) {
  let text = "";
  let length = 0;
  const pending = [[raw][Symbol.iterator]()];
  while (pending.length && length <= SHOWN_LENGTH) {
    const step = pending[pending.length - 1].next();
    if (step.done) {
      pending.pop();
      continue;
    }
    const item = step.value;
    let piece;
    if (item instanceof Piece) piece = item.text;
    else if (Array.isArray(item)) {
      pending.push(arrayPieces(item));
      continue;
    } else if (plainObject(item)) {
      pending.push(objectPieces(item));
      continue;
    } else piece = scalarText(item);
    text += piece;
    length += Array.from(piece).length;
  }
  const points = Array.from(text);
  return points.length <= SHOWN_LENGTH ? text : points.slice(0, SHOWN_LENGTH - 3).join("") + "...";
}

/** Punctuation and keys of a container, written as they are (a string value is not). */
class Piece {
  constructor(text) {
    this.text = text;
  }
}

function* arrayPieces(items) {
  yield new Piece("[");
  for (let i = 0; i < items.length; i++) {
    if (i) yield new Piece(",");
    yield items[i];
  }
  yield new Piece("]");
}

function* objectPieces(object) {
  yield new Piece("{");
  let first = true;
  for (const key of Object.keys(object)) {
    yield new Piece((first ? "" : ",") + stringText(key) + ":");
    first = false;
    yield object[key];
  }
  yield new Piece("}");
}

function plainObject(raw) {
  if (raw === null || typeof raw !== "object") return false;
  const proto = Object.getPrototypeOf(raw);
  return proto === Object.prototype || proto === null;
}

function scalarText(raw) {
  if (raw === null || raw === undefined) return "null";
  switch (typeof raw) {
    case "boolean":
    case "number":
    case "bigint":
      return String(raw);
    case "string":
      return stringText(raw);
    case "object":
      return article(raw.constructor && raw.constructor.name ? raw.constructor.name : "object");
    default:
      return article(typeof raw);
  }
}

/** JSON text of (the start of) a string: a long one is cut first, far past what show keeps. */
function stringText(raw) {
  return JSON.stringify(raw.length > 4 * SHOWN_LENGTH ? raw.slice(0, 4 * SHOWN_LENGTH) : raw);
}

function article(name) {
  return ("aeiou".includes(name[0].toLowerCase()) ? "an " : "a ") + name;
}

/**
 * The name at the smallest edit distance from `name` (code points), if it is at most a
 * quarter of the name's length (at least 1); the first in code-point order among equals.
 */
function closest(name, names) {
  const a = Array.from(name);
  const limit = Math.max(1, Math.floor(a.length / 4));
  let best = null;
  let bestDistance = limit + 1;
  for (const candidate of [...names].sort(compareStrings)) {
    const b = Array.from(candidate);
    if (Math.abs(a.length - b.length) >= bestDistance) continue;
    const d = distance(a, b, bestDistance);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function distance(a, b, stop) {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1,
                            previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
    }
    if (Math.min(...current) >= stop) return stop;
    previous = current;
  }
  return Math.min(previous[b.length], stop);
}

// ------------------------------------------------------------------------------ helpers

function setProp(object, key, value) {
  // Own, enumerable property even for keys such as "__proto__".
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  return object;
}

/** Strings ordered by code point (as sorted() orders them in Python). */
function compareStrings(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a.charCodeAt(i) !== b.charCodeAt(i)) {
      return a.codePointAt(i) < b.codePointAt(i) ? -1 : 1;
    }
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

// ------------------------------------------------------------------------------ decimals
// A decimal is c * 10**e with a BigInt coefficient; integers are BigInts.

class Dec {
  constructor(c, e) {
    this.c = c;
    this.e = e;
  }
}

const POWERS = [1n];
for (let i = 1; i <= 64; i++) POWERS.push(POWERS[i - 1] * 10n);

function pow10(n) {
  return n < POWERS.length ? POWERS[n] : 10n ** BigInt(n);
}

function abs(c) {
  return c < 0n ? -c : c;
}

/** Round half-even to `precision` significant digits. */
function roundDigits(c, e, precision) {
  const magnitude = abs(c);
  const length = magnitude.toString().length;
  if (length <= precision) return new Dec(c, e);
  const drop = length - precision;
  const p = pow10(drop);
  let q = magnitude / p;
  const twice = 2n * (magnitude % p);
  if (twice > p || (twice === p && (q & 1n) === 1n)) q += 1n;
  return new Dec(c < 0n ? -q : q, e + drop);
}

function toDec(v) {
  return v instanceof Dec ? v : new Dec(v, 0);
}

function align(a, b) {
  const e = Math.min(a.e, b.e);
  return [a.c * pow10(a.e - e), b.c * pow10(b.e - e), e];
}

function decCompare(a, b) {
  const p = toDec(a);
  const q = toDec(b);
  if (p.e === q.e) return p.c < q.c ? -1 : p.c > q.c ? 1 : 0;
  const [x, y] = align(p, q);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Plain notation without trailing zeros. */
function canonicalDecimal(v) {
  const d = toDec(v);
  if (d.c === 0n) return "0";
  const sign = d.c < 0n ? "-" : "";
  let digits = abs(d.c).toString();
  if (d.e >= 0) return sign + digits + "0".repeat(d.e);
  const places = -d.e;
  if (digits.length <= places) digits = "0".repeat(places - digits.length + 1) + digits;
  const whole = digits.slice(0, digits.length - places);
  const fraction = digits.slice(digits.length - places).replace(/0+$/, "");
  return sign + whole + (fraction ? "." + fraction : "");
}

/** A decimal from text matching [+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+). */
function parseDecimal(text) {
  let sign = 1n;
  if (text[0] === "+" || text[0] === "-") {
    if (text[0] === "-") sign = -1n;
    text = text.slice(1);
  }
  const [whole, fraction = ""] = text.split(".");
  return new Dec(sign * BigInt((whole || "0") + fraction || "0"), -fraction.length);
}

/** A finite number in positional notation, from its shortest round-trip digits. */
function positional(x) {
  const text = String(x);
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(text);
  const [, sign, whole, fraction = "", exponent = "0"] = m;
  const digits = whole + fraction;
  const point = whole.length + Number(exponent); // digits before the point
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return sign + digits + "0".repeat(point - digits.length);
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

// ------------------------------------------------------------------------------ dates
// Dates are day ordinals (0001-01-01 is day 1); never is +Infinity.

function daysFromCivil(y, m, d) {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468; // days since 1970-01-01
}

function ordinal(y, m, d) {
  return daysFromCivil(y, m, d) + 719163;
}

function civil(ord) {
  const z = ord - 719163 + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524)
                          - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

function isLeap(y) {
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
}

function daysInMonth(y, m) {
  return [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
}

const ISO_DATES = new Map(); // dates already written: results give the same few often

function isoDate(ord) {
  let text = ISO_DATES.get(ord);
  if (text === undefined) {
    const [y, m, d] = civil(ord);
    text = `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
    if (ISO_DATES.size >= 4096) ISO_DATES.clear();
    ISO_DATES.set(ord, text);
  }
  return text;
}

function dayJson(day) {
  return day === Infinity ? "never" : isoDate(day);
}

function validDate(y, m, d) {
  return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

const RE_ISO_DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;

function parseIso(text) {
  const m = RE_ISO_DATE.exec(text);
  return ordinal(Number(m[1]), Number(m[2]), Number(m[3]));
}

// ------------------------------------------------------------------------------ calendar

const CALENDAR = DATA.calendar === null ? null : {
  code: DATA.calendar.code,
  weekend: new Set(DATA.calendar.weekend),
  off: new Set(DATA.calendar.holidays.map(parseIso)),
  on: new Set(DATA.calendar.workdays.map(parseIso)),
  firstYear: DATA.calendar.first_year,
  lastYear: DATA.calendar.last_year,
  announced: DATA.calendar.announced_through,
};

function isWorkingDay(day) {
  if (CALENDAR.on.has(day)) return true;
  return !CALENDAR.weekend.has(((day + 6) % 7) + 1) && !CALENDAR.off.has(day);
}

/** The count-th working day after start (before it if negative), with its warnings in w. */
function addWorkingDays(start, count, w) {
  if (CALENDAR === null) throw new EvaluationError("no_calendar");
  const step = count >= 0 ? 1 : -1;
  let day = start;
  let left = Math.abs(count);
  while (left) {
    day += step;
    if (day < MIN_ORDINAL || day > MAX_ORDINAL) outOfRange(start, count, "working_days");
    if (isWorkingDay(day)) left--;
  }
  calendarWarnings(Math.min(start, day), Math.max(start, day), w);
  return day;
}

/** What is uncertain about counting working days between the days lo and hi, into w. */
function calendarWarnings(lo, hi, w) {
  const loYear = civil(lo)[0];
  const hiYear = civil(hi)[0];
  if (loYear < CALENDAR.firstYear || hiYear > CALENDAR.lastYear) {
    w.push(wording("calendar_range", { code: CALENDAR.code, first: CALENDAR.firstYear,
                                       last: CALENDAR.lastYear }));
  }
  if (CALENDAR.announced !== null && hiYear > CALENDAR.announced) {
    w.push(wording("makeup_unknown", { code: CALENDAR.code, announced: CALENDAR.announced,
                                       year: hiYear }));
  }
}

/** Working days or whole months from start to end (a BigInt; never as in daysBetween). */
function countBetween(unit, start, end, w) {
  if (start instanceof Unknown || end instanceof Unknown) return u(start, end);
  if (start === Infinity || end === Infinity) return daysBetween(end, start);
  if (end < start) return -countBetween(unit, end, start, w);
  if (unit === "months") {
    const [sy, sm] = civil(start);
    const [ey, em] = civil(end);
    const months = BigInt((ey - sy) * 12 + em - sm);
    return shift(start, months, "months", 1, w) <= end ? months : months - 1n;
  }
  if (CALENDAR === null) throw new EvaluationError("no_calendar");
  const days = end - start;
  const rest = days % 7;
  let total = ((days - rest) / 7) * (7 - CALENDAR.weekend.size);
  for (let i = 1; i <= rest; i++) {
    if (!CALENDAR.weekend.has(((start + i + 6) % 7) + 1)) total++;
  }
  const listed = listedDays();
  for (let i = firstAfter(listed, start); i < listed.length && listed[i] <= end; i++) {
    const day = listed[i];
    total += (isWorkingDay(day) ? 1 : 0) - (CALENDAR.weekend.has(((day + 6) % 7) + 1) ? 0 : 1);
  }
  calendarWarnings(start, end, w);
  return BigInt(total);
}

let LISTED = null;

/** The days the calendar's tables list (holidays and make-up days), sorted, made once. */
function listedDays() {
  if (LISTED === null) LISTED = [...new Set([...CALENDAR.off, ...CALENDAR.on])].sort((a, b) => a - b);
  return LISTED;
}

/** The index of the first of the sorted days after day. */
function firstAfter(days, day) {
  let lo = 0;
  let hi = days.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (days[mid] <= day) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function outOfRange(day, amount, unit) {
  throw new EvaluationError("date_out_of_range", {
    date: isoDate(day), amount: String(amount), unit: unit.split("_").join(" "),
  });
}

// ------------------------------------------------------------------------------ three-valued values
// An unknown value is an Unknown with the names of the facts it waits for ("today" for the
// as-of date). Known values: booleans, BigInts (integers; durations in their base unit),
// Decs, day numbers, strings, and due keys [rank, day, label].

class Unknown {
  // What it waits for: a fact (`rank`: the place of its name among all names in order), or
  // the unknowns it was made from (`parts`); the names are collected only when an answer
  // lists them (dependencies()), so that combining unknowns costs one object, not a union.
  constructor(rank, parts) {
    this.rank = rank;
    this.parts = parts;
    this.visited = 0; // the last walk of dependencies() that reached it
  }
}

// Every name an unknown can wait for, in order (names of facts are ASCII: the default order
// of strings is the order of their code points).
const NAMES = [...DATA.facts.map((f) => f.name), "today"].sort();
const RANK = new Map(NAMES.map((name, i) => [name, i]));
const NONE = new Unknown(-1, null);
const TODAY = new Unknown(RANK.get("today"), null);
// Thrown by two-valued code when an operation has no value although every fact is known: the
// three-valued code then decides.
const BAIL = Object.freeze({ bail: true });

function known(v) {
  if (v instanceof Unknown) throw BAIL;
  return v;
}

/** An unknown with the dependencies of every unknown among `values`. */
function u(...values) {
  let one = null;
  let parts = null;
  for (const v of values) {
    if (!(v instanceof Unknown) || v === NONE || v === one) continue;
    if (one === null) one = v;
    else if (parts === null) parts = [one, v];
    else parts.push(v);
  }
  if (one === null) return NONE;
  return parts === null ? one : new Unknown(null, parts);
}

function kAnd(a, b) {
  if (a === false || b === false) return false;
  if (a === true) return b;
  if (b === true) return a;
  return u(a, b);
}

function kOr(a, b) {
  if (a === true || b === true) return true;
  if (a === false) return b;
  if (b === false) return a;
  return u(a, b);
}

function kNot(a) {
  return a instanceof Unknown ? a : !a;
}

/** A comparison of two decimals (or integers with decimals). */
function decCmp(op, a, b) {
  if (a instanceof Unknown || b instanceof Unknown) return u(a, b);
  const c = decCompare(a, b);
  switch (op) {
    case "=": return c === 0;
    case "!=": return c !== 0;
    case "<": return c < 0;
    case "<=": return c <= 0;
    case ">": return c > 0;
    default: return c >= 0;
  }
}

function decArith(op, a, b) {
  if (a instanceof Unknown || b instanceof Unknown) return u(a, b);
  const x = toDec(a);
  const y = toDec(b);
  if (op === "*") return roundDigits(x.c * y.c, x.e + y.e, EXACT_PRECISION);
  const [p, q, e] = align(x, y);
  return roundDigits(op === "+" ? p + q : p - q, e, EXACT_PRECISION);
}

/** + - * of durations: BigInts, or +-Infinity; an infinite result without a sign has no value. */
function durArith(op, a, b) {
  if (a instanceof Unknown || b instanceof Unknown) return u(a, b);
  if (typeof a === "bigint" && typeof b === "bigint") {
    return op === "+" ? a + b : op === "-" ? a - b : a * b;
  }
  const x = Number(a);
  const y = Number(b);
  const r = op === "+" ? x + y : op === "-" ? x - y : x * y;
  return Number.isNaN(r) ? NONE : r;
}

function negate(v) {
  if (v instanceof Unknown) return v;
  if (v instanceof Dec) {
    const r = roundDigits(v.c, v.e, EXACT_PRECISION);
    return new Dec(-r.c, r.e);
  }
  return -v;
}

/** a / b rounded half-even to 18 places; no value when b is zero. */
function divide(a, b) {
  if (a instanceof Unknown || b instanceof Unknown) return u(a, b);
  a = toDec(a);
  b = toDec(b);
  if (b.c === 0n) return NONE;
  const k = a.e - b.e + DIVISION_PLACES;
  let num = a.c;
  let den = b.c;
  if (k >= 0) num *= pow10(k);
  else den *= pow10(-k);
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const magnitude = abs(num);
  let q = magnitude / den;
  const twice = 2n * (magnitude % den);
  if (twice > den || (twice === den && (q & 1n) === 1n)) q += 1n;
  return roundDigits(num < 0n ? -q : q, -DIVISION_PLACES, EXACT_PRECISION);
}

/** Days from b to a: a BigInt, or +-Infinity when one is never; no value when both are. */
function daysBetween(a, b) {
  if (a instanceof Unknown || b instanceof Unknown) return u(a, b);
  if (a === Infinity) return b === Infinity ? NONE : Infinity;
  if (b === Infinity) return -Infinity;
  return BigInt(a - b);
}

/** `day` moved by `sign * amount` units of `unit`; never stays never. */
function shift(day, amount, unit, sign, w) {
  if (day instanceof Unknown || amount instanceof Unknown) return u(day, amount);
  if (day === Infinity) return Infinity;
  if (typeof amount === "number") return (amount > 0) === (sign > 0) ? Infinity : NONE;
  const n = sign > 0 ? amount : -amount;
  let result;
  if (unit === "days") {
    if (abs(n) > 10000000n) outOfRange(day, n, unit);
    result = day + Number(n);
  } else if (unit === "months") {
    if (abs(n) > 120000n) outOfRange(day, n, unit);
    const [y, m, d] = civil(day);
    const total = y * 12 + m - 1 + Number(n);
    const year = Math.floor(total / 12);
    const month = total - year * 12 + 1;
    if (year < 1 || year > 9999) outOfRange(day, n, unit);
    result = ordinal(year, month, Math.min(d, daysInMonth(year, month)));
  } else {
    if (abs(n) > 3660000n) outOfRange(day, n, unit);
    result = addWorkingDays(day, Number(n), w);
  }
  if (result < MIN_ORDINAL || result > MAX_ORDINAL) outOfRange(day, n, unit);
  return result;
}

function occurred(day, asOf) {
  if (day instanceof Unknown) return day;
  if (day === Infinity) return false;
  return asOf === null || day <= (asOf === LATER ? today() : asOf);
}

/** The first or last of days, or the least or greatest of numbers, decimals or durations. */
function extremum(which, args) {
  if (args.some((a) => a instanceof Unknown)) return u(...args);
  const first = which === "earliest" || which === "least";
  let best = args[0];
  for (const a of args.slice(1)) {
    const c = a instanceof Dec || best instanceof Dec ? decCompare(a, best) : a < best ? -1 : a > best ? 1 : 0;
    if (first ? c < 0 : c > 0) best = a;
  }
  return best;
}

/** The first day on or after start (strictly after when `after`) on one of `days` of its month. */
function nextMonthly(start, days, after) {
  const sorted = [...days].sort((x, y) => x - y);
  const beyond = () => new EvaluationError("monthly_beyond", { days: sorted.join(", ") });
  if (after) {
    if (start === MAX_ORDINAL) throw beyond();
    start += 1;
  }
  let [year, month] = civil(start);
  for (;;) {
    const last = daysInMonth(year, month);
    for (const day of sorted) {
      const candidate = ordinal(year, month, Math.min(day, last));
      if (candidate >= start) return candidate;
    }
    if (month === 12 && year === 9999) throw beyond();
    if (month === 12) {
      year += 1;
      month = 1;
    } else {
      month += 1;
    }
  }
}

/** The due key of a date (unknown when the date is). */
function dueOn(day) {
  return day instanceof Unknown ? day : [1, day, "date"];
}

/** Due keys by strictness: rank, then day, then label. */
function dueLess(a, b) {
  if (a[0] !== b[0]) return a[0] < b[0];
  if (a[1] !== b[1]) return a[1] < b[1];
  return compareStrings(a[2], b[2]) < 0;
}

function dueEqual(a, b) {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2];
}

// ------------------------------------------------------------------------------ reading facts
// Text is ASCII: digits 0-9, and spaces, tabs and line breaks around and between parts.

const FACT_LIST = DATA.facts;
// The bounds of facts that declare them, as runtime values.
const BOUNDS = new Map(
  FACT_LIST.filter((f) => f.bounds[0] !== null || f.bounds[1] !== null)
    .map((f) => [f.name, f.bounds.map((b) => boundValue(f.type, b))]),
);
const FACT_INDEX = new Map(FACT_LIST.map((f, i) => [f.name, i]));
const FACT_NAMES = FACT_LIST.map((f) => f.name);
const MISSING = FACT_LIST.map((f) => new Unknown(RANK.get(f.name), null));
const SPACE = "[ \\t\\n\\r\\f\\v]";
const RE_DECIMAL = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/;
const RE_INTEGER = /^[+-]?[0-9]+$/;
const RE_MONEY = new RegExp(`^([^ \\t\\n\\r\\f\\v]+)${SPACE}+([A-Z]{3})$`);
const RE_DURATION = new RegExp(`^([+-]?[0-9]+)${SPACE}+([a-z ]+)$`);
const RE_STRIP = new RegExp(`^${SPACE}+|${SPACE}+$`, "g");
const DURATION_UNITS = new Map([
  ["day", ["days", 1n]], ["days", ["days", 1n]], ["week", ["days", 7n]], ["weeks", ["days", 7n]],
  ["working day", ["working_days", 1n]], ["working days", ["working_days", 1n]],
  ["month", ["months", 1n]], ["months", ["months", 1n]], ["year", ["months", 12n]],
  ["years", ["months", 12n]],
]);

function digitCount(text) {
  return text.replace(/^[+-]+/, "").replace(".", "").length;
}

function readInteger(raw) {
  if (typeof raw === "bigint") return abs(raw).toString().length <= MAX_DIGITS ? raw : null;
  if (typeof raw === "number") return Number.isSafeInteger(raw) ? BigInt(raw) : null;
  if (typeof raw === "string" && RE_INTEGER.test(raw) && digitCount(raw) <= MAX_DIGITS) {
    return BigInt(raw.replace(/^\+/, ""));
  }
  return null;
}

function readDecimal(raw) {
  if (typeof raw === "bigint") return abs(raw).toString().length <= MAX_DIGITS ? new Dec(raw, 0) : null;
  if (typeof raw === "number") {
    if (!Number.isFinite(raw)) return null;
    if (Number.isSafeInteger(raw)) return new Dec(BigInt(raw), 0);
    raw = positional(raw);
  }
  if (typeof raw === "string" && RE_DECIMAL.test(raw) && digitCount(raw) <= MAX_DIGITS) {
    return parseDecimal(raw);
  }
  return null;
}

/**
 * The amount and currency of money as given: the text "AMOUNT CUR" or the object results
 * use, {amount: "AMOUNT", currency: "CUR"} (no other keys); [null, null] for anything else
 * (the interpreter's money_parts). A bare number is not money: it names no currency.
 */
function moneyParts(raw) {
  if (typeof raw === "string") {
    const m = RE_MONEY.exec(raw.replace(RE_STRIP, ""));
    return m ? [m[1], m[2]] : [null, null];
  }
  if (plainObject(raw)) {
    const keys = Object.keys(raw);
    if (keys.length === 2 && keys.includes("amount") && keys.includes("currency")) {
      return [raw.amount, raw.currency];
    }
  }
  return [null, null];
}

/** One fact's value (undefined for unknown); throws FactError. */
function wrongValue(fact, raw, problem, fields) {
  return new FactError(fact.name, problem || "wrong_value", { expected: fact.expected, given: raw, ...fields });
}

function readValue(fact, raw) {
  const value = readTyped(fact, raw);
  const bounds = BOUNDS.get(fact.name);
  if (value !== undefined && bounds !== undefined) {
    const [low, high] = bounds;
    const below = low !== null && (low instanceof Dec || value instanceof Dec ? decCompare(value, low) < 0 : value < low);
    const above = high !== null && (high instanceof Dec || value instanceof Dec ? decCompare(value, high) > 0 : value > high);
    if (below || above) throw wrongValue(fact, raw, "out_of_bounds");
  }
  return value;
}

/** A bound of a fact (a date, or a number in its base unit) as a runtime value. */
function boundValue(type, text) {
  if (text === null) return null;
  switch (type.kind) {
    case "date": return parseIso(text);
    case "decimal":
    case "money": return parseDecimal(text);
    default: return BigInt(text);
  }
}

function readTyped(fact, raw) {
  if (raw === null || raw === undefined) return undefined;
  const t = fact.type;
  const wrong = (problem, fields) => wrongValue(fact, raw, problem, fields);
  switch (t.kind) {
    case "boolean":
      if (typeof raw === "boolean") return raw;
      if (raw === "true" || raw === "false") return raw === "true";
      throw wrong();
    case "integer": {
      const value = readInteger(raw);
      if (value === null) throw wrong();
      return value;
    }
    case "decimal": {
      const number = readDecimal(raw);
      if (number === null) throw wrong();
      return number;
    }
    case "money": {
      const [amount, currency] = moneyParts(raw);
      const number = typeof amount === "string" ? readDecimal(amount) : null;
      if (number === null || typeof currency !== "string") throw wrong();
      if (currency !== t.currency) throw wrong("wrong_currency", { currency });
      return number;
    }
    case "date": {
      if (raw === "never") {
        if (fact.kind === "event") return Infinity;
        throw wrong("never_not_event");
      }
      if (typeof raw === "string") {
        const m = RE_ISO_DATE.exec(raw);
        if (m) {
          const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
          if (!validDate(y, mo, d)) throw wrong("not_a_date");
          return ordinal(y, mo, d);
        }
      }
      throw wrong();
    }
    case "duration": {
      const value = readInteger(raw);
      if (value !== null) return value;
      if (typeof raw === "string") {
        const m = RE_DURATION.exec(raw.replace(RE_STRIP, ""));
        const unit = m ? DURATION_UNITS.get(m[2].replace(/^ +| +$/g, "")) : undefined;
        if (m && unit && digitCount(m[1]) <= MAX_DIGITS) {
          if (unit[0] !== t.unit_class) throw wrong("wrong_unit", { unit: unit[0].split("_").join(" ") });
          return BigInt(m[1].replace(/^\+/, "")) * unit[1];
        }
      }
      throw wrong();
    }
    case "text":
      if (typeof raw === "string") return raw;
      throw wrong();
    default: // one of
      if (typeof raw === "string" && t.members.includes(raw)) return raw;
      throw wrong();
  }
}

function factEntries(raw) {
  if (raw === undefined) return []; // facts left out: all unknown
  if (raw instanceof Map) return Array.from(raw);
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new FactError("<facts>", "not_a_mapping", { given: raw });
  }
  return Object.keys(raw).map((k) => [k, raw[k]]);
}

/**
 * The values of every fact, in the order of DATA.facts (MISSING for those not given, null or
 * undefined), after checking each given fact in name order. `given`, if passed, receives the
 * raw value of each fact kept (for Facts).
 */
function readFacts(raw, given) {
  // A plain object whose facts are all right is read in the order of its keys; only when one
  // is wrong does the order of names matter (the first wrong one is reported), and then the
  // facts are read again in that order.
  if (given === undefined && raw !== null && typeof raw === "object" && !Array.isArray(raw)
      && !(raw instanceof Map)) {
    try {
      const values = MISSING.slice();
      for (const name of Object.keys(raw)) {
        const i = FACT_INDEX.get(name);
        if (i === undefined) throw BAIL;
        const v = readValue(FACT_LIST[i], raw[name]);
        if (v !== undefined) values[i] = v;
      }
      return values;
    } catch (e) {
      if (e !== BAIL && !(e instanceof FactError)) throw e;
    }
  }
  return readFactsInOrder(raw, given);
}

function readFactsInOrder(raw, given) {
  const entries = factEntries(raw);
  for (const [name] of entries) {
    if (typeof name !== "string") throw new FactError(show(name), "name_not_text", { given: name });
  }
  entries.sort((x, y) => compareStrings(x[0], y[0]));
  const values = MISSING.slice();
  for (const [name, value] of entries) {
    const i = FACT_INDEX.get(name);
    if (i === undefined) {
      const close = closest(name, FACT_NAMES);
      throw new FactError(name, "no_such_fact", {
        contract: DATA.contract.id, suggestion: close === null ? "" : ` (did you mean \`${close}\`?)`,
      });
    }
    const v = readValue(FACT_LIST[i], value);
    if (v !== undefined) {
      values[i] = v;
      if (given !== undefined) given.set(name, value);
    }
  }
  return values;
}

// Facts (below) keep their state here: ES2020 has no private fields, and a WeakMap entry can
// neither be changed from outside nor forged, so only the Facts this module made are found.
const PREPARED = new WeakMap(); // Facts -> {values, given: name -> raw}
// Every module's Facts.prototype carries this brand (its contract's id): a Facts of another
// module must be refused, not read as a plain object without keys (no facts at all).
const FACTS_BRAND = Symbol.for("clausec.Facts");

/** Which values are known, a bit per fact (bit i % 32 of word i / 32), for the questions'
 * check that every fact they read is known. */
function knownWords(values) {
  const words = new Int32Array(Math.ceil(values.length / 32) || 1);
  values.forEach((v, i) => {
    if (!(v instanceof Unknown)) words[i >> 5] |= 1 << (i & 31);
  });
  return words;
}

/** The state of a Facts of this module; undefined for what is not a Facts; throws for a Facts
 * this module did not make. */
function preparedOf(raw) {
  if (raw === null || typeof raw !== "object") return undefined;
  const prepared = PREPARED.get(raw);
  if (prepared !== undefined) return prepared;
  const brand = raw[FACTS_BRAND];
  if (brand === undefined) return undefined;
  const id = DATA.contract.id;
  const detail = raw instanceof Facts
    ? "a Facts must be made with `new Facts(facts)`"
    : String(brand) === id
      ? `a Facts made by another module of contract \`${id}\`; make it with this module's Facts`
      : `a Facts made by the module of contract \`${String(brand)}\` cannot be used with `
        + `contract \`${id}\`; make it with this module's Facts`;
  throw new FactError("<facts>", "foreign_facts", { detail });
}

// Today's date as an ordinal, and the time (ms since the epoch) until which it holds: the
// next local midnight. Making a Date on every call cost more than most decisions do.
let todayUntil = 0;
// The as-of date of a call that left it to the default, before anything read it.
const LATER = Object.freeze({ later: "today" });
let todayOrdinal = 0;

function today() {
  const now = Date.now();
  if (now >= todayUntil) {
    const d = new Date(now);
    todayOrdinal = ordinal(d.getFullYear(), d.getMonth() + 1, d.getDate());
    todayUntil = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime();
  }
  return todayOrdinal;
}

/** options.asOf (docs/semantics.md, "The as-of date"): "today" (the default, also when
 * undefined), a "YYYY-MM-DD" date, or null (no date). */
function readAsOf(options) {
  const asOf = options ? options.asOf : undefined;
  if (asOf === undefined || asOf === "today") return LATER;
  if (asOf === null) return null;
  const m = typeof asOf === "string" ? RE_ISO_DATE.exec(asOf) : null;
  if (m && validDate(Number(m[1]), Number(m[2]), Number(m[3]))) {
    return ordinal(Number(m[1]), Number(m[2]), Number(m[3]));
  }
  throw new FactError("as_of", "bad_as_of", { given: asOf });
}

// ------------------------------------------------------------------------------ values out

function jsonInteger(v) {
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

/** A value in the output form of results, by its fact or value type. */
function toJson(v, t) {
  switch (t.kind) {
    case "date":
      return dayJson(v);
    case "money":
      return { amount: canonicalDecimal(v), currency: t.currency };
    case "decimal":
      return canonicalDecimal(v);
    case "duration":
      if (typeof v === "number") return { amount: v > 0 ? "infinite" : "-infinite", unit: t.unit_class };
      return { amount: jsonInteger(v), unit: t.unit_class };
    case "integer":
      return jsonInteger(v);
    default:
      return v;
  }
}

// ------------------------------------------------------------------------------ results

// id -> [clause, modality, deadline, reads, condition parts, exception parts, duty remedied,
//        amount kind, the type of the amount's value, forms]
const NORM_TABLE = new Map(Object.entries(DATA.norms));
const CLAUSE_TABLE = new Map(Object.entries(DATA.clauses)); // number -> [quote, gloss]
const EXTENSION_TABLE = new Map(Object.entries(DATA.extensions));

/**
 * The answer to one question for one fact set. `answer` is read directly; the rest is worked
 * out when first read. toDict() is the interpreter's to_dict().
 */
export class Result {
  constructor(question, answer, grounds, overridden, dependsOn, dues, value, values, warnings, explain, amounts,
    asOf, extended, moved) {
    this.question = question;
    this.answer = answer;
    this._asOf = asOf; // the evaluation date, an ordinal; null: no date
    this.groundNorms = grounds; // the ids of the norms that ground the answer
    // What the getters below work out when first read.
    this._overridden = overridden;
    this._dependsOn = dependsOn;
    this._dues = dues;
    this._value = value;
    this._values = values; // the values of the facts, for the grounds
    this._warnings = warnings;
    this._explain = explain; // what the reasons are worked out from, or null: none
    this._presumed = NO_NAMES; // the presumed facts the answer relied on
    this._amounts = amounts; // norm -> the value of the amount it states, for the grounds
    this._extended = extended; // norm -> the amounts of its due date's extensions (null: not held)
    this._moved = moved; // norm -> its due date before it moved to a working day
  }

  /** The presumptions the answer relied on: facts not given, taken to be a value. */
  get presumptions() {
    return this._presumed.map((fact) => {
      const [, value, reason, restsOn] = PRESUMED.get(fact);
      return { fact, value, reason, restsOn };
    });
  }

  get contract() {
    return DATA.contract.id;
  }

  /** The date the answer was evaluated at ("YYYY-MM-DD"); null: evaluated without one. */
  get asOf() {
    // LATER: the answer did not depend on the date, so it holds as of today.
    const day = this._asOf === LATER ? today() : this._asOf;
    return day === null ? null : isoDate(day);
  }

  get kind() {
    return QUESTION_KINDS.get(this.question);
  }

  get value() {
    return this._value;
  }

  get dependsOn() {
    return this._dependsOn;
  }

  get warnings() {
    const warnings = this._warnings;
    return warnings.length === 0 ? [] : Array.from(new Set(warnings)).sort(compareStrings);
  }

  /** The earliest due date among the grounds, if any. */
  get due() {
    let best = null;
    for (const norm of this.groundNorms) {
      const d = this._dues[norm];
      if (d !== undefined && !(d instanceof Unknown) && d[0] === 1 && (best === null || d[1] < best)) {
        best = d[1];
      }
    }
    return best === null ? null : dayJson(best);
  }

  get grounds() {
    return this.groundNorms.map((norm) => {
      const entry = NORM_TABLE.get(norm);
      const [clause, modality, deadlineKind, reads] = entry;
      const [amountKind, amountType, forms, source] = entry.slice(7);
      const [quote, gloss] = CLAUSE_TABLE.get(clause);
      const d = this._dues[norm];
      const deadline = deadlineKind !== null && d !== undefined && !(d instanceof Unknown)
        ? { kind: deadlineKind, due: d[0] === 1 ? dayJson(d[1]) : null,
            extended: d[0] === 1 ? this._extensions(norm) : [],
            moved: d[0] === 1 ? this._movedFrom(norm, d[1]) : null }
        : null;
      let amount = null;
      if (amountKind !== null && source !== null && source[0] === null) {
        // A constant, in its output form (a copy: results are the caller's to change).
        amount = { kind: amountKind, value: structuredClone(source[1]) };
      } else if (amountKind !== null) {
        // Computed by the question, or a fact's value (clausec.plan.program.direct_amount).
        const v = source === null ? this._amounts[norm] : this._fact(source[0]);
        amount = { kind: amountKind, value: v === undefined || v instanceof Unknown ? null : toJson(v, amountType) };
      }
      return { norm, clause, modality, quote, gloss, facts: this._given(reads), deadline, amount, forms: [...forms] };
    });
  }

  /** Where ground `norm`'s due date fell before it moved to a working day, and why. */
  _movedFrom(norm, due) {
    const unmoved = this._moved[norm];
    if (unmoved === undefined || unmoved === due) return null;
    return { from: dayJson(unmoved), reason: `not a working day in ${DATA.contract.calendar}` };
  }

  /** The extensions that moved ground `norm`'s due date (docs/semantics.md). */
  _extensions(norm) {
    const amounts = this._extended[norm] ?? [];
    const rows = EXTENSION_TABLE.get(norm) ?? [];
    const out = [];
    amounts.forEach((v, i) => {
      if (v === null) return;
      const [clause, mode, unit, reads] = rows[i];
      out.push({ clause, mode, amount: toJson(v, { kind: "duration", unit_class: unit }),
                 facts: this._given(reads) });
    });
    return out;
  }

  /** Why a negative answer is negative: status, norm, the part that decided, its facts. */
  get reasons() {
    return this._reasons(false);
  }

  /** The reasons, their `by` entries with `statedIn`, or with `stated_in` for toDict(). */
  _reasons(snake) {
    if (this._explain === null) return [];
    const question = this.question;
    const reasons = EXPLAIN.get(question)(this._values, ...this._explain);
    return reasons.map(([norm, code, by, day]) => {
      const colon = code.indexOf(":");
      const status = colon < 0 ? code : code.slice(0, colon);
      const entry = norm === null ? null : NORM_TABLE.get(norm);
      let condition = null;
      let reads = [];
      if (colon >= 0) {
        const parts = entry === null ? QUESTION_PARTS.get(question)
          : entry[status === "exception_applies" ? 5 : 4];
        [condition, reads] = parts[Number(code.slice(colon + 1))];
      } else if (status === "prohibits") {
        reads = entry[3];
      } else if (status === "lapsed" || status === "ended") {
        reads = entry[11];
      }
      return {
        status,
        norm,
        clause: entry === null ? null : entry[0],
        modality: entry === null ? null : entry[1],
        quote: entry === null ? null : CLAUSE_TABLE.get(entry[0])[0],
        condition,
        facts: this._given(reads),
        by: status === "overridden"
          ? by.map(([higher, statedIn]) => (snake
            ? { norm: higher, clause: NORM_TABLE.get(higher)[0], stated_in: statedIn }
            : { norm: higher, clause: NORM_TABLE.get(higher)[0], statedIn }))
          : [],
        duty: status === "not_breached" ? entry[6] : null,
        date: status === "lapsed" || status === "ended" ? dayJson(day) : null,
      };
    });
  }

  /** The value of fact `name` in the facts the answer was evaluated on. */
  _fact(name) {
    return this._values[FACT_INDEX.get(name)];
  }

  /** The given facts among `names`, in the output form of values. */
  _given(names) {
    const values = this._values;
    const facts = {};
    for (const name of names) {
      const i = FACT_INDEX.get(name);
      const v = values[i];
      if (v instanceof Unknown) continue;
      const out = typeof v === "boolean" ? v : toJson(v, FACT_LIST[i].type);
      // Only "__proto__" is not an own property when assigned (setProp is slower).
      if (name === "__proto__") setProp(facts, name, out);
      else facts[name] = out;
    }
    return facts;
  }

  get overridden() {
    return this._overridden.map(([norm, by]) => ({
      norm,
      clause: NORM_TABLE.get(norm)[0],
      by: by.map(([higher, statedIn]) => ({ norm: higher, clause: NORM_TABLE.get(higher)[0], statedIn })),
    }));
  }

  toDict() {
    return {
      contract: this.contract,
      question: this.question,
      kind: this.kind,
      answer: this.answer,
      value: this.value,
      due: this.groundNorms.length ? this.due : null,
      as_of: this.asOf,
      grounds: this.grounds,
      overridden: this.overridden.map((o) => ({
        norm: o.norm, clause: o.clause,
        by: o.by.map((b) => ({ norm: b.norm, clause: b.clause, stated_in: b.statedIn })),
      })),
      reasons: this._reasons(true),
      presumptions: this.presumptions.map((p) => ({
        fact: p.fact, value: p.value, reason: p.reason, rests_on: p.restsOn,
      })),
      depends_on: [...this.dependsOn],
      warnings: this.warnings,
    };
  }
}

const NO_DUES = Object.freeze({});
const NO_OVERRIDES = Object.freeze([]);
const NO_REASONS = Object.freeze([]);

// fact name -> [value as a fact value, value in the output form, reason, clauses]
const PRESUMED = new Map(DATA.facts.filter((f) => f.presumed !== null).map((f) => [f.name, f.presumed]));

/** An undetermined answer asked again with the presumed values of the facts it waits for
 * (docs/semantics.md, "Presumptions"); the result names them. */
function presume(question, facts, options, deps) {
  const relied = deps.filter((name) => PRESUMED.has(name));
  // The facts as they were given (a Facts gives its own), plus the presumed ones.
  const given = new Map(preparedOf(facts) !== undefined ? Object.entries(facts.toJSON()) : factEntries(facts));
  for (const name of relied) given.set(name, PRESUMED.get(name)[0]);
  const result = question(given, { ...options, presume: false });
  result._presumed = relied;
  return result;
}
const NO_NAMES = Object.freeze([]);

let walks = 0;

/** The names an unknown value waits for, in order. */
function dependencies(v) {
  if (!(v instanceof Unknown)) return NO_NAMES;
  const walk = ++walks;
  const marked = new Uint8Array(NAMES.length);
  const todo = [v];
  while (todo.length) {
    const x = todo.pop();
    if (x.visited === walk) continue;
    x.visited = walk;
    if (x.rank >= 0) marked[x.rank] = 1;
    if (x.parts !== null) for (const p of x.parts) todo.push(p);
  }
  const out = [];
  for (let i = 0; i < NAMES.length; i++) if (marked[i]) out.push(NAMES[i]);
  return out;
}

/**
 * JSON text of a value that may hold BigInts (written as plain JSON numbers, as Python's json
 * module writes large integers). `indent`: as for JSON.stringify (a number of spaces).
 */
export function stringify(value, indent) {
  const step = typeof indent === "number" ? " ".repeat(Math.min(10, Math.max(0, indent)))
    : typeof indent === "string" ? indent.slice(0, 10) : "";
  const write = (v, prefix) => {
    if (v !== null && typeof v === "object" && typeof v.toJSON === "function") v = v.toJSON();
    if (typeof v === "bigint") return v.toString();
    if (v === null || typeof v !== "object") {
      const text = JSON.stringify(v);
      return text === undefined ? "null" : text;
    }
    const inner = prefix + step;
    const open = step ? "\n" + inner : "";
    const close = step ? "\n" + prefix : "";
    const comma = step ? ",\n" + inner : ",";
    if (Array.isArray(v)) {
      if (!v.length) return "[]";
      return "[" + open + v.map((x) => write(x, inner)).join(comma) + close + "]";
    }
    const keys = Object.keys(v).filter((k) => v[k] !== undefined && typeof v[k] !== "function");
    if (!keys.length) return "{}";
    const colon = step ? ": " : ":";
    return "{" + open + keys.map((k) => JSON.stringify(k) + colon + write(v[k], inner)).join(comma)
      + close + "}";
  };
  return write(value, "");
}

// ------------------------------------------------------------------------------ the API

function deepFreeze(v) {
  if (v !== null && typeof v === "object") {
    for (const k of Object.keys(v)) deepFreeze(v[k]);
    Object.freeze(v);
  }
  return v;
}

const QUESTION_KINDS = new Map(DATA.questions.map((q) => [q.name, q.kind]));
// A value question's expression in parts, as reasons name them.
const QUESTION_PARTS = new Map(DATA.questions.map((q) => [q.name, q.parts]));

/** The questions of the contract: {name, kind, description}. */
export const QUESTIONS = deepFreeze(DATA.questions.map((q) => ({
  name: q.name, kind: q.kind, description: q.description,
})));

/** The facts and events of the contract: {name, type, kind, description}. */
export const FACTS = deepFreeze(FACT_LIST.map((f) => ({
  name: f.name, type: JSON.parse(JSON.stringify(f.type)), kind: f.kind, description: f.description,
})));

/** Where the module came from. */
export const CONTRACT = deepFreeze({ ...DATA.contract });

function givenOf(facts) {
  const prepared = PREPARED.get(facts);
  if (prepared === undefined) throw new TypeError("not a Facts of this module");
  return prepared.given;
}

/**
 * A fact set checked once. `new Facts(facts)` takes what a question function takes and throws
 * the FactError a call would; question functions, evaluate and evaluateMany then take the
 * Facts in place of the facts and use its values without checking them again (for many
 * questions about one fact set). Frozen; null and undefined values (unknown) are left out.
 */
export class Facts {
  constructor(facts) {
    let prepared = preparedOf(facts); // a Facts of this module is checked already
    if (prepared === undefined) {
      const given = new Map();
      const values = readFacts(facts, given);
      prepared = { values, given, known: knownWords(values) };
    }
    PREPARED.set(this, prepared); // never changed: evaluation only reads, and no array leaves
    Object.freeze(this);
  }

  /** The number of facts given (not null or undefined). */
  get size() {
    return givenOf(this).size;
  }

  /** The value of fact `name` as given, or undefined. */
  get(name) {
    return givenOf(this).get(name);
  }

  has(name) {
    return givenOf(this).has(name);
  }

  /** The names of the facts given, in the order of fact names (by code point). */
  names() {
    return Array.from(givenOf(this).keys());
  }

  /** A new plain object of the given values (stringify(facts) writes it). */
  toJSON() {
    const out = {};
    for (const [name, value] of givenOf(this)) setProp(out, name, value);
    return out;
  }
}
Object.defineProperty(Facts.prototype, FACTS_BRAND, { value: DATA.contract.id });
Object.freeze(Facts.prototype);

/**
 * Answer the question `questionName` for `facts` (an object: fact name -> value; null or
 * undefined means unknown; or a Facts). options.asOf: "YYYY-MM-DD", "today" (the default) or
 * null (no date); options.presume: false to use no presumption. Throws FactError for a fact
 * that cannot be used and EvaluationError for a computation without an answer.
 */
export function evaluate(questionName, facts, options) {
  const answer = QUESTION_FUNCTIONS.get(questionName);
  if (answer === undefined) {
    throw new RangeError(`no question \`${questionName}\` in contract \`${DATA.contract.id}\``);
  }
  return answer(facts, options);
}

const CANDIDATES = new Map(DATA.facts.map((f) => [f.name, f.candidates]));

/**
 * For an undetermined answer, the facts it waits for, ranked: each with the values that decide
 * the answer alone and the answer each gives ({fact, decides: [{value, answer}]}); the facts with
 * the most deciding values first. [] when the answer is decided. Options as for evaluate().
 */
export function askNext(questionName, facts, options) {
  const question = QUESTION_FUNCTIONS.get(questionName);
  if (question === undefined) evaluate(questionName, {}, options); // throws the RangeError
  const result = question(facts, options);
  if (result.answer !== "undetermined") return [];
  const given = preparedOf(facts) !== undefined ? Object.entries(facts.toJSON()) : factEntries(facts);
  const ranked = [];
  for (const name of result.dependsOn) {
    if (!CANDIDATES.has(name)) continue; // "today": the as-of date
    const decides = [];
    for (const value of CANDIDATES.get(name)) {
      const tried = question(new Map([...given, [name, value]]), options);
      if (tried.answer !== "undetermined") {
        const word = tried.answer === "date" ? tried.due : tried.answer === "value" ? tried.value : tried.answer;
        decides.push({ value, answer: word });
      }
    }
    ranked.push({ fact: name, decides });
  }
  // The facts with the most deciding values first (Array.prototype.sort is stable).
  return ranked.sort((x, y) => y.decides.length - x.decides.length);
}

/**
 * evaluate() for each fact set (each may be a Facts): an iterator of the results, in order,
 * each made when asked for: nothing keeps them (Array.from() of it keeps them all), so a
 * batch costs what the loop over the question function costs. The question name and
 * options.errors are checked at the call. With options.errors === "return", a fact set that
 * is rejected (FactError) or has no answer (EvaluationError) gives
 * {error: {type, fact, problem, message}} in its place instead of throwing.
 */
export function evaluateMany(questionName, factSets, options) {
  const answer = QUESTION_FUNCTIONS.get(questionName);
  if (answer === undefined) evaluate(questionName, {}, options); // throws the RangeError
  const errors = options ? options.errors : undefined;
  if (errors !== undefined && errors !== "throw" && errors !== "return") {
    throw new RangeError(`options.errors must be "throw" or "return", not ${show(errors)}`);
  }
  return errors === "return" ? eachOrError(answer, factSets, options) : each(answer, factSets, options);
}

function* each(answer, factSets, options) {
  for (const facts of factSets) yield answer(facts, options);
}

function* eachOrError(answer, factSets, options) {
  for (const facts of factSets) {
    let result;
    try {
      result = answer(facts, options);
    } catch (error) {
      if (!(error instanceof FactError || error instanceof EvaluationError)) throw error;
      result = { error: { type: error.name, fact: error instanceof FactError ? error.fact : null,
                          problem: error.problem, message: error.message } };
    }
    yield result;
  }
}
