// Tokenizes files with a TextMate grammar the way VS Code does (vscode-textmate on the
// Oniguruma regular expressions of vscode-oniguruma) and prints the tokens as JSON:
//   node tokenize.mjs GRAMMAR.json FILE...
// prints {"scopes": [scope, ...], "files": {FILE: [[line, start, end, scopeIndex...], ...]}},
// one entry per token, with its line (from 0) and its start and end in UTF-16 code units;
// a token's scopes are indices into "scopes", outermost first.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import textmate from "vscode-textmate";
import oniguruma from "vscode-oniguruma";

const require = createRequire(import.meta.url);
const [grammarPath, ...files] = process.argv.slice(2);
if (grammarPath === undefined) {
  console.error("usage: node tokenize.mjs GRAMMAR.json FILE...");
  process.exit(2);
}

const wasm = readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
const registry = new textmate.Registry({
  onigLib: Promise.resolve({
    createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
    createOnigString: (text) => new oniguruma.OnigString(text),
  }),
  loadGrammar: async () =>
    textmate.parseRawGrammar(readFileSync(grammarPath, "utf8"), grammarPath),
});
const grammar = await registry.loadGrammar("source.clause");
if (grammar === null) {
  console.error(`${grammarPath}: no grammar with the scope source.clause`);
  process.exit(1);
}

const scopes = [];
const scopeIndex = new Map();
function indexOf(scope) {
  let index = scopeIndex.get(scope);
  if (index === undefined) {
    index = scopes.length;
    scopes.push(scope);
    scopeIndex.set(scope, index);
  }
  return index;
}

const result = {};
for (const file of files) {
  const lines = readFileSync(file, "utf8").split(/\r\n|\r|\n/);
  const tokens = [];
  let state = textmate.INITIAL;
  lines.forEach((line, number) => {
    const lineTokens = grammar.tokenizeLine(line, state);
    for (const token of lineTokens.tokens) {
      const end = Math.min(token.endIndex, line.length);
      if (end > token.startIndex) {
        tokens.push([number, token.startIndex, end, ...token.scopes.map(indexOf)]);
      }
    }
    state = lineTokens.ruleStack;
  });
  result[file] = tokens;
}
process.stdout.write(JSON.stringify({ scopes, files: result }));
