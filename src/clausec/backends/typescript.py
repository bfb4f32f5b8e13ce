"""TypeScript declarations of the ES modules the JavaScript back end writes (``NAME.d.mts``
beside ``NAME.mjs``, where TypeScript looks for them).

A printer of the contract's interface (:mod:`clausec.ir.interface`): the facts the questions
read, with the values ``readValue`` accepts for each; per question its kind, answers and the
type of its value; results and the module's other exports. Every text reaches the output
through the JavaScript back end's :func:`~clausec.backends.javascript.js_str` (a JSON string
is a TypeScript string literal) and every exported name through its
:func:`~clausec.backends.javascript.question_exports`."""

from __future__ import annotations

from clausec.backends.javascript import comment_text, js_str, question_exports
from clausec.ir import nodes as ir
from clausec.ir import types as T
from clausec.ir.interface import ContractInterface, FactInterface, interface

# The parts that are the same for every contract; the contract's own names follow them.
_COMMON = """\
/** Money as the clause language writes it ("100.50 CUR") or as results give it. */
export type MoneyInput<C extends string> = `${string} ${C}` | { amount: string; currency: C };
export interface MoneyOutput<C extends string> {
  amount: string;
  currency: C;
}
export interface DurationOutput<U extends string> {
  amount: number | bigint | "infinite" | "-infinite";
  unit: U;
}

/** options.asOf: "YYYY-MM-DD", "today" (the default) or null (no date); presume: false to
 * use no presumption. */
export interface Options {
  asOf?: string | null;
  presume?: boolean;
}
export interface ManyOptions extends Options {
  /** "return": a rejected fact set gives a BatchError in its place instead of throwing. */
  errors?: "throw" | "return";
}
/** What a question reads: the facts (null or left out: unknown), a Facts, or a Map. */
export type FactInput = FactValues | Facts | ReadonlyMap<string, unknown>;

export interface BatchError {
  error: {
    type: "FactError" | "EvaluationError";
    fact: string | null;
    problem: string;
    message: string;
  };
}
export interface Yield {
  norm: string;
  clause: string;
  statedIn: string;
}
export interface Overridden {
  norm: string;
  clause: string;
  by: Yield[];
}
export interface Extension {
  clause: string;
  mode: string;
  amount: DurationOutput<string>;
  facts: Partial<FactOutputs>;
}
export interface Ground {
  norm: string;
  clause: string;
  modality: string;
  quote: string;
  gloss: string | null;
  facts: Partial<FactOutputs>;
  deadline: {
    kind: string;
    due: string | null;
    extended: Extension[];
    moved: { from: string; reason: string } | null;
  } | null;
  amount: { kind: string; value: unknown } | null;
  forms: string[];
}
export interface Reason {
  status: string;
  norm: string | null;
  clause: string | null;
  modality: string | null;
  quote: string | null;
  condition: string | null;
  facts: Partial<FactOutputs>;
  by: Yield[];
  duty: string | null;
  date: string | null;
}
export interface Presumption {
  fact: FactName;
  value: unknown;
  reason: string;
  restsOn: string[];
}
export interface YieldDict {
  norm: string;
  clause: string;
  stated_in: string;
}
/** Result.toDict(): the interpreter's to_dict(), keys in snake case. */
export interface ResultDict<Q extends QuestionName = QuestionName> {
  contract: string;
  question: Q;
  kind: Kinds[Q];
  answer: Answers[Q];
  value: Values[Q];
  due: string | null;
  as_of: string | null;
  grounds: Ground[];
  overridden: { norm: string; clause: string; by: YieldDict[] }[];
  reasons: (Omit<Reason, "by"> & { by: YieldDict[] })[];
  presumptions: { fact: FactName; value: unknown; reason: string; rests_on: string[] }[];
  depends_on: (FactName | "today")[];
  warnings: string[];
}

/** The answer to one question for one fact set. */
export declare class Result<Q extends QuestionName = QuestionName> {
  private constructor();
  readonly contract: string;
  readonly question: Q;
  readonly kind: Kinds[Q];
  readonly answer: Answers[Q];
  /** The value of a value question, or the amount of an amount question, when decided. */
  readonly value: Values[Q];
  /** The date the answer was evaluated at ("YYYY-MM-DD"); null: evaluated without one. */
  readonly asOf: string | null;
  /** The earliest due date among the grounds ("YYYY-MM-DD"), if any. */
  readonly due: string | null;
  readonly groundNorms: string[];
  readonly grounds: Ground[];
  readonly overridden: Overridden[];
  readonly reasons: Reason[];
  readonly presumptions: Presumption[];
  /** What an undetermined answer waits for: facts, and "today" for the as-of date. */
  readonly dependsOn: readonly (FactName | "today")[];
  readonly warnings: string[];
  toDict(): ResultDict<Q>;
}

/** A fact set checked once, for many questions about it. */
export declare class Facts {
  constructor(facts?: FactInput);
  readonly size: number;
  get<K extends FactName>(name: K): Exclude<FactValues[K], null | undefined> | undefined;
  has(name: string): boolean;
  names(): FactName[];
  toJSON(): FactValues;
}

export declare class FactError extends Error {
  readonly fact: string;
  readonly problem: string;
  readonly expected: string | null;
  readonly given: unknown;
  readonly detail: string;
}
export declare class EvaluationError extends Error {
  readonly problem: string;
}

/** What an undetermined answer waits for, with the values that decide it alone. */
export interface NextFact {
  fact: FactName;
  decides: { value: string | boolean; answer: unknown }[];
}

export declare function askNext(
  question: QuestionName,
  facts?: FactInput,
  options?: Options,
): NextFact[];
/** JSON text of a value that may hold BigInts. */
export declare function stringify(value: unknown, indent?: number | string): string;

export declare const QUESTIONS: readonly {
  readonly name: QuestionName;
  readonly kind: Kinds[QuestionName];
  readonly description: string | null;
}[];
export declare const FACTS: readonly {
  readonly name: string;
  readonly type: { readonly kind: string; readonly [key: string]: unknown };
  readonly kind: "fact" | "event";
  readonly description: string | null;
}[];
"""


def emit_typescript(contract: ir.Contract, *, module: str, clausec_version: str) -> str:
    """The declarations (``.d.mts``) of the module ``module`` that
    :func:`~clausec.backends.javascript.emit_javascript` writes for ``contract``."""
    face = interface(contract)
    exports = dict(question_exports(contract))
    lines = [
        "// Generated by clausec; do not edit.",
        f"// TypeScript declarations of the ES module {comment_text(module)}.",
        f"// contract: {comment_text(contract.id)}",
        f"// clausec version: {comment_text(clausec_version)}",
        "",
        _COMMON,
        *_facts(face),
        *_questions(face),
        "export declare const CONTRACT: {",
        f"  readonly id: {js_str(contract.id)};",
        "  readonly title: string | null;",
        "  readonly source: string;",
        "  readonly sourceDocument: string | null;",
        "  readonly sha256: string;",
        "  readonly clausecVersion: string;",
        "  readonly calendar: string | null;",
        "};",
        "",
        *_functions(face, exports),
    ]
    return "\n".join(lines).rstrip("\n") + "\n"


def _union(members: list[str]) -> str:
    return " | ".join(members) if members else "never"


def _doc(*parts: str | None) -> list[str]:
    text = "; ".join(p for p in parts if p)
    return [f"  /** {comment_text(text)} */"] if text else []


def _facts(face: ContractInterface) -> list[str]:
    values, outputs = [], []
    for f in face.facts:
        key = js_str(f.name)
        notes = (f.description, "an event" if f.kind == "event" else None, _presumed(f))
        values += [*_doc(*notes), f"  {key}?: {input_type(f)} | null;"]
        outputs.append(f"  {key}: {output_type(f.type)};")
    return [
        "/** The facts the questions read, as given: name -> value (null or left out: unknown). */",
        "export interface FactValues {",
        *values,
        "}",
        "/** The facts in the form results give them (grounds, reasons). */",
        "export interface FactOutputs {",
        *outputs,
        "}",
        f"export type FactName = {_union([js_str(f.name) for f in face.facts])};",
        "",
    ]


def _presumed(f: FactInterface) -> str | None:
    return "presumed when left out" if f.presumed else None


def _questions(face: ContractInterface) -> list[str]:
    answers, kinds, values = [], [], []
    for q in face.questions:
        key = js_str(q.name)
        answers += [*_doc(q.description), f"  {key}: {_union([js_str(a) for a in q.answers])};"]
        kinds.append(f"  {key}: {js_str(q.kind)};")
        value = "null" if q.value_type is None else f"{output_type(q.value_type)} | null"
        values.append(f"  {key}: {value};")
    return [
        "/** Per question, the answers it can give. */",
        "export interface Answers {",
        *answers,
        "}",
        "export interface Kinds {",
        *kinds,
        "}",
        "/** Per question, the type of its value (null: it has none, or none was decided). */",
        "export interface Values {",
        *values,
        "}",
        f"export type QuestionName = {_union([js_str(q.name) for q in face.questions])};",
        "",
    ]


def _functions(face: ContractInterface, exports: dict[str, str]) -> list[str]:
    facts = "facts?: FactInput, options?: Options"
    out = []
    for q in face.questions:
        doc = [f"/** {comment_text(q.description)} */"] if q.description else []
        out += [
            *doc,
            f"export declare function {exports[q.name]}({facts}): Result<{js_str(q.name)}>;",
        ]
    for q in face.questions:
        out.append(
            f"export declare function evaluate(question: {js_str(q.name)}, {facts}): "
            f"Result<{js_str(q.name)}>;"
        )
    out.append(f"export declare function evaluate(question: QuestionName, {facts}): Result;")
    sets = "factSets: Iterable<FactInput>"
    for name in [*(js_str(q.name) for q in face.questions), "QuestionName"]:
        result = "Result" if name == "QuestionName" else f"Result<{name}>"
        head = f"export declare function evaluateMany(question: {name}, {sets}, "
        out += [
            head + 'options: ManyOptions & { errors: "return" }): '
            f"IterableIterator<{result} | BatchError>;",
            head + f'options?: ManyOptions & {{ errors?: "throw" }}): IterableIterator<{result}>;',
        ]
    return out


def input_type(f: FactInterface) -> str:
    """The values ``readValue`` accepts for a fact, besides null (docs/embedding.md)."""
    t = f.type
    if isinstance(t, T.Boolean):
        return 'boolean | "true" | "false"'
    if isinstance(t, (T.Integer, T.DecimalType, T.Duration)):
        return "number | bigint | string"
    if isinstance(t, T.Money):
        return f"MoneyInput<{js_str(t.currency)}>"
    if isinstance(t, T.Enum):
        return _union([js_str(m) for m in t.members])
    return "string"  # dates ("YYYY-MM-DD", "never" for events) and texts


def output_type(t: T.Type) -> str:
    """A value in the form results give it (docs/semantics.md, "Results")."""
    if isinstance(t, T.Boolean):
        return "boolean"
    if isinstance(t, T.Integer):
        return "number | bigint"
    if isinstance(t, T.Money):
        return f"MoneyOutput<{js_str(t.currency)}>"
    if isinstance(t, T.Duration):
        return f"DurationOutput<{js_str(t.unit_class)}>"
    if isinstance(t, T.Enum):
        return _union([js_str(m) for m in t.members])
    return "string"  # dates, decimals, texts
