// ---------------------------------------------------------------------------------------------
// clausec JavaScript runtime (src/clausec/backends/runtime/evaluator.js).
//
// The generic part of a module emitted by `clausec emit --target javascript`. The emitter puts
// the contract's data before this text as `const DATA = {...};` (JSON) and the per-question
// exports after it. This runtime interprets the embedded expression trees with the semantics of
// the reference interpreter (src/clausec/evaluation/interpreter.py), which it must match on
// every input: three-valued logic with dependencies, exact decimals (BigInt coefficient and
// exponent), dates as day numbers (never = +Infinity), working-day calendars from embedded
// tables, and fact checking identical to clausec/evaluation/facts.py.
//
// No dependencies; ES2020 (BigInt); runs under Node.js 20 and in browsers.
// ---------------------------------------------------------------------------------------------

const MAX_DIGITS = 40;
const DIVISION_PLACES = 18;
const EXACT_PRECISION = 200; // digits kept by + - * (Python: Context(prec=200))
const MIN_ORDINAL = 1; // 0001-01-01
const MAX_ORDINAL = 3652059; // 9999-12-31
const TODAY = "today";
const NEVER = Infinity;

// ------------------------------------------------------------------------------ errors

/** A fact that cannot be used: unknown name, wrong type, malformed value. */
export class FactError extends Error {
  constructor(fact, detail) {
    super(`fact \`${fact}\`: ${detail}`);
    this.name = "FactError";
    this.fact = fact;
    this.detail = detail;
  }
}

/** A computation that has no answer, e.g. a date beyond year 9999. */
export class EvaluationError extends Error {
  constructor(message) {
    super(message);
    this.name = "EvaluationError";
  }
}

// An error the reference interpreter does not catch (it surfaces a Python ValueError or
// OverflowError); reproduced with the same type name and message.
function pythonError(type, message) {
  const error = new Error(message);
  error.name = type;
  return error;
}

// ------------------------------------------------------------------------------ helpers

function setProp(object, key, value) {
  // Own, enumerable property even for keys such as "__proto__".
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  return object;
}

/** Python's ordering of strings (by code point). */
function compareStrings(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a.charCodeAt(i) !== b.charCodeAt(i)) {
      return a.codePointAt(i) < b.codePointAt(i) ? -1 : 1;
    }
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function codePoints(s) {
  return Array.from(s);
}

// ------------------------------------------------------------------------------ Unicode
// Python's `\d` (and int(), Decimal()) accept every Unicode decimal digit, `\s` and strip()
// every Unicode white space character, and repr() escapes the characters that are not
// printable; the emitter embeds these tables from Python's own Unicode database, so that a
// module agrees with the interpreter of the Python that emitted it.

const DIGIT_VALUE = new Map();
for (const zero of DATA.unicode.digit_zeros) {
  for (let i = 0; i < 10; i++) DIGIT_VALUE.set(String.fromCodePoint(zero + i), i);
}
const SPACES = new Set(DATA.unicode.spaces.map((c) => String.fromCodePoint(c)));

function classOf(ranges) {
  return ranges.map(([lo, hi]) => (lo === hi ? `\\u{${lo.toString(16)}}`
    : `\\u{${lo.toString(16)}}-\\u{${hi.toString(16)}}`)).join("");
}

const D = classOf(DATA.unicode.digit_zeros.map((z) => [z, z + 9]));
const S = classOf(DATA.unicode.spaces.map((c) => [c, c]));
const RE_DECIMAL = new RegExp(`^[+-]?(?:[${D}]+(?:\\.[${D}]*)?|\\.[${D}]+)$`, "u");
const RE_INTEGER = new RegExp(`^[+-]?[${D}]+$`, "u");
const RE_DATE = new RegExp(`^([${D}]{4})-([${D}]{2})-([${D}]{2})$`, "u");
const RE_MONEY = new RegExp(`^([^${S}]+)[${S}]+([A-Z]{3})$`, "u");
const RE_DURATION = new RegExp(`^([+-]?[${D}]+)[${S}]+([a-z ]+)$`, "u");
const RE_ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Digits of any script as ASCII digits (other characters unchanged). */
function asciiDigits(s) {
  let out = "";
  for (const ch of s) {
    const d = DIGIT_VALUE.get(ch);
    out += d === undefined ? ch : String(d);
  }
  return out;
}

/** Python's str.strip() without arguments. */
function pyStrip(s) {
  let start = 0;
  let end = s.length;
  while (start < end && SPACES.has(s[start])) start++;
  while (end > start && SPACES.has(s[end - 1])) end--;
  return s.slice(start, end);
}

function lstripSigns(s) {
  let i = 0;
  while (i < s.length && (s[i] === "+" || s[i] === "-")) i++;
  return s.slice(i);
}

// ------------------------------------------------------------------------------ Python repr
// Messages about rejected facts quote the value as Python's repr() does. A JavaScript number
// stands for a Python int when it is a safe integer, otherwise for a Python float.

const NON_PRINTABLE = DATA.unicode.nonprintable; // sorted [first, last] code point ranges

/** Python's str.isprintable() for one code point. */
function isPrintable(cp) {
  let lo = 0;
  let hi = NON_PRINTABLE.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [first, last] = NON_PRINTABLE[mid];
    if (cp < first) hi = mid - 1;
    else if (cp > last) lo = mid + 1;
    else return false;
  }
  return true;
}

function hex(cp, width) {
  return cp.toString(16).padStart(width, "0");
}

function reprString(s) {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0);
    if (ch === quote || ch === "\\") out += "\\" + ch;
    else if (ch === "\t") out += "\\t";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (cp < 0x20 || cp === 0x7f) out += "\\x" + hex(cp, 2);
    else if (cp < 0x7f) out += ch;
    else if (isPrintable(cp)) out += ch;
    else if (cp <= 0xff) out += "\\x" + hex(cp, 2);
    else if (cp <= 0xffff) out += "\\u" + hex(cp, 4);
    else out += "\\U" + hex(cp, 8);
  }
  return out + quote;
}

function isPythonInt(x) {
  return typeof x === "bigint" || (typeof x === "number" && Number.isSafeInteger(x));
}

/** The shortest digits of a finite, non-zero number and the position of its decimal point. */
function shortestDigits(x) {
  const [mantissa, exponent] = Math.abs(x).toExponential().split("e");
  return { digits: mantissa.replace(".", ""), point: Number(exponent) + 1 };
}

function reprFloat(x) {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const sign = x < 0 ? "-" : "";
  const { digits, point } = shortestDigits(x);
  if (point <= -4 || point > 16) {
    const e = point - 1;
    const mantissa = digits[0] + (digits.length > 1 ? "." + digits.slice(1) : "");
    return `${sign}${mantissa}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  }
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}.0`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

function repr(x) {
  if (x === null || x === undefined) return "None";
  if (x === true) return "True";
  if (x === false) return "False";
  if (typeof x === "bigint") return x.toString();
  if (typeof x === "number") return isPythonInt(x) ? String(x === 0 ? 0 : x) : reprFloat(x);
  if (typeof x === "string") return reprString(x);
  if (Array.isArray(x)) return "[" + x.map(repr).join(", ") + "]";
  if (x instanceof Map) {
    return "{" + Array.from(x, ([k, v]) => `${repr(k)}: ${repr(v)}`).join(", ") + "}";
  }
  if (typeof x === "object" && Object.getPrototypeOf(x) === Object.prototype) {
    return "{" + Object.keys(x).map((k) => `${repr(k)}: ${repr(x[k])}`).join(", ") + "}";
  }
  return String(x);
}

function show(raw) {
  const text = codePoints(repr(raw));
  return text.length <= 60 ? text.join("") : text.slice(0, 57).join("") + "...";
}

// ------------------------------------------------------------------------------ difflib
// difflib.get_close_matches(word, possibilities, n=1, cutoff=0.75), for "did you mean".

function matchingCharacters(a, b) {
  // Sum of the sizes of SequenceMatcher(None, a, b).get_matching_blocks(); a, b: code points.
  const b2j = new Map();
  b.forEach((elt, j) => {
    if (!b2j.has(elt)) b2j.set(elt, []);
    b2j.get(elt).push(j);
  });
  if (b.length >= 200) { // autojunk: drop popular elements
    const ntest = Math.floor(b.length / 100) + 1;
    for (const [elt, idxs] of Array.from(b2j)) if (idxs.length > ntest) b2j.delete(elt);
  }
  const longest = (alo, ahi, blo, bhi) => {
    let besti = alo;
    let bestj = blo;
    let bestsize = 0;
    let j2len = new Map();
    for (let i = alo; i < ahi; i++) {
      const next = new Map();
      for (const j of b2j.get(a[i]) || []) {
        if (j < blo) continue;
        if (j >= bhi) break;
        const k = (j2len.get(j - 1) || 0) + 1;
        next.set(j, k);
        if (k > bestsize) {
          besti = i - k + 1;
          bestj = j - k + 1;
          bestsize = k;
        }
      }
      j2len = next;
    }
    while (besti > alo && bestj > blo && a[besti - 1] === b[bestj - 1]) {
      besti--;
      bestj--;
      bestsize++;
    }
    while (besti + bestsize < ahi && bestj + bestsize < bhi
           && a[besti + bestsize] === b[bestj + bestsize]) bestsize++;
    return [besti, bestj, bestsize];
  };
  let total = 0;
  const queue = [[0, a.length, 0, b.length]];
  while (queue.length) {
    const [alo, ahi, blo, bhi] = queue.pop();
    const [i, j, k] = longest(alo, ahi, blo, bhi);
    if (k) {
      total += k;
      if (alo < i && blo < j) queue.push([alo, i, blo, j]);
      if (i + k < ahi && j + k < bhi) queue.push([i + k, ahi, j + k, bhi]);
    }
  }
  return total;
}

function closeMatch(word, possibilities, cutoff) {
  const b = codePoints(word);
  let best = null;
  for (const x of possibilities) {
    const a = codePoints(x);
    const length = a.length + b.length;
    const ratio = length ? (2.0 * matchingCharacters(a, b)) / length : 1.0;
    if (ratio >= cutoff && (best === null || ratio > best[0]
                            || (ratio === best[0] && compareStrings(x, best[1]) > 0))) {
      best = [ratio, x];
    }
  }
  return best === null ? null : best[1];
}

// ------------------------------------------------------------------------------ decimals
// A decimal is c * 10**e with a BigInt coefficient; integers are BigInts.

class Dec {
  constructor(c, e) {
    this.c = c;
    this.e = e;
  }
}

function pow10(n) {
  return 10n ** BigInt(n);
}

function abs(c) {
  return c < 0n ? -c : c;
}

/** Round half-even to `precision` significant digits (Python's Context rounding). */
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

function decAdd(a, b) {
  const [x, y, e] = align(a, b);
  return roundDigits(x + y, e, EXACT_PRECISION);
}

function decSub(a, b) {
  const [x, y, e] = align(a, b);
  return roundDigits(x - y, e, EXACT_PRECISION);
}

function decMul(a, b) {
  return roundDigits(a.c * b.c, a.e + b.e, EXACT_PRECISION);
}

function decCompare(a, b) {
  const [x, y] = align(toDec(a), toDec(b));
  return x < y ? -1 : x > y ? 1 : 0;
}

/** a / b rounded half-even to 18 places (values.divide); null when b is zero. */
function divide(a, b) {
  a = toDec(a);
  b = toDec(b);
  if (b.c === 0n) return null;
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

/** Plain notation without trailing zeros (values.canonical_decimal). */
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

/** A decimal from ASCII text matching [+-]?(\d+(\.\d*)?|\.\d+). */
function parseDecimal(text) {
  let sign = 1n;
  if (text[0] === "+" || text[0] === "-") {
    if (text[0] === "-") sign = -1n;
    text = text.slice(1);
  }
  const [whole, fraction = ""] = text.split(".");
  return new Dec(sign * BigInt((whole || "0") + fraction || "0"), -fraction.length);
}

// ------------------------------------------------------------------------------ dates
// Dates are Python ordinals (0001-01-01 is day 1); never is +Infinity.

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

function isoDate(ord) {
  const [y, m, d] = civil(ord);
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

function ordinalJson(key) {
  return key === Infinity ? "never" : isoDate(key);
}

function validDate(y, m, d) {
  return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

function isoWeekday(ord) {
  return ((ord + 6) % 7) + 1; // 0001-01-01 was a Monday
}

// ------------------------------------------------------------------------------ calendar

class WorkingDays {
  constructor(table) {
    this.code = table.code;
    this.weekend = new Set(table.weekend);
    this.off = new Set(table.holidays.map(parseIso));
    this.on = new Set(table.workdays.map(parseIso));
    this.firstYear = table.first_year;
    this.lastYear = table.last_year;
    this.announcedThrough = table.announced_through;
  }

  isWorkingDay(ord) {
    if (this.on.has(ord)) return true;
    return !this.weekend.has(isoWeekday(ord)) && !this.off.has(ord);
  }

  /** The count-th working day after start (before it if negative); null past the date range. */
  add(start, count) {
    const step = count >= 0 ? 1 : -1;
    let day = start;
    let left = Math.abs(count);
    while (left) {
      day += step;
      if (day < MIN_ORDINAL || day > MAX_ORDINAL) return null;
      if (this.isWorkingDay(day)) left--;
    }
    return day;
  }

  warnings(start, end) {
    const lo = civil(Math.min(start, end))[0];
    const hi = civil(Math.max(start, end))[0];
    const out = [];
    if (lo < this.firstYear || hi > this.lastYear) {
      out.push(`calendar ${this.code}: working days are known for ${this.firstYear}\u2013`
               + `${this.lastYear}; outside those years only weekends are skipped`);
    }
    if (this.announcedThrough !== null && hi > this.announcedThrough) {
      out.push(`calendar ${this.code}: official make-up working days are known through `
               + `${this.announcedThrough}; counting into ${hi} assumes none`);
    }
    return out;
  }
}

function parseIso(text) {
  const m = RE_ISO_DATE.exec(text);
  return ordinal(Number(m[1]), Number(m[2]), Number(m[3]));
}

// ------------------------------------------------------------------------------ three-valued logic

class Unknown {
  constructor(deps) {
    this.deps = deps; // Set of fact names (and "today")
  }
}

function deps(...values) {
  const out = new Set();
  for (const v of values) if (v instanceof Unknown) for (const d of v.deps) out.add(d);
  return out;
}

function kAnd(a, b) {
  if (a === false || b === false) return false;
  if (a === true) return b;
  if (b === true) return a;
  return new Unknown(deps(a, b));
}

function kOr(a, b) {
  if (a === true || b === true) return true;
  if (a === false) return b;
  if (b === false) return a;
  return new Unknown(deps(a, b));
}

function kNot(a) {
  return a instanceof Unknown ? a : !a;
}

function kAll(values) {
  let result = true;
  for (const v of values) result = kAnd(result, v);
  return result;
}

function kAny(values) {
  let result = false;
  for (const v of values) result = kOr(result, v);
  return result;
}

// ------------------------------------------------------------------------------ the contract

const UNIT_SIZE = { days: 1n, weeks: 7n, working_days: 1n, months: 1n, years: 12n };
const DURATION_UNITS = new Map([
  ["day", ["days", 1n]], ["days", ["days", 1n]], ["week", ["days", 7n]], ["weeks", ["days", 7n]],
  ["working day", ["working_days", 1n]], ["working days", ["working_days", 1n]],
  ["month", ["months", 1n]], ["months", ["months", 1n]], ["year", ["months", 12n]],
  ["years", ["months", 12n]],
]);

/** An embedded constant (as written by the emitter) as a runtime value. */
function constant(type, value) {
  switch (type.kind) {
    case "integer":
    case "duration":
      return BigInt(value);
    case "decimal":
    case "money":
      return parseDecimal(value);
    case "date":
      return value === "never" ? NEVER : parseIso(value);
    default:
      return value; // boolean, text, enumeration member
  }
}

function decodeExpr(e) {
  if (e === null) return null;
  switch (e.node) {
    case "const":
      return { ...e, value: constant(e.type, e.value) };
    case "unary":
    case "occurred":
      return { ...e, operand: decodeExpr(e.operand) };
    case "binary":
      return { ...e, left: decodeExpr(e.left), right: decodeExpr(e.right) };
    case "extremum":
      return { ...e, args: e.args.map(decodeExpr) };
    default:
      return e;
  }
}

const FACT_LIST = DATA.facts;
const FACT_BY_NAME = new Map(FACT_LIST.map((f) => [f.name, f]));
const FACT_NAMES_SORTED = FACT_LIST.map((f) => f.name).sort(compareStrings);
const DEFINITIONS = new Map(DATA.definitions.map((d) => [d.name, decodeExpr(d.expr)]));
const NORM_LIST = DATA.norms.map((n) => ({
  ...n,
  condition: decodeExpr(n.condition),
  exceptions: n.exceptions.map(decodeExpr),
  breach: decodeExpr(n.breach),
  deadline: n.deadline === null ? null : {
    ...n.deadline, duration: decodeExpr(n.deadline.duration), anchor: decodeExpr(n.deadline.anchor),
  },
  extensions: n.extensions.map((x) => ({
    ...x, amount: decodeExpr(x.amount), condition: decodeExpr(x.condition),
  })),
}));
const NORMS = new Map(NORM_LIST.map((n) => [n.id, n]));
const CLAUSES = new Map();
for (const c of DATA.clauses) if (!CLAUSES.has(c.number)) CLAUSES.set(c.number, c);
const HIGHER = new Map(); // lower norm id -> priorities over it, in order
for (const p of DATA.priorities) {
  if (NORMS.has(p.higher) && NORMS.has(p.lower)) {
    if (!HIGHER.has(p.lower)) HIGHER.set(p.lower, []);
    HIGHER.get(p.lower).push(p);
  }
}
const DEADLINE_EXTENSIONS = DATA.deadline_extensions.map((x) => ({
  amount: decodeExpr(x.amount), condition: decodeExpr(x.condition),
}));
const QUESTION_LIST = DATA.questions.map((q) => ({ ...q, expr: decodeExpr(q.expr) }));
const QUESTION_BY_NAME = new Map(QUESTION_LIST.map((q) => [q.name, q]));
const CALENDAR = DATA.calendar === null ? null : new WorkingDays(DATA.calendar);

// ------------------------------------------------------------------------------ reading facts

function describe(fact) {
  const t = fact.type;
  switch (t.kind) {
    case "money":
      return `an amount of money in ${t.currency} (a number, or e.g. "100.50 ${t.currency}")`;
    case "duration": {
      const unit = t.unit_class.split("_").join(" ");
      return `a duration in ${unit} (a whole number of ${unit}, or e.g. "3 ${unit}")`;
    }
    case "date":
      return "a date (YYYY-MM-DD)" + (fact.kind === "event" ? " or never" : "");
    case "enum":
      return `one of ${t.members.join(", ")}`;
    default:
      return { boolean: "true or false", integer: "a whole number", decimal: "a decimal number",
               text: "a text" }[t.kind];
  }
}

function readInteger(raw) {
  if (typeof raw === "bigint") return abs(raw).toString().length <= MAX_DIGITS ? raw : null;
  if (typeof raw === "number") return Number.isSafeInteger(raw) ? BigInt(raw) : null;
  if (typeof raw === "string" && RE_INTEGER.test(raw) && codePoints(lstripSigns(raw)).length <= MAX_DIGITS) {
    return BigInt(asciiDigits(raw).replace(/^\+/, ""));
  }
  return null;
}

function readDecimal(raw) {
  if (typeof raw === "bigint") return abs(raw).toString().length <= MAX_DIGITS ? new Dec(raw, 0) : null;
  if (typeof raw === "number") {
    if (Number.isSafeInteger(raw)) return new Dec(BigInt(raw), 0);
    if (!Number.isFinite(raw)) return null;
    raw = reprFloat(raw);
    if (raw.includes("e")) { // Python: format(Decimal(repr(raw)), "f")
      const { digits, point } = shortestDigits(Number(raw));
      const sign = raw[0] === "-" ? "-" : "";
      raw = point <= 0 ? `${sign}0.${"0".repeat(-point)}${digits}`
        : point >= digits.length ? `${sign}${digits}${"0".repeat(point - digits.length)}`
          : `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
    }
  }
  if (typeof raw === "string" && RE_DECIMAL.test(raw)) {
    const digits = codePoints(lstripSigns(raw)).filter((ch) => ch !== ".");
    if (digits.length > MAX_DIGITS) return null;
    return parseDecimal(asciiDigits(raw));
  }
  return null;
}

function readValue(fact, raw) {
  if (raw === null || raw === undefined) return undefined;
  const t = fact.type;
  const name = fact.name;
  const expected = `expected ${describe(fact)}`;
  const reject = () => new FactError(name, `${expected}, got ${show(raw)}`);
  switch (t.kind) {
    case "boolean":
      if (typeof raw === "boolean") return raw;
      if (raw === "true" || raw === "false") return raw === "true";
      throw reject();
    case "integer": {
      const value = readInteger(raw);
      if (value === null) throw reject();
      return value;
    }
    case "decimal":
    case "money": {
      let text = raw;
      if (t.kind === "money" && typeof raw === "string") {
        const m = RE_MONEY.exec(pyStrip(raw));
        if (m) {
          if (m[2] !== t.currency) throw new FactError(name, `${expected}, got an amount in ${m[2]}`);
          text = m[1];
        }
      }
      const number = readDecimal(text);
      if (number === null) throw reject();
      return number;
    }
    case "date": {
      if (raw === "never") {
        if (fact.kind === "event") return NEVER;
        throw new FactError(name, `${expected}; \`never\` is only for events`);
      }
      if (typeof raw === "string") {
        const m = RE_DATE.exec(raw);
        if (m) {
          const [y, mo, d] = [m[1], m[2], m[3]].map((x) => Number(asciiDigits(x)));
          if (!validDate(y, mo, d)) throw new FactError(name, `${reprString(raw)} is not a valid date`);
          return ordinal(y, mo, d);
        }
      }
      throw reject();
    }
    case "duration": {
      const value = readInteger(raw);
      if (value !== null) return value;
      if (typeof raw === "string") {
        const m = RE_DURATION.exec(pyStrip(raw));
        const unit = m ? DURATION_UNITS.get(m[2].replace(/^ +| +$/g, "")) : undefined;
        if (m && unit && codePoints(lstripSigns(m[1])).length <= MAX_DIGITS) {
          if (unit[0] !== t.unit_class) {
            throw new FactError(name, `${expected}, got a duration in ${unit[0].split("_").join(" ")}`);
          }
          return BigInt(asciiDigits(m[1]).replace(/^\+/, "")) * unit[1];
        }
      }
      throw reject();
    }
    case "text":
      if (typeof raw === "string") return raw;
      throw reject();
    case "enum":
      if (typeof raw === "string" && t.members.includes(raw)) return raw;
      throw reject();
    default:
      throw new Error(`unknown type ${t.kind}`);
  }
}

function pythonTypeName(x) {
  if (x === null) return "NoneType";
  if (Array.isArray(x)) return "list";
  if (typeof x === "number") return isPythonInt(x) ? "int" : "float";
  return { string: "str", boolean: "bool", bigint: "int" }[typeof x] || typeof x;
}

function factEntries(raw) {
  if (raw === undefined) return []; // facts left out: all unknown
  if (raw instanceof Map) return Array.from(raw);
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new FactError("<facts>", "facts must be a mapping of fact names to values, got "
                                   + pythonTypeName(raw));
  }
  return Object.keys(raw).map((k) => [k, raw[k]]);
}

/** Check every given fact (read_facts); null and undefined mean unknown and are left out.
 * `given`, if passed, receives the raw value of each fact kept (for Facts). */
function readFacts(raw, given) {
  const entries = factEntries(raw);
  for (const [name] of entries) {
    if (typeof name !== "string") throw new FactError(repr(name), "fact names are strings");
  }
  entries.sort((x, y) => compareStrings(x[0], y[0]));
  const out = new Map();
  for (const [name, value] of entries) {
    const fact = FACT_BY_NAME.get(name);
    if (fact === undefined) {
      const close = closeMatch(name, FACT_NAMES_SORTED, 0.75);
      throw new FactError(name, `no such fact in contract \`${DATA.contract.id}\``
                                + (close === null ? "" : ` (did you mean \`${close}\`?)`));
    }
    const v = readValue(fact, value);
    if (v !== undefined) {
      out.set(name, v);
      if (given !== undefined) given.set(name, value);
    }
  }
  return out;
}

// Facts (below) keep their state here: ES2020 has no private fields, and a WeakMap entry can
// neither be changed from outside nor forged, so only the Facts this module made are found.
const PREPARED = new WeakMap(); // Facts -> {values: name -> runtime value, given: name -> raw}
// Every module's Facts.prototype carries this brand (its contract's id): a Facts of another
// module must be refused, not read as a plain object without keys (no facts at all).
const FACTS_BRAND = Symbol.for("clausec.Facts");

/** The checked values of what `raw` holds: those of a Facts of this module as they are, those
 * of anything else through readFacts. */
function factValues(raw) {
  const prepared = preparedOf(raw);
  return prepared === undefined ? readFacts(raw) : prepared.values;
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
  throw new FactError("<facts>", raw instanceof Facts
    ? "a Facts must be made with `new Facts(facts)`"
    : String(brand) === id
      ? `a Facts made by another module of contract \`${id}\`; make it with this module's Facts`
      : `a Facts made by the module of contract \`${String(brand)}\` cannot be used with `
        + `contract \`${id}\`; make it with this module's Facts`);
}

function readAsOf(options) {
  const asOf = options ? options.asOf : undefined;
  if (asOf === null || asOf === undefined) return null;
  const m = typeof asOf === "string" ? RE_ISO_DATE.exec(asOf) : null;
  if (m && validDate(Number(m[1]), Number(m[2]), Number(m[3]))) {
    return ordinal(Number(m[1]), Number(m[2]), Number(m[3]));
  }
  throw new RangeError(`asOf: expected a date YYYY-MM-DD, got ${String(asOf)}`);
}

// ------------------------------------------------------------------------------ values out

function jsonInteger(v) {
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

/** A runtime value in the output format of results (values.to_json). */
function toJson(v, t) {
  if (t.kind === "date") return v === NEVER ? "never" : isoDate(v);
  if (t.kind === "money") return { amount: canonicalDecimal(v), currency: t.currency };
  if (t.kind === "decimal") return canonicalDecimal(v);
  if (t.kind === "duration") {
    if (typeof v === "number") return { amount: v > 0 ? "infinite" : "-infinite", unit: t.unit_class };
    return { amount: jsonInteger(v), unit: t.unit_class };
  }
  if (t.kind === "integer") return jsonInteger(v);
  return v;
}

const COMPARISONS = new Set(["=", "!=", "<", "<=", ">", ">="]);

function compare(op, a, b) {
  let c;
  if (a instanceof Dec || b instanceof Dec) c = decCompare(a, b);
  else if (typeof a === "boolean" || typeof a === "string") c = a === b ? 0 : null;
  else c = a < b ? -1 : a > b ? 1 : 0; // BigInt and Number compare exactly, also mixed
  switch (op) {
    case "=": return c === 0;
    case "!=": return c !== 0;
    case "<": return c < 0;
    case "<=": return c <= 0;
    case ">": return c > 0;
    default: return c >= 0;
  }
}

function arithmetic(op, a, b, t) {
  if (t.kind === "duration") {
    if (typeof a === "bigint" && typeof b === "bigint") {
      return op === "+" ? a + b : op === "-" ? a - b : a * b;
    }
    const x = Number(a);
    const y = Number(b);
    const result = op === "+" ? x + y : op === "-" ? x - y : x * y;
    return Number.isNaN(result) ? new Unknown(new Set()) : result;
  }
  if (t.kind === "integer") return op === "+" ? a + b : op === "-" ? a - b : a * b;
  const x = toDec(a);
  const y = toDec(b);
  return op === "+" ? decAdd(x, y) : op === "-" ? decSub(x, y) : decMul(x, y);
}

function negate(v) {
  if (v instanceof Dec) { // EXACT.minus: rounded to 200 digits like + - *
    const r = roundDigits(v.c, v.e, EXACT_PRECISION);
    return new Dec(-r.c, r.e);
  }
  return -v;
}

// A deadline key [rank, day, text], ordered by strictness: immediately, dates, without undue
// delay, a frequency, none.
const NO_DEADLINE = [4, 0, "none"];

function compareKeys(x, y) {
  if (x[0] !== y[0]) return x[0] < y[0] ? -1 : 1;
  if (x[1] !== y[1]) return x[1] < y[1] ? -1 : 1;
  return compareStrings(x[2], y[2]);
}

function monthlyBeyond(sortedDays) {
  return `the monthly deadline (day ${sortedDays.join(", ")}) has no date left before 9999-12-31`;
}

/** The first date on or after start on one of `days` of its month (clipped to month ends). */
function nextMonthlyDay(start, days) {
  let [year, month] = civil(start);
  const sorted = [...days].sort((x, y) => x - y);
  for (;;) {
    const last = daysInMonth(year, month);
    for (const day of sorted) {
      const candidate = ordinal(year, month, Math.min(day, last));
      if (candidate >= start) return candidate;
    }
    if (month === 12 && year === 9999) throw new EvaluationError(monthlyBeyond(sorted));
    if (month === 12) {
      year += 1;
      month = 1;
    } else {
      month += 1;
    }
  }
}

// ------------------------------------------------------------------------------ evaluation

class Evaluation {
  constructor(facts, asOf) {
    this.facts = facts;
    this.asOf = asOf;
    this.warnings = new Set();
    this.defs = new Map();
    this.appliesMemo = new Map();
    this.dueMemo = new Map();
  }

  expr(e) {
    switch (e.node) {
      case "const":
        return e.value;
      case "fact":
        return this.facts.has(e.name) ? this.facts.get(e.name) : new Unknown(new Set([e.name]));
      case "definition":
        if (!this.defs.has(e.name)) this.defs.set(e.name, this.expr(DEFINITIONS.get(e.name)));
        return this.defs.get(e.name);
      case "today":
        return this.asOf !== null ? this.asOf : new Unknown(new Set([TODAY]));
      case "unary": {
        const v = this.expr(e.operand);
        if (e.op === "not") return kNot(v);
        return v instanceof Unknown ? v : negate(v);
      }
      case "binary": {
        if (e.op === "and") { // left to right, stopping at a false left side
          const left = this.expr(e.left);
          return left === false ? false : kAnd(left, this.expr(e.right));
        }
        if (e.op === "or") {
          const left = this.expr(e.left);
          return left === true ? true : kOr(left, this.expr(e.right));
        }
        const left = this.expr(e.left);
        const right = this.expr(e.right);
        if (left instanceof Unknown || right instanceof Unknown) return new Unknown(deps(left, right));
        return this.binary(e, left, right);
      }
      case "occurred":
        return this.occurred(this.expr(e.operand));
      case "extremum": {
        const args = e.args.map((a) => this.expr(a));
        if (args.some((a) => a instanceof Unknown)) return new Unknown(deps(...args));
        return e.kind === "earliest" ? Math.min(...args) : Math.max(...args);
      }
      default:
        throw new Error(`unknown expression ${e.node}`);
    }
  }

  occurred(v) {
    if (v instanceof Unknown) return v;
    if (v === NEVER) return false;
    return this.asOf === null || v <= this.asOf;
  }

  binary(e, a, b) {
    const op = e.op;
    const lt = e.left.type;
    const rt = e.right.type;
    if (COMPARISONS.has(op)) return compare(op, a, b);
    if (lt.kind === "date" || rt.kind === "date") return this.dateArithmetic(op, a, b, lt, rt);
    if (op === "/") {
      const q = divide(a, b);
      return q !== null ? q : new Unknown(new Set());
    }
    return arithmetic(op, a, b, e.type);
  }

  dateArithmetic(op, a, b, lt, rt) {
    if (lt.kind === "date" && rt.kind === "date") { // days between
      if (a === NEVER && b === NEVER) return new Unknown(new Set());
      if (a === NEVER) return Infinity;
      if (b === NEVER) return -Infinity;
      return BigInt(a - b);
    }
    if (rt.kind === "date") [a, b, lt, rt] = [b, a, rt, lt]; // duration + date
    if (a === NEVER) return NEVER;
    if (typeof b === "number") { // an infinite duration
      return (b > 0) === (op === "+") ? NEVER : new Unknown(new Set());
    }
    return this.shift(a, op === "+" ? b : -b, rt.unit_class);
  }

  /** day moved by amount (a BigInt) days, working days or months. */
  shift(day, amount, unitClass) {
    const fail = () => new EvaluationError(
      `${isoDate(day)} moved by ${amount} ${unitClass.split("_").join(" ")} is not a date between `
      + "0001-01-01 and 9999-12-31");
    if (unitClass === "days") {
      const result = BigInt(day) + amount;
      if (result < BigInt(MIN_ORDINAL) || result > BigInt(MAX_ORDINAL)) throw fail();
      return Number(result);
    }
    if (unitClass === "months") {
      if (abs(amount) > 120000n) throw fail();
      const n = Number(amount);
      const sign = n < 0 ? -1 : 1;
      let months = (Math.abs(n) % 12) * sign;
      const years = Math.floor(Math.abs(n) / 12) * sign;
      let [year, month, d] = civil(day);
      year += years;
      month += months;
      if (month > 12) {
        year += 1;
        month -= 12;
      } else if (month < 1) {
        year -= 1;
        month += 12;
      }
      if (year < 1 || year > 9999) throw fail();
      return ordinal(year, month, Math.min(d, daysInMonth(year, month)));
    }
    if (CALENDAR === null) throw new EvaluationError("working days need a calendar in the contract header");
    if (abs(amount) > 3660000n) throw fail();
    const result = CALENDAR.add(day, Number(amount));
    if (result === null) throw fail();
    for (const w of CALENDAR.warnings(day, result)) this.warnings.add(w);
    return result;
  }

  // ---------------------------------------------------------- norms

  applies(norm) {
    if (!this.appliesMemo.has(norm.id)) {
      // Left to right, stopping as soon as the answer is false.
      let result = this.expr(norm.condition);
      for (const x of norm.exceptions) {
        if (result === false) break;
        result = kAnd(result, kNot(this.expr(x)));
      }
      if (norm.remedy_of !== null && result !== false) {
        result = kAnd(result, this.breached(this.norm(norm.remedy_of)));
      }
      this.appliesMemo.set(norm.id, result);
    }
    return this.appliesMemo.get(norm.id);
  }

  norm(id) {
    const n = NORMS.get(id);
    if (n === undefined) throw pythonError("KeyError", `'${id}'`);
    return n;
  }

  breached(duty) {
    const applies = this.applies(duty);
    if (duty.breach !== null) return kAnd(applies, this.expr(duty.breach));
    if (duty.modality === "permission" || duty.modality === "power") return false;
    if (duty.performed_on === null) return kAnd(applies, new Unknown(new Set()));
    const performed = this.facts.has(duty.performed_on) ? this.facts.get(duty.performed_on)
      : new Unknown(new Set([duty.performed_on]));
    if (duty.modality === "prohibition") return kAnd(applies, this.occurred(performed));
    const due = this.due(duty);
    if (due instanceof Unknown) return kAnd(applies, new Unknown(deps(due, performed)));
    if (due[0] !== 1) return kAnd(applies, kNot(this.occurred(performed)));
    const late = performed instanceof Unknown ? new Unknown(deps(performed)) : performed > due[1];
    const passed = this.asOf === null ? true : this.asOf > due[1];
    return kAll([applies, late, passed]);
  }

  overriders(norm) {
    return (HIGHER.get(norm.id) || []).map((p) => [p, this.applies(this.norm(p.higher))]);
  }

  effective(norm) {
    return kAnd(this.applies(norm), kNot(kAny(this.overriders(norm).map(([, a]) => a))));
  }

  due(norm) {
    if (!this.dueMemo.has(norm.id)) this.dueMemo.set(norm.id, this.computeDue(norm));
    return this.dueMemo.get(norm.id);
  }

  computeDue(norm) {
    const d = norm.deadline;
    if (d === null) return NO_DEADLINE;
    if (d.kind === "immediately") return [0, 0, "immediately"];
    if (d.kind === "without_undue_delay") return [2, 0, "without_undue_delay"];
    if (d.kind === "at_least_once_every") {
      return [3, 0, `at least once every ${(d.unit || "").split("_").join(" ")}`];
    }
    if (d.kind === "monthly") return this.monthly(d);
    const anchor = this.expr(d.anchor);
    let duration = 0n;
    let unit = "days";
    if (d.duration !== null) {
      duration = this.expr(d.duration);
      unit = d.duration.type.unit_class;
    }
    if (anchor instanceof Unknown) return anchor;
    if (duration instanceof Unknown) return duration;
    let date;
    if (d.kind === "within") date = this.move(anchor, duration, unit);
    else if (d.kind === "at_least_before") date = this.move(anchor, -duration, unit);
    else if (d.kind === "before") date = this.move(anchor, -1n, "days");
    else date = anchor; // by, until
    const extensions = norm.extensions.map((x) => [x.mode, x.amount, x.condition]);
    if (["within", "before", "by", "until"].includes(d.kind)) {
      for (const x of DEADLINE_EXTENSIONS) extensions.push(["by", x.amount, x.condition]);
    }
    for (const [mode, amountExpr, condition] of extensions) {
      const holds = condition !== null ? this.expr(condition) : true;
      const amount = this.expr(amountExpr);
      if (holds instanceof Unknown) return holds;
      if (!holds) continue;
      if (amount instanceof Unknown) return amount;
      if (mode === "by") date = this.move(date, amount, amountExpr.type.unit_class);
      else if (d.kind === "within") date = this.move(anchor, amount, amountExpr.type.unit_class);
    }
    if (date instanceof Unknown) return date;
    return [1, date, "date"];
  }

  /** A deadline date moved; never stays never, and an infinite amount gives never (forwards)
   * or no date (backwards), as in date arithmetic. */
  move(day, amount, unit) {
    if (day instanceof Unknown || day === NEVER) return day;
    if (typeof amount === "number") return amount > 0 ? NEVER : new Unknown(new Set());
    return this.shift(day, amount, unit);
  }

  monthly(d) {
    let start;
    if (d.anchor !== null) {
      start = this.expr(d.anchor);
      if (start instanceof Unknown) return start;
      if (start === NEVER) return [1, Infinity, "date"];
      if (start + 1 > MAX_ORDINAL) {
        throw new EvaluationError(monthlyBeyond([...d.days].sort((x, y) => x - y)));
      }
      start += 1; // strictly after the event
    } else if (this.asOf !== null) {
      start = this.asOf;
    } else {
      return new Unknown(new Set([TODAY]));
    }
    return [1, nextMonthlyDay(start, d.days), "date"];
  }

  // ---------------------------------------------------------- answers

  /** Evaluate, in the interpreter's fixed order, what any answer to q may read: the
   * definitions the relevant norms (or the value expression) use, then whether each relevant
   * norm applies (the lists are computed by the emitter with the interpreter's functions). */
  prepare(q) {
    for (const name of q.prepare.definitions) {
      if (!this.defs.has(name)) this.defs.set(name, this.expr(DEFINITIONS.get(name)));
    }
    for (const id of q.prepare.norms) this.applies(NORMS.get(id));
  }

  answer(q) {
    const norms = q.norm_ids.filter((id) => NORMS.has(id)).map((id) => NORMS.get(id));
    this.prepare(q);
    if (q.kind === "value") {
      const value = this.expr(q.expr);
      if (value instanceof Unknown) return this.result(q, "undetermined", { dependsOn: value.deps });
      return this.result(q, "value", { value: toJson(value, q.expr.type) });
    }
    if (q.kind === "deadline") return this.deadlineAnswer(q, norms);
    if (q.kind === "may") {
      const against = norms.filter((n) => n.modality === "prohibition");
      const forNorms = norms.filter((n) => n.modality !== "prohibition");
      const permitted = kAny(forNorms.map((n) => this.effective(n)));
      const prohibited = kAny(against.map((n) => this.effective(n)));
      const verdict = kAnd(permitted, kNot(prohibited));
      if (verdict instanceof Unknown) {
        return this.result(q, "undetermined", { norms, dependsOn: verdict.deps });
      }
      const grounds = verdict ? forNorms : prohibited === true ? against : [];
      return this.result(q, verdict ? "yes" : "no", {
        norms, grounds: grounds.filter((n) => this.effective(n) === true),
      });
    }
    const duties = norms.filter((n) => n.modality === "obligation");
    const obliged = kAny(duties.map((n) => this.effective(n)));
    if (obliged instanceof Unknown) {
      return this.result(q, "undetermined", { norms, dependsOn: obliged.deps });
    }
    const grounds = duties.filter((n) => this.effective(n) === true);
    return this.result(q, obliged ? "obliged" : "not_obliged", { norms, grounds });
  }

  deadlineAnswer(q, norms) {
    const known = [];
    const pending = [];
    for (const n of norms) {
      const eff = this.effective(n);
      if (eff === false) continue;
      const due = this.due(n);
      if (eff === true && !(due instanceof Unknown)) known.push([due, n]);
      else pending.push([due, eff]);
    }
    let best = null;
    for (const [k] of known) if (best === null || compareKeys(k, best) < 0) best = k;
    const open = pending.filter(([due]) => best === null || due instanceof Unknown
                                           || compareKeys(due, best) < 0);
    if (open.length) {
      return this.result(q, "undetermined", { norms, dependsOn: deps(...open.flat()) });
    }
    const groundsAt = (key) => known.filter(([k]) => compareKeys(k, key) === 0).map(([, n]) => n);
    if (best === null || compareKeys(best, NO_DEADLINE) === 0) {
      return this.result(q, "none", { norms, grounds: best === null ? [] : groundsAt(best) });
    }
    const answer = { 0: "immediately", 1: "date", 2: "without_undue_delay", 3: "none" }[best[0]];
    return this.result(q, answer, { norms, grounds: groundsAt(best) });
  }

  result(q, answer, { norms = [], grounds = [], dependsOn = [], value = null } = {}) {
    const groundIds = new Set(grounds.map((n) => n.id));
    const due = this.earliestDue(grounds);
    const groundList = grounds.map((n) => this.ground(n));
    const overridden = this.overridden(norms, groundIds);
    return new Result({
      contract: DATA.contract.id, question: q.name, kind: q.kind, answer, value, due,
      grounds: groundList, overridden,
      dependsOn: Array.from(new Set(dependsOn)).sort(compareStrings),
      warnings: Array.from(this.warnings).sort(compareStrings),
    });
  }

  earliestDue(grounds) {
    let best = null;
    for (const n of grounds) {
      const k = this.due(n);
      if (!(k instanceof Unknown) && k[0] === 1 && (best === null || k[1] < best)) best = k[1];
    }
    return best === null ? null : ordinalJson(best);
  }

  ground(n) {
    const clause = CLAUSES.get(n.clause);
    if (clause === undefined) throw pythonError("KeyError", `'${n.clause}'`);
    const due = this.due(n);
    let deadline = null;
    if (n.deadline !== null && !(due instanceof Unknown)) {
      deadline = { kind: n.deadline.kind, due: due[0] === 1 ? ordinalJson(due[1]) : null };
    }
    const facts = {};
    for (const name of n.facts) {
      if (this.facts.has(name)) setProp(facts, name, toJson(this.facts.get(name), FACT_BY_NAME.get(name).type));
    }
    return { norm: n.id, clause: n.clause, modality: n.modality, quote: clause.quote,
             gloss: clause.gloss, facts, deadline };
  }

  /** Norms that apply but yield: the question's own, and those a ground prevails over. */
  overridden(norms, grounds) {
    const mine = new Set(norms.map((n) => n.id));
    const belowGrounds = new Set(DATA.priorities.filter((p) => grounds.has(p.higher)).map((p) => p.lower));
    const out = [];
    for (const n of NORM_LIST) {
      if ((!mine.has(n.id) && !belowGrounds.has(n.id)) || this.applies(n) !== true) continue;
      const by = (HIGHER.get(n.id) || [])
        .filter((p) => (mine.has(n.id) || grounds.has(p.higher)) && this.applies(this.norm(p.higher)) === true)
        .map((p) => ({ norm: p.higher, clause: NORMS.get(p.higher).clause, statedIn: p.stated_in }));
      if (by.length) out.push({ norm: n.id, clause: n.clause, by });
    }
    return out;
  }
}

// ------------------------------------------------------------------------------ results

/** The answer to one question for one fact set; toDict() is the interpreter's to_dict(). */
export class Result {
  constructor(fields) {
    this.contract = fields.contract;
    this.question = fields.question;
    this.kind = fields.kind;
    this.answer = fields.answer;
    this.value = fields.value;
    this.due = fields.due;
    this.grounds = fields.grounds;
    this.overridden = fields.overridden;
    this.dependsOn = fields.dependsOn;
    this.warnings = fields.warnings;
  }

  toDict() {
    return {
      contract: this.contract,
      question: this.question,
      kind: this.kind,
      answer: this.answer,
      value: copyJson(this.value),
      due: this.due,
      grounds: this.grounds.map((g) => ({
        norm: g.norm, clause: g.clause, modality: g.modality, quote: g.quote, gloss: g.gloss,
        facts: copyJson(g.facts),
        deadline: g.deadline === null ? null : { kind: g.deadline.kind, due: g.deadline.due },
      })),
      overridden: this.overridden.map((o) => ({
        norm: o.norm, clause: o.clause,
        by: o.by.map((b) => ({ norm: b.norm, clause: b.clause, stated_in: b.statedIn })),
      })),
      depends_on: [...this.dependsOn],
      warnings: [...this.warnings],
    };
  }
}

function copyJson(v) {
  if (Array.isArray(v)) return v.map(copyJson);
  if (v !== null && typeof v === "object") {
    const out = {};
    for (const k of Object.keys(v)) setProp(out, k, copyJson(v[k]));
    return out;
  }
  return v;
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

/** The questions of the contract: {name, kind, description}. */
export const QUESTIONS = deepFreeze(DATA.questions.map((q) => ({
  name: q.name, kind: q.kind, description: q.description,
})));

/** The facts and events the questions read: {name, type, kind, description}. */
export const FACTS = deepFreeze(DATA.facts.map((f) => ({
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
      prepared = { values: readFacts(facts, given), given };
    }
    PREPARED.set(this, prepared); // never changed: evaluation only reads, and no Map leaves
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
 * undefined means unknown; or a Facts). options.asOf: "YYYY-MM-DD" or undefined. Throws
 * FactError for a fact that cannot be used and EvaluationError for a computation without an
 * answer.
 */
export function evaluate(questionName, facts, options) {
  const q = QUESTION_BY_NAME.get(questionName);
  if (q === undefined) {
    throw new RangeError(`no question \`${questionName}\` in contract \`${DATA.contract.id}\``);
  }
  const asOf = readAsOf(options);
  return new Evaluation(factValues(facts), asOf).answer(q);
}

/**
 * evaluate() for each fact set (each may be a Facts). With options.errors === "return", a fact
 * set that is rejected (FactError) or has no answer (EvaluationError) gives
 * {error: {type, fact, message}} in its place instead of throwing.
 */
export function evaluateMany(questionName, factSets, options) {
  const returnErrors = options !== undefined && options !== null && options.errors === "return";
  const out = [];
  for (const facts of factSets) {
    try {
      out.push(evaluate(questionName, facts, options));
    } catch (error) {
      if (!returnErrors || !(error instanceof FactError || error instanceof EvaluationError)) throw error;
      out.push({ error: { type: error.name, fact: error instanceof FactError ? error.fact : null,
                          message: error.message } });
    }
  }
  return out;
}
