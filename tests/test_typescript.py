"""TypeScript declarations of the emitted ES modules and the npm package
(clausec.backends.typescript, clausec.backends.jspackage): consumers compile under
`tsc --strict` (TypeScript pinned in tests/node/package.json and its lock, installed by
`npm ci` there, as .ci/run does), a wrong consumer does not, and the package installs with
`npm install` from its folder and answers like the interpreter.

Outside CI a missing Node.js or TypeScript skips these tests with the reason; in CI (the
variable CI set) it fails them."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import clausec
from clausec.backends.javascript import question_exports
from clausec.backends.jspackage import javascript_package, npm_name_problem
from clausec.backends.typescript import emit_typescript
from clausec.evaluation.interpreter import ask

from conftest import REPO, need_tool, run_cli

NODE = shutil.which("node")
NPM = shutil.which("npm")
TSC = REPO / "tests" / "node" / "node_modules" / "typescript" / "bin" / "tsc"
DEPOSIT = REPO / "contracts" / "soolife" / "deposit.clause"
SHIPPED = sorted((REPO / "contracts").glob("**/*.clause"))
EXAMPLES = sorted((REPO / "docs" / "examples").glob("*.clause"))


@pytest.fixture
def tsc() -> list[str]:
    need_tool(NODE is not None, "`node` is not on PATH: Node.js 20 runs TypeScript")
    need_tool(TSC.is_file(), "TypeScript is not installed: run `npm ci` in tests/node")
    assert NODE is not None
    return [NODE, str(TSC)]


@pytest.fixture
def npm() -> str:
    need_tool(NODE is not None and NPM is not None, "`node` and `npm` are not on PATH")
    assert NPM is not None
    return NPM


def _compile(tsc: list[str], folder: Path, files: list[str]) -> subprocess.CompletedProcess[str]:
    config = {
        "compilerOptions": {
            "strict": True,
            "module": "nodenext",
            "moduleResolution": "nodenext",
            "target": "es2022",
            "noEmit": True,
            "skipLibCheck": False,
            "types": [],
        },
        "files": files,
    }
    (folder / "tsconfig.json").write_text(json.dumps(config), encoding="utf-8")
    return subprocess.run(
        [*tsc, "-p", str(folder / "tsconfig.json")],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=folder,
        timeout=300,
    )


def _compiled(text: str, name: str) -> clausec.ir.Contract:
    result = clausec.compile_text(text, name)
    assert not [d for d in result.diagnostics if d.severity.name == "ERROR"]
    (contract,) = [c for c in result.contracts if c.file == name]
    return contract


# Names that are JavaScript's or the module's own, descriptions that try to end a comment.
AWKWARD = """\
contract awkward title "t" source "s" language en calendar CN
party a role "first"
party b role "second"
action pay "pay */ // \\" ${x} `tick`"
object fee : money EUR "the fee"
fact kind : one of delete, typeof, evaluate "kind */ of thing"
fact price : money EUR "price\\nwith */ a line break"
clause "1" quote "q" gloss "g"
  a must pay fee to b when kind = delete and price > 100 EUR
question delete "*/ delete" : must a pay fee
question evaluate : must a pay fee
question stringify : must a pay fee
"""

GOOD_CONSUMER = """\
import {
  evaluate, evaluateMany, askNext, stringify, may_deduct_deposit, release_deadline,
  Facts, FactError, EvaluationError, QUESTIONS, FACTS, CONTRACT,
} from "./soolife_deposit.mjs";
import type { Answers, FactValues, QuestionName, Result } from "./soolife_deposit.mjs";
import * as awkward from "./awkward.mjs";

const facts: FactValues = {
  "merchant.closed_shop": true,
  "deposit.balance": "100.50 CNY",
  "platform.loss": { amount: "3", currency: "CNY" },
  "force_majeure.duration": "12 days",
  "deposit.payout": null,
  "agreement.ended": "never",
};
const may: "yes" | "no" | "undetermined" = evaluate("may_deduct_deposit", facts).answer;
const due: Answers["release_deadline"] = release_deadline(new Facts(facts), { asOf: null }).answer;
const when: string | null = evaluate("release_deadline", facts).due;
const many: Result<"may_deduct_deposit">[] = Array.from(
  evaluateMany("may_deduct_deposit", [facts, {}]),
);
for (const x of evaluateMany("must_release_deposit", [facts], { errors: "return" })) {
  const word: string = "error" in x ? x.error.problem : x.answer;
  console.log(word);
}
const balance = may_deduct_deposit(facts).grounds[0]?.facts["deposit.balance"];
const amount: string | undefined = balance?.amount;
const currency: "CNY" | undefined = balance?.currency;
const names: QuestionName[] = QUESTIONS.map((q) => q.name);
const id: "soolife_deposit" = CONTRACT.id;
const waits: string[] = askNext("may_deduct_deposit", {}).map((n) => n.fact);
const depends: readonly string[] = evaluate("may_deduct_deposit", {}, { presume: false }).dependsOn;
const anyQuestion: QuestionName = "freeze_until";
const general: Result = evaluate(anyQuestion, facts);
const kinds: string[] = FACTS.map((f) => f.type.kind);
const dict = evaluate("agreement_in_force", facts).toDict();
const inForce: boolean | null = dict.value;
try {
  evaluate("may_deduct_deposit", { "deposit.balance": "1 CNY" });
} catch (e) {
  if (e instanceof FactError) console.log(e.fact, e.expected);
  if (e instanceof EvaluationError) console.log(e.problem);
}
const odd: "obliged" | "not_obliged" | "undetermined" = awkward.delete_({ kind: "delete" }).answer;
const odd2 = awkward.evaluate_({ price: "101 EUR" }).answer;
const odd3: Result = may_deduct_deposit(new Facts(new Map([["merchant.closed_shop", true]])));
console.log(may, due, when, many, amount, currency, names, id, waits, depends, general, kinds,
  inForce, odd, odd2, odd3, stringify(dict, 2), awkward.stringify_().answer);
"""

# Each line a mistake tsc must report, with the error it gives.
WRONG_CONSUMER = {
    'evaluate("no_such_question", {});': "TS2769",
    'evaluate("may_deduct_deposit", { "deposit.balance": 100 });': "TS2769",
    'evaluate("may_deduct_deposit", { "deposit.balanse": "1 CNY" });': "TS2769",
    'evaluate("may_deduct_deposit", { "deposit.balance": "1 EUR" });': "TS2769",
    'evaluate("may_deduct_deposit", { "merchant.closed_shop": "maybe" });': "TS2769",
    'const a: "obliged" = evaluate("may_deduct_deposit").answer;': "TS2322",
    'const b: "yes" = may_deduct_deposit({}).answer;': "TS2322",
    'for (const x of evaluateMany("may_deduct_deposit", [{}], { errors: "return" }))'
    " x.answer;": "TS2339",
    "const c: string = may_deduct_deposit({}).value;": "TS2322",
}


def _emit_pair(contract: clausec.ir.Contract, stem: str, folder: Path) -> None:
    from clausec.backends.javascript import emit_javascript

    (folder / f"{stem}.mjs").write_text(emit_javascript(contract, clausec_version="t"), "utf-8")
    declarations = emit_typescript(contract, module=f"{stem}.mjs", clausec_version="t")
    (folder / f"{stem}.d.mts").write_text(declarations, "utf-8")


def test_declarations_are_ascii_and_name_every_question() -> None:
    contract = _compiled(AWKWARD, "awkward.clause")
    text = emit_typescript(contract, module="awkward.mjs", clausec_version="t */ x")
    assert text.isascii()
    # Comments cannot be ended early: each `*/` is the one closing its own comment.
    assert all(line.count("*/") <= 1 for line in text.splitlines())
    assert "// clausec version: " + '"t *\\u002f x"' in text
    for question, export in question_exports(contract):
        assert f"export declare function {export}(" in text
        assert f'evaluate(question: "{question}",' in text
    assert "export type MoneyInput<C extends string> = `${string} ${C}`" in text
    assert '"kind"?: "delete" | "typeof" | "evaluate" | null;' in text


def test_consumers_compile_under_strict(tsc: list[str], tmp_path: Path) -> None:
    """A consumer using the declarations compiles, as do the TypeScript examples of
    docs/embedding.md and the declarations of every shipped contract and documentation
    example; each line of a wrong consumer fails."""
    _emit_pair(clausec.load(DEPOSIT), "soolife_deposit", tmp_path)
    _emit_pair(_compiled(AWKWARD, "awkward.clause"), "awkward", tmp_path)
    files = ["good.mts"]
    for path in [*SHIPPED, *EXAMPLES]:
        contract = clausec.load(path)
        stem = f"x_{path.parent.name}_{path.stem}"
        text = emit_typescript(contract, module=f"{stem}.mjs", clausec_version="t")
        (tmp_path / f"{stem}.d.mts").write_text(text, "utf-8")
        files.append(f"{stem}.d.mts")
    (tmp_path / "good.mts").write_text(GOOD_CONSUMER, encoding="utf-8")
    # The ```ts examples of the embedding guide import the deposit module too.
    page = (REPO / "docs" / "embedding.md").read_text(encoding="utf-8")
    examples = re.findall(r"^```ts\n(.*?)^```$", page, re.M | re.S)
    assert examples
    for i, example in enumerate(examples):
        (tmp_path / f"doc{i}.mts").write_text(example, encoding="utf-8")
        files.append(f"doc{i}.mts")
    good = _compile(tsc, tmp_path, files)
    assert good.returncode == 0, good.stdout + good.stderr

    head = 'import { evaluate, evaluateMany, may_deduct_deposit } from "./soolife_deposit.mjs";\n'
    (tmp_path / "wrong.mts").write_text(head + "\n".join(WRONG_CONSUMER) + "\n", "utf-8")
    wrong = _compile(tsc, tmp_path, ["wrong.mts"])
    assert wrong.returncode != 0
    reported = {
        int(m[1]): m[2]
        for m in re.finditer(r"^wrong\.mts\((\d+),\d+\): error (TS\d+)", wrong.stdout, re.M)
    }
    assert reported == {i + 2: code for i, code in enumerate(WRONG_CONSUMER.values())}, wrong.stdout


def test_cli_writes_declarations_beside_each_module(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli(["emit", str(DEPOSIT), "--target", "javascript", "-o", str(out)])
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["soolife_deposit.d.mts", "soolife_deposit.mjs"]
    text = (out / "soolife_deposit.d.mts").read_text(encoding="utf-8")
    assert '// TypeScript declarations of the ES module "soolife_deposit.mjs".' in text


@pytest.mark.parametrize("name", ["Rules", "rules pkg", ".rules", "_rules", "@/rules", "a" * 215])
def test_bad_npm_names_are_refused(name: str, tmp_path: Path) -> None:
    assert npm_name_problem(name) is not None
    result = run_cli(
        ["emit", str(DEPOSIT), "--target", "javascript", "--package", name, "-o", str(tmp_path)]
    )
    assert result.returncode == 2
    assert "is not an npm package name" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_package_files() -> None:
    deposit = clausec.load(DEPOSIT)
    files = dict(
        javascript_package("@acme/rules", [("soolife_deposit", deposit)], clausec_version="t")
    )
    assert sorted(files) == [
        "index.d.mts",
        "index.mjs",
        "package.json",
        "runtime.mjs",
        "soolife_deposit.d.mts",
        "soolife_deposit.mjs",
    ]
    manifest = json.loads(files["package.json"])
    assert manifest["type"] == "module" and manifest["name"] == "@acme/rules"
    assert manifest["exports"]["./soolife_deposit"] == {
        "types": "./soolife_deposit.d.mts",
        "default": "./soolife_deposit.mjs",
    }
    # One runtime: the contract module imports it and carries no copy.
    assert 'import { define } from "./runtime.mjs";' in files["soolife_deposit.mjs"]
    assert "function roundDigits" in files["runtime.mjs"]
    assert "function roundDigits" not in files["soolife_deposit.mjs"]


def test_npm_package_installs_and_answers(npm: str, tsc: list[str], tmp_path: Path) -> None:
    """`npm install` of the emitted folder into a fresh project (offline), then node imports
    it by the package name and answers like the interpreter; a TypeScript consumer of the
    installed package compiles."""
    package = tmp_path / "package"
    result = run_cli(
        [
            "emit",
            str(REPO / "contracts"),
            "--target",
            "javascript",
            "--package",
            "@acme/rules",
            "-o",
            str(package),
        ]
    )
    assert result.returncode == 0, result.stderr
    app = tmp_path / "app"
    app.mkdir()
    (app / "package.json").write_text(
        '{"name": "app", "private": true, "type": "module"}\n', "utf-8"
    )
    install = subprocess.run(
        [npm, "install", "--offline", "--install-links", "--no-audit", "--no-fund", str(package)],
        cwd=app,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    facts = {
        "merchant.closed_shop": True,
        "deposit.balance": {"amount": "100.50", "currency": "CNY"},
    }
    (app / "main.mjs").write_text(
        'import { evaluate, stringify } from "@acme/rules/soolife_deposit";\n'
        'import * as all from "@acme/rules";\n'
        f"const facts = {json.dumps(facts)};\n"
        'const r = evaluate("may_deduct_deposit", facts, { asOf: "2025-01-01" });\n'
        "console.log(stringify({ result: r.toDict(), contracts: Object.keys(all),\n"
        "  same: all.soolife_deposit.evaluate === evaluate }));\n",
        "utf-8",
    )
    assert NODE is not None
    run = subprocess.run([NODE, "main.mjs"], cwd=app, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    expected = ask(clausec.load(DEPOSIT), "may_deduct_deposit", facts, as_of="2025-01-01")
    assert out["result"] == expected.to_dict()
    modules = sorted(p.stem for p in package.glob("*.mjs"))
    assert out["contracts"] == [m for m in modules if m not in ("index", "runtime")]
    assert out["same"] is True

    (app / "main.mts").write_text(
        'import { evaluate } from "@acme/rules/soolife_deposit";\n'
        'import { soolife_deposit } from "@acme/rules";\n'
        'const a: "yes" | "no" | "undetermined" = evaluate("may_deduct_deposit", {}).answer;\n'
        'const b = soolife_deposit.evaluate("release_deadline", {}).due;\n'
        "console.log(a, b);\n",
        "utf-8",
    )
    typed = _compile(tsc, app, ["main.mts"])
    assert typed.returncode == 0, typed.stdout + typed.stderr
