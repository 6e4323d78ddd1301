// The VS Code grammar (editors/vscode/syntaxes/cpl.tmLanguage.json) run with
// vscode-textmate + vscode-oniguruma, as VS Code runs it, over every .cpl in
// policies/. Two checks:
//  - golden token files: tests/grammar/golden/<path>.tokens, one line per
//    source line that has tokens, each token as text⟨scope⟩ (the innermost
//    scope, without ".cpl"). Regenerate after a deliberate grammar change with
//      NODE_PATH=tests/node/node_modules node tests/grammar/tokenize.js . --update
//  - rules checked on the source independently of the goldens: every comment,
//    string, number, date, unit and code is scoped as one, and every keyword
//    outside strings and comments is scoped as a keyword, never a plain name.
//   node tokenize.js SOURCE_DIR [--update]
'use strict';
const fs = require('fs');
const path = require('path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const src = path.resolve(process.argv[2]);
const update = process.argv.includes('--update');
const grammarPath = path.join(src, 'editors', 'vscode', 'syntaxes', 'cpl.tmLanguage.json');
const goldenDir = path.join(src, 'tests', 'grammar', 'golden');

function cplFiles(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...cplFiles(p));
    else if (e.name.endsWith('.cpl')) out.push(p);
  }
  return out;
}

async function loadGrammar() {
  const wasm = fs.readFileSync(path.join(path.dirname(require.resolve('vscode-oniguruma')), 'onig.wasm')).buffer;
  await oniguruma.loadWASM(wasm);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (p) => new oniguruma.OnigScanner(p), createOnigString: (s) => new oniguruma.OnigString(s) }),
    loadGrammar: async (scope) => (scope === 'source.cpl' ? vsctm.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath) : null),
  });
  return registry.loadGrammar('source.cpl');
}

// Tokens of each line: {line, start, end, text, scope}.
function tokenize(grammar, text) {
  const out = [];
  let stack = vsctm.INITIAL;
  text.split('\n').forEach((line, i) => {
    const r = grammar.tokenizeLine(line, stack);
    for (const t of r.tokens) {
      const s = line.slice(t.startIndex, t.endIndex);
      if (!s.trim()) continue;
      const scopes = t.scopes.filter((x) => x !== 'source.cpl');
      out.push({ line: i, start: t.startIndex, end: t.endIndex, text: s, scope: scopes.length ? scopes[scopes.length - 1] : '' });
    }
    stack = r.ruleStack;
  });
  return out;
}

function golden(tokens) {
  const lines = new Map();
  for (const t of tokens) {
    const s = `${t.text.trim()}⟨${t.scope.replace(/\.cpl$/, '')}⟩`;
    lines.set(t.line, (lines.has(t.line) ? lines.get(t.line) + ' ' : '') + s);
  }
  return [...lines].map(([l, s]) => `${l + 1}: ${s}`).join('\n') + '\n';
}

const KEYWORDS = new Set(['policy', 'module', 'test', 'fact', 'criterion', 'value', 'output', 'coding', 'codeset', 'group', 'use', 'decide',
  'when', 'otherwise', 'if', 'then', 'else', 'given', 'expect', 'and', 'or', 'not', 'is', 'in', 'between', 'within', 'has', 'title',
  'version', 'effective', 'until', 'owner', 'source', 'route', 'ifr', 'extends', 'like', 'for', 'boolean', 'integer', 'decimal', 'date',
  'enum', 'levels', 'eligible', 'not_eligible', 'review', 'exempt', 'true', 'false', 'unknown', 'override']);

// The lexemes of one line found by a plain scanner (no grammar): comments,
// strings, units, dates, numbers, codes and words, each with its column.
function lexemes(line) {
  const out = [];
  const re = /(\/\/.*$)|("(?:[^"\\]|\\.)*")|(\[[a-zA-Z%][^\]\r\n", ]*\])|(\b\d{4}-\d{2}-\d{2}\b)|(\b[A-Z]\d{2}[0-9A-Z]*\b)|(\b\d+(?:\.\d+)?\b)|([A-Za-z_]\w*)/g;
  let m;
  while ((m = re.exec(line))) {
    const kind = m[1] ? 'comment' : m[2] ? 'string' : m[3] ? 'unit' : m[4] ? 'date' : m[5] ? 'code' : m[6] ? 'number' : 'word';
    out.push({ kind, start: m.index, end: m.index + m[0].length, text: m[0] });
  }
  return out;
}

const WANT = { comment: /^comment\./, string: /^string\.|^constant\.character\.escape/, unit: /^constant\.other\.unit/, date: /^constant\.numeric\.date/, code: /^constant\.other\.code/, number: /^constant\.numeric\./ };

function checkRules(file, text, tokens) {
  const problems = [];
  const byLine = new Map();
  for (const t of tokens) (byLine.get(t.line) || byLine.set(t.line, []).get(t.line)).push(t);
  let inBlock = false;
  text.split('\n').forEach((line, i) => {
    if (inBlock || line.includes('/*')) { inBlock = !line.includes('*/'); return; }  // block comments: goldens only
    const toks = byLine.get(i) || [];
    for (const x of lexemes(line)) {
      const covering = toks.filter((t) => t.start < x.end && t.end > x.start && t.text.trim());
      const where = `${file}:${i + 1}:${x.start + 1}`;
      if (WANT[x.kind]) {
        const bad = covering.find((t) => !WANT[x.kind].test(t.scope));
        if (bad) problems.push(`${where}: ${x.kind} ${x.text} has a token scoped ${bad.scope} (${bad.text})`);
      } else if (KEYWORDS.has(x.text)) {
        // A keyword may also be a name (the grammar's `name` rule), right after the word that declares one.
        const before = line.slice(0, x.start).trimEnd();
        if (/\b(fact|criterion|value|output|codeset|group|type|coding|policy|module)$/.test(before)) continue;
        if (/[,(=]$/.test(before) || /\b(given|reasons|missing)$/.test(before)) continue;  // a name in a list or binding
        const bad = covering.find((t) => /^variable\./.test(t.scope) || t.scope === '');
        if (bad) problems.push(`${where}: keyword ${x.text} is scoped ${bad.scope || 'as nothing'}`);
      }
    }
  });
  return problems;
}

// The extension's manifest names this grammar and a language configuration with CPL's comments and brackets.
function checkManifest() {
  const dir = path.join(src, 'editors', 'vscode');
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const lang = pkg.contributes.languages.find((l) => l.id === 'cpl');
  if (!lang || !lang.extensions.includes('.cpl')) throw new Error('package.json: no cpl language for .cpl files');
  const g = pkg.contributes.grammars.find((x) => x.language === 'cpl');
  if (!g || g.scopeName !== 'source.cpl' || path.resolve(dir, g.path) !== grammarPath) throw new Error('package.json: the cpl grammar is not ' + grammarPath);
  const conf = JSON.parse(fs.readFileSync(path.resolve(dir, lang.configuration), 'utf8'));
  if (conf.comments.lineComment !== '//' || conf.comments.blockComment.join(' ') !== '/* */') throw new Error('language-configuration.json: comments');
  if (!pkg.dependencies['vscode-languageclient']) throw new Error('package.json: vscode-languageclient is not a dependency');
  console.log('ok - editors/vscode/package.json: the cpl language, its grammar and language configuration');
}

async function main() {
  checkManifest();
  const grammar = await loadGrammar();
  const files = cplFiles(path.join(src, 'policies'));
  if (files.length === 0) throw new Error('no .cpl files in policies/');
  let failures = 0, checked = 0, tokenCount = 0;
  for (const f of files) {
    const rel = path.relative(path.join(src, 'policies'), f);
    const text = fs.readFileSync(f, 'utf8');
    const tokens = tokenize(grammar, text);
    tokenCount += tokens.length;
    const got = golden(tokens);
    const goldenFile = path.join(goldenDir, rel + '.tokens');
    if (update) {
      fs.mkdirSync(path.dirname(goldenFile), { recursive: true });
      fs.writeFileSync(goldenFile, got);
    } else if (!fs.existsSync(goldenFile)) {
      console.error(`not ok - ${rel}: no golden token file ${path.relative(src, goldenFile)} (regenerate: see tests/grammar/tokenize.js)`);
      failures++;
    } else if (fs.readFileSync(goldenFile, 'utf8') !== got) {
      const want = fs.readFileSync(goldenFile, 'utf8').split('\n');
      const have = got.split('\n');
      const i = want.findIndex((l, k) => l !== have[k]);
      console.error(`not ok - ${rel}: tokens differ from the golden file\n  golden: ${want[i]}\n  now:    ${have[i]}`);
      failures++;
    }
    for (const p of checkRules(rel, text, tokens)) {
      console.error('not ok - ' + p);
      failures++;
    }
    checked++;
  }
  if (failures) {
    console.error(`${failures} problems in ${checked} files`);
    process.exit(1);
  }
  console.log(`ok - ${checked} files, ${tokenCount} tokens: ${update ? 'golden files written' : 'match their golden files and the scoping rules'}`);
}

main().catch((e) => { console.error('not ok - ' + (e.stack || e)); process.exit(1); });
