// The contract explorer's forms (docs/site.md): appended by clausec to the contract's
// generated evaluator in one inline module script, so `evaluate`, `askNext`, `FactError` and
// `EvaluationError` are the evaluator's own, and `SITE` (the forms' fields, the clause
// anchors, the words of answers) is defined by clausec just before, in the same block. Every
// text is put in the page as text (textContent, text nodes), never as markup.
const element = (tag, className, text) => {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
};

const valueText = (value) => {
  if (value === null || value === undefined) return "unknown";
  if (typeof value === "object" && "amount" in value && "currency" in value) {
    return `${value.amount} ${value.currency}`;
  }
  if (typeof value === "object" && "amount" in value && "unit" in value) {
    return `${value.amount} ${value.unit.replace(/_/g, " ")}`;
  }
  if (Array.isArray(value)) return value.map(valueText).join(", ");
  return String(value);
};

// A link to a clause of this page, or the number as text when it is not one of them.
const clauseLink = (number) => {
  const anchor = Object.prototype.hasOwnProperty.call(SITE.anchors, number)
    ? SITE.anchors[number]
    : null;
  if (anchor === null) return element("span", "", String(number));
  const link = element("a", "", String(number));
  link.href = `#${anchor}`;
  return link;
};

const line = (parts) => {
  const item = element("li");
  for (const part of parts) {
    item.append(typeof part === "string" ? document.createTextNode(part) : part);
  }
  return item;
};

// The facts of a form, as the evaluator takes them: only those given.
const readFacts = (question) => {
  const facts = new Map();
  for (const field of question.fields) {
    const input = document.getElementById(field.id);
    const value = input.value.trim();
    if (field.type === "event" && document.getElementById(`${field.id}-never`).checked) {
      facts.set(field.fact, "never");
      continue;
    }
    if (value === "") continue;
    if (field.type === "boolean") facts.set(field.fact, value === "true");
    else if (field.type === "money") facts.set(field.fact, `${value} ${field.currency}`);
    else if (field.type === "duration") facts.set(field.fact, `${value} ${field.unit}`);
    else facts.set(field.fact, value);
  }
  return facts;
};

const headline = (result) => {
  if (result.answer === "date") return `due ${result.due}`;
  if (result.answer === "value") return valueText(result.value);
  if (result.answer === "none" && result.kind === "amount") return "none (not permitted)";
  let words = SITE.answers[result.answer] || result.answer;
  if (result.due && (result.answer === "yes" || result.answer === "obliged")) {
    words += `, due ${result.due}`;
  }
  return words;
};

// ---------------------------------------------------------------- deadlines on a timeline

const DAY_MS = 86400000;
const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const ISO_DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
// The contract's working-day calendar, as the evaluator holds it (null: none).
const CALENDAR_DAYS = DATA.calendar === null ? null : {
  weekend: new Set(DATA.calendar.weekend),
  holidays: new Set(DATA.calendar.holidays),
  workdays: new Set(DATA.calendar.workdays),
};
const dayOf = (iso) => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;
const isoOf = (day) => new Date(day * DAY_MS).toISOString().slice(0, 10);
const isoWeekday = (day) => ((new Date(day * DAY_MS).getUTCDay() + 6) % 7) + 1;
// At most this many days before the due date are drawn.
const TIMELINE_DAYS = 42;

// What a day is: a make-up working day, a public holiday, a weekend day, or a working day.
const dayKind = (day) => {
  if (CALENDAR_DAYS === null) return isoWeekday(day) >= 6 ? "weekend" : "working";
  const iso = isoOf(day);
  if (CALENDAR_DAYS.workdays.has(iso)) return "makeup";
  if (CALENDAR_DAYS.holidays.has(iso)) return "holiday";
  return CALENDAR_DAYS.weekend.has(isoWeekday(day)) ? "weekend" : "working";
};
const KIND_WORDS = {
  makeup: "make-up working day",
  holiday: "public holiday",
  weekend: "weekend",
  working: "working day",
};

// The days from the earliest date the ground read (or two weeks before) to the due date,
// each marked with what it is and what happened on it.
const timeline = (ground) => {
  const due = dayOf(ground.deadline.due);
  const marks = new Map();
  const mark = (day, text) => marks.set(day, [...(marks.get(day) || []), text]);
  mark(due, "due");
  if (ground.deadline.moved) {
    mark(dayOf(ground.deadline.moved.from), `falls here, ${ground.deadline.moved.reason}`);
  }
  for (const [name, value] of Object.entries(ground.facts)) {
    if (typeof value === "string" && ISO_DATE.test(value)) mark(dayOf(value), name);
  }
  const earliest = Math.min(due - 14, ...[...marks.keys()].filter((d) => d <= due));
  const start = Math.max(earliest, due - TIMELINE_DAYS);
  const list = element("ol", "timeline");
  list.setAttribute("aria-label", `Days from ${isoOf(start)} to ${isoOf(due)}`);
  for (let day = start; day <= due; day++) {
    const kind = dayKind(day);
    const iso = isoOf(day);
    const cell = element("li", `day ${kind}${marks.has(day) ? " marked" : ""}`);
    cell.dataset.date = iso;
    cell.append(element("span", "weekday", WEEKDAYS[isoWeekday(day) - 1]));
    cell.append(element("span", "date", iso));
    cell.append(element("span", "kind", KIND_WORDS[kind]));
    for (const text of marks.get(day) || []) cell.append(element("span", "mark", text));
    list.append(cell);
  }
  const box = element("div", "deadline");
  if (start > earliest) {
    box.append(element("p", "", `The last ${TIMELINE_DAYS} days before the due date.`));
  }
  box.append(list);
  for (const x of ground.deadline.extended) {
    box.append(
      element("p", "extension", `extended ${x.mode} ${valueText(x.amount)} (clause ${x.clause})`),
    );
  }
  return box;
};

const render = (question, result, next, region) => {
  region.replaceChildren();
  region.append(element("p", "answer-head", headline(result)));
  region.append(element("p", "as-of", result.as_of ? `as of ${result.as_of}` : "no as-of date"));
  const because = element("ul", "grounds");
  for (const g of result.grounds) {
    const read = Object.entries(g.facts).map(([name, value]) => `${name} = ${valueText(value)}`);
    because.append(
      line(["because clause ", clauseLink(g.clause), ` (${g.modality})`,
        read.length ? `, with ${read.join(", ")}` : ""]),
    );
    if (g.deadline && g.deadline.due) {
      const item = line([`deadline: ${g.deadline.kind.replace(/_/g, " ")}, ${g.deadline.due}`]);
      if (ISO_DATE.test(g.deadline.due)) item.append(timeline(g));
      because.append(item);
    }
  }
  for (const o of result.overridden) {
    const parts = ["clause ", clauseLink(o.clause), " yields to "];
    o.by.forEach((b, i) => {
      if (i > 0) parts.push(", ");
      parts.push("clause ", clauseLink(b.clause), " (stated in ", clauseLink(b.stated_in), ")");
    });
    because.append(line(parts));
  }
  for (const r of result.reasons || []) {
    const parts = [SITE.reasons[r.status] || r.status];
    if (r.clause) parts.push(" clause ", clauseLink(r.clause));
    if (r.condition) parts.push(`: ${r.condition}`);
    if (r.date) parts.push(` on ${r.date}`);
    because.append(line(parts));
  }
  for (const p of result.presumptions || []) {
    because.append(line([`presumed ${p.fact} = ${valueText(p.value)}: ${p.reason}`]));
  }
  if (because.children.length) region.append(because);
  if (next.length) {
    region.append(element("h4", "", "What to ask next"));
    const list = element("ul", "next");
    for (const n of next) {
      const field = question.fields.find((f) => f.fact === n.fact);
      const name = element(field ? "a" : "span", "", n.fact);
      if (field) name.href = `#${field.id}`;
      const decides = n.decides.map(
      (d) => `${valueText(d.value)}: ${SITE.answers[d.answer] || valueText(d.answer)}`,
    );
      list.append(line([name, decides.length ? ` (${decides.join("; ")})` : ""]));
    }
    region.append(list);
  }
  for (const w of result.warnings || []) region.append(element("p", "warning", `warning: ${w}`));
};

for (const question of SITE.questions) {
  const form = document.getElementById(question.form);
  const region = document.getElementById(`${question.form}-answer`);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const asOf = document.getElementById(`${question.form}-as-of`).value || "today";
    const options = {
      asOf,
      presume: document.getElementById(`${question.form}-presume`).checked,
    };
    const facts = readFacts(question);
    try {
      const result = evaluate(question.name, facts, options).toDict();
      render(question, result, askNext(question.name, facts, options), region);
      // The focus goes to the answer (a keyboard user lands on it, a screen reader reads it
      // from its start), as it goes to the wrong field when there is one.
      region.tabIndex = -1;
      region.focus();
    } catch (error) {
      if (!(error instanceof FactError || error instanceof EvaluationError)) throw error;
      region.replaceChildren(element("p", "error", error.message));
      const field = question.fields.find((f) => f.fact === error.fact);
      if (field) document.getElementById(field.id).focus();
    }
  });
}
