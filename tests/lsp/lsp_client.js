// End to end: a real LSP client (vscode-languageserver-protocol) drives
// `cpe lsp` over stdio on the policies/ library, as an editor would.
//   node lsp_client.js SOURCE_DIR CPE
// Each step prints "ok - ..." or throws; the exit code is the verdict.
'use strict';
const assert = require('assert');
const cp = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const rpc = require('vscode-languageserver-protocol/node');
const { pathToFileURL } = require('url');

const [src, cpe] = process.argv.slice(2);
const policies = path.join(src, 'policies');
const uriOf = (p) => pathToFileURL(p).href;
const read = (p) => fs.readFileSync(p, 'utf8');

function startServer() {
  const proc = cp.spawn(cpe, ['lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = rpc.createProtocolConnection(new rpc.StreamMessageReader(proc.stdout), new rpc.StreamMessageWriter(proc.stdin));
  const diagnostics = new Map();  // uri -> latest diagnostics
  const waiters = [];
  conn.onNotification(rpc.PublishDiagnosticsNotification.type, (p) => {
    diagnostics.set(p.uri, p.diagnostics);
    for (const w of waiters.splice(0)) w();
  });
  conn.listen();
  // Resolves when `pred(diagnostics of uri)` holds, checking after each publish.
  const until = (uri, pred, what) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out waiting for ' + what)), 10000);
    const check = () => {
      if (diagnostics.has(uri) && pred(diagnostics.get(uri))) { clearTimeout(timer); resolve(diagnostics.get(uri)); } else waiters.push(check);
    };
    check();
  });
  return { proc, conn, diagnostics, until };
}

// `cpe check` on a copy of the library with `file` replaced by `text`: its
// errors for that file as {line, col, message} (1-based, as printed).
function cpeCheck(file, text) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpe-lsp-'));
  fs.cpSync(policies, path.join(dir, 'policies'), { recursive: true });
  const copy = path.join(dir, 'policies', path.relative(policies, file));
  fs.writeFileSync(copy, text);
  const r = cp.spawnSync(cpe, ['check', path.join(dir, 'policies')], { encoding: 'utf8' });
  const out = [];
  for (const line of r.stderr.split('\n')) {
    const m = /^(.*):(\d+):(\d+): (error|warning): (.*)$/.exec(line);
    if (m && m[1] === copy) out.push({ line: +m[2], col: +m[3], severity: m[4], message: m[5] });
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return out;
}

function ok(what) { console.log('ok - ' + what); }

async function main() {
  const { proc, conn, until } = startServer();
  const exited = new Promise((resolve) => proc.on('exit', (code) => resolve(code)));

  const init = await conn.sendRequest(rpc.InitializeRequest.type, { processId: process.pid, rootUri: uriOf(src), capabilities: {}, workspaceFolders: null });
  assert.strictEqual(init.capabilities.textDocumentSync.change, rpc.TextDocumentSyncKind.Incremental);
  assert.ok(init.capabilities.hoverProvider && init.capabilities.definitionProvider && init.capabilities.completionProvider);
  conn.sendNotification(rpc.InitializedNotification.type, {});
  ok('initialize: incremental sync, hover, definition, completion');

  // Open a policy of the library.
  const tonsil = path.join(policies, 'ebi', 'tonsillectomy.cpl');
  const tonsilUri = uriOf(tonsil);
  let text = read(tonsil);
  conn.sendNotification(rpc.DidOpenTextDocumentNotification.type, { textDocument: { uri: tonsilUri, languageId: 'cpl', version: 1, text } });
  const symbols = await conn.sendRequest(rpc.DocumentSymbolRequest.type, { textDocument: { uri: tonsilUri } });
  assert.strictEqual(symbols[0].name, 'ebi.tonsillectomy');
  const childNames = symbols[0].children.map((c) => c.name);
  for (const n of ['quinsy_episodes', 'seven_in_one_year', 'frequent_episodes', 'decide']) assert.ok(childNames.includes(n), n + ' in outline');
  assert.ok(symbols.some((s) => s.name === 'seven episodes in the last year, disabling: eligible'), 'tests in the outline');
  ok('document symbols: the policy, its facts, criteria, decide block and tests');

  // Type an error: an unknown name in a criterion, by an incremental change.
  const lines = text.split('\n');
  const row = lines.findIndex((l) => l.includes('tonsillitis_episodes_last_12_months >= 7'));
  const col = lines[row].indexOf('>= 7') + 3;
  conn.sendNotification(rpc.DidChangeTextDocumentNotification.type, {
    textDocument: { uri: tonsilUri, version: 2 },
    contentChanges: [{ range: { start: { line: row, character: col }, end: { line: row, character: col + 1 } }, text: 'sevenn' }],
  });
  lines[row] = lines[row].slice(0, col) + 'sevenn' + lines[row].slice(col + 1);
  text = lines.join('\n');
  const diags = await until(tonsilUri, (d) => d.length > 0, 'the typed error');
  const expected = cpeCheck(tonsil, text);
  assert.ok(expected.length > 0, 'cpe check reports the error');
  assert.deepStrictEqual(
    diags.map((d) => ({ line: d.range.start.line + 1, col: d.range.start.character + 1, severity: d.severity === 1 ? 'error' : 'warning', message: d.message })),
    expected);
  assert.strictEqual(diags[0].range.start.line, row);
  assert.strictEqual(diags[0].range.start.character, col);
  assert.strictEqual(diags[0].range.end.character, col + 'sevenn'.length);
  ok(`typed error: "${diags[0].message}" at ${row + 1}:${col + 1}, the same as cpe check`);

  // Fix it again: the diagnostics clear.
  conn.sendNotification(rpc.DidChangeTextDocumentNotification.type, {
    textDocument: { uri: tonsilUri, version: 3 },
    contentChanges: [{ range: { start: { line: row, character: col }, end: { line: row, character: col + 6 } }, text: '7' }],
  });
  lines[row] = lines[row].slice(0, col) + '7' + lines[row].slice(col + 6);
  text = lines.join('\n');
  await until(tonsilUri, (d) => d.length === 0, 'the error to clear');
  ok('fixed: the diagnostics clear');

  // Type a warning (a unit given to a count): the editor shows cpe check's warning, with warning severity.
  conn.sendNotification(rpc.DidChangeTextDocumentNotification.type, {
    textDocument: { uri: tonsilUri, version: 4 },
    contentChanges: [{ range: { start: { line: row, character: col + 1 }, end: { line: row, character: col + 1 } }, text: ' [kg/m2]' }],
  });
  lines[row] = lines[row].slice(0, col + 1) + ' [kg/m2]' + lines[row].slice(col + 1);
  text = lines.join('\n');
  const warned = await until(tonsilUri, (d) => d.length > 0, 'the typed warning');
  const expectedWarnings = cpeCheck(tonsil, text);
  assert.ok(expectedWarnings.length > 0 && expectedWarnings.every((w) => w.severity === 'warning'), 'cpe check warns');
  assert.deepStrictEqual(
    warned.map((d) => ({ line: d.range.start.line + 1, col: d.range.start.character + 1, severity: d.severity === 2 ? 'warning' : 'error', message: d.message })),
    expectedWarnings);
  assert.strictEqual(warned[0].code, 'unit-on-unitless');
  conn.sendNotification(rpc.DidChangeTextDocumentNotification.type, {
    textDocument: { uri: tonsilUri, version: 5 },
    contentChanges: [{ range: { start: { line: row, character: col + 1 }, end: { line: row, character: col + 9 } }, text: '' }],
  });
  lines[row] = lines[row].slice(0, col + 1) + lines[row].slice(col + 9);
  text = lines.join('\n');
  await until(tonsilUri, (d) => d.length === 0, 'the warning to clear');
  ok(`typed warning: "${warned[0].message}", severity warning, the same as cpe check`);

  // Hover a fact.
  const factCol = lines[row].indexOf('tonsillitis_episodes_last_12_months') + 5;
  const hover = await conn.sendRequest(rpc.HoverRequest.type, { textDocument: { uri: tonsilUri }, position: { line: row, character: factCol } });
  const h = hover.contents.value;
  for (const part of ['**fact** `tonsillitis_episodes_last_12_months`', 'integer in 0..100', 'range: 0..100', 'adequately treated episodes in the last 12 months'])
    assert.ok(h.includes(part), 'hover has ' + part + ': ' + h);
  ok('hover on a fact: type, range, description');

  // Hover a criterion: its wording and where it is used.
  const critRow = lines.findIndex((l) => l.includes('criterion seven_in_one_year'));
  const ch = await conn.sendRequest(rpc.HoverRequest.type, { textDocument: { uri: tonsilUri }, position: { line: critRow, character: lines[critRow].indexOf('seven_in_one_year') + 2 } });
  for (const part of ['**criterion** `seven_in_one_year`', 'Seven or more episodes in the last 12 months', 'criterion frequent_episodes in ebi.tonsillectomy', 'test "'])
    assert.ok(ch.contents.value.includes(part), 'criterion hover has ' + part + ': ' + ch.contents.value);
  ok('hover on a criterion: wording, condition, where used');

  // Go to definition in another file: `malignancy` comes from module ebi (shared/ebi.cpl), `suspected_malignancy` from common.
  const exemptRow = lines.findIndex((l) => l.includes('exempt when malignancy'));
  const def = await conn.sendRequest(rpc.DefinitionRequest.type, { textDocument: { uri: tonsilUri }, position: { line: exemptRow, character: lines[exemptRow].indexOf('malignancy') + 1 } });
  assert.strictEqual(def.length, 1);
  const ebi = path.join(policies, 'shared', 'ebi.cpl');
  assert.strictEqual(def[0].uri, uriOf(ebi));
  const ebiLines = read(ebi).split('\n');
  assert.strictEqual(def[0].range.start.line, ebiLines.findIndex((l) => l.includes('criterion malignancy')));
  assert.strictEqual(ebiLines[def[0].range.start.line].slice(def[0].range.start.character, def[0].range.end.character), 'malignancy');
  ok('definition of a module criterion: shared/ebi.cpl');

  const useRow = lines.findIndex((l) => l.trim() === 'use ebi');
  const useDef = await conn.sendRequest(rpc.DefinitionRequest.type, { textDocument: { uri: tonsilUri }, position: { line: useRow, character: lines[useRow].indexOf('ebi') + 1 } });
  assert.strictEqual(useDef[0].uri, uriOf(ebi));
  ok('definition of a used module');

  // References of a criterion include its uses in tests (`expect reasons`).
  const refs = await conn.sendRequest(rpc.ReferencesRequest.type, { textDocument: { uri: tonsilUri }, position: { line: critRow, character: lines[critRow].indexOf('seven_in_one_year') + 2 }, context: { includeDeclaration: true } });
  const refLines = refs.map((r) => lines[r.range.start.line]);
  assert.ok(refLines.some((l) => l.includes('expect reasons')), 'a test names it');
  assert.ok(refLines.some((l) => l.includes('any of (seven_in_one_year')), 'frequent_episodes uses it');
  ok(`references: ${refs.length} places, definition, criterion and tests`);

  // A test's `like` jumps to the test it starts from.
  const likeRow = lines.findIndex((l) => l.includes('like "below every frequency threshold"'));
  const likeDef = await conn.sendRequest(rpc.DefinitionRequest.type, { textDocument: { uri: tonsilUri }, position: { line: likeRow, character: lines[likeRow].indexOf('like "') + 8 } });
  assert.strictEqual(lines[likeDef[0].range.start.line].startsWith('test "below every frequency threshold"'), true);
  ok('definition of a test\'s like');

  // Complete an enumeration value: in srp/wigs.cpl, `wig_type is ` offers its values.
  const wigs = path.join(policies, 'srp', 'wigs.cpl');
  const wigsUri = uriOf(wigs);
  const wigsText = read(wigs);
  conn.sendNotification(rpc.DidOpenTextDocumentNotification.type, { textDocument: { uri: wigsUri, languageId: 'cpl', version: 1, text: wigsText } });
  const wLines = wigsText.split('\n');
  const at = wLines.findIndex((l) => l.includes('decide {'));
  const typed = '    criterion wants_synthetic "x" = wig_type is ';
  conn.sendNotification(rpc.DidChangeTextDocumentNotification.type, {
    textDocument: { uri: wigsUri, version: 2 },
    contentChanges: [{ range: { start: { line: at, character: 0 }, end: { line: at, character: 0 } }, text: typed + '\n' }],
  });
  const items = await conn.sendRequest(rpc.CompletionRequest.type, { textDocument: { uri: wigsUri }, position: { line: at, character: typed.length } });
  const labels = (Array.isArray(items) ? items : items.items).map((i) => i.label).sort();
  assert.deepStrictEqual(labels, ['human_hair', 'synthetic']);
  ok('completion after `wig_type is`: exactly synthetic, human_hair (while the line is half typed)');

  const inItems = await conn.sendRequest(rpc.CompletionRequest.type, { textDocument: { uri: wigsUri }, position: { line: wLines.findIndex((l) => l.includes('hair_loss_cause not in {')), character: wLines.find((l) => l.includes('hair_loss_cause not in {')).indexOf('{') + 1 } });
  assert.ok(inItems.map((i) => i.label).includes('alopecia_areata'));
  ok('completion inside `hair_loss_cause not in {`: the causes');
  conn.sendNotification(rpc.DidCloseTextDocumentNotification.type, { textDocument: { uri: wigsUri } });  // back to the file on disk

  const names = await conn.sendRequest(rpc.CompletionRequest.type, { textDocument: { uri: tonsilUri }, position: { line: exemptRow, character: lines[exemptRow].indexOf('malignancy') } });
  const nameLabels = names.map((i) => i.label);
  for (const n of ['malignancy', 'sleep_apnoea', 'suspected_malignancy', 'quinsy_episodes', 'seven_in_one_year', 'eligible']) assert.ok(nameLabels.includes(n), n + ' offered');
  ok('completion of names in scope: own, used modules\' criteria and facts, keywords');

  // Format a file: the edit gives exactly what `cpe fmt` writes.
  const messy = read(tonsil).replace(/^    /gm, '  ').replace('quinsy_episodes >= 2', 'quinsy_episodes>=2');
  const messyUri = uriOf(tonsil);
  conn.sendNotification(rpc.DidChangeTextDocumentNotification.type, { textDocument: { uri: messyUri, version: 10 }, contentChanges: [{ text: messy }] });
  const edits = await conn.sendRequest(rpc.DocumentFormattingRequest.type, { textDocument: { uri: messyUri }, options: { tabSize: 4, insertSpaces: true } });
  assert.strictEqual(edits.length, 1);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpe-fmt-'));
  const f = path.join(dir, 'x.cpl');
  fs.writeFileSync(f, messy);
  cp.spawnSync(cpe, ['fmt', f]);
  assert.strictEqual(edits[0].newText, read(f));
  assert.strictEqual(edits[0].range.start.line, 0);
  fs.rmSync(dir, { recursive: true, force: true });
  assert.strictEqual(edits[0].newText, read(tonsil), 'the library file is already formatted');
  ok('formatting: one edit, the same text as cpe fmt');

  // Code lenses: run a policy's tests; a failing test's expectation comes back as a diagnostic.
  let tText = read(tonsil);
  conn.sendNotification(rpc.DidChangeTextDocumentNotification.type, { textDocument: { uri: tonsilUri, version: 20 }, contentChanges: [{ text: tText }] });
  const lenses = await conn.sendRequest(rpc.CodeLensRequest.type, { textDocument: { uri: tonsilUri } });
  const runAll = lenses.find((l) => l.command.command === 'cpe.runTests' && l.command.arguments.length === 2);
  assert.ok(runAll && /run tests \(\d+\)/.test(runAll.command.title), 'a run tests lens on the policy');
  assert.strictEqual(runAll.range.start.line, tText.split('\n').findIndex((l) => l.startsWith('policy ebi.tonsillectomy')));
  const testCount = +/\((\d+)\)/.exec(runAll.command.title)[1];
  assert.strictEqual(lenses.filter((l) => l.command.title === '▶ run test').length, testCount, 'a lens on each test');
  const decideLens = lenses.find((l) => l.command.command === 'cpe.decide' && l.command.title === 'decide: seven-disabling-episodes-this-year');
  assert.ok(decideLens, 'a decide lens for policies/examples/ebi.tonsillectomy--seven-disabling-episodes-this-year.json');
  const passing = await conn.sendRequest(rpc.ExecuteCommandRequest.type, { command: runAll.command.command, arguments: runAll.command.arguments });
  assert.deepStrictEqual([passing.passed, passing.failed], [testCount, 0]);
  // Break the first test's expectation and run it again through its own lens.
  const tLines = tText.split('\n');
  const expectRow = tLines.findIndex((l, i) => i > tLines.findIndex((x) => x.startsWith('test "seven episodes in the last year, disabling: eligible"')) && l.includes('expect eligible, route none'));
  conn.sendNotification(rpc.DidChangeTextDocumentNotification.type, {
    textDocument: { uri: tonsilUri, version: 21 },
    contentChanges: [{ range: { start: { line: expectRow, character: tLines[expectRow].indexOf('eligible') }, end: { line: expectRow, character: tLines[expectRow].indexOf('eligible') + 8 } }, text: 'review' }],
  });
  const lenses2 = await conn.sendRequest(rpc.CodeLensRequest.type, { textDocument: { uri: tonsilUri } });
  const firstTest = lenses2.find((l) => l.command.arguments[2] === 'seven episodes in the last year, disabling: eligible');
  const failing = await conn.sendRequest(rpc.ExecuteCommandRequest.type, { command: firstTest.command.command, arguments: firstTest.command.arguments });
  assert.deepStrictEqual([failing.passed, failing.failed], [0, 1]);
  const testDiags = await until(tonsilUri, (d) => d.some((x) => x.source === 'cpe test'), 'test failures as diagnostics');
  const td = testDiags.find((x) => x.source === 'cpe test');
  assert.strictEqual(td.range.start.line, expectRow, 'the failure is on the broken expectation: ' + JSON.stringify(td));
  assert.ok(td.message.includes('expected outcome review'), td.message);
  ok(`code lenses: run tests (${testCount} passed), a broken test's failure as a diagnostic on its line: ${td.message}`);

  const decided = await conn.sendRequest(rpc.ExecuteCommandRequest.type, { command: 'cpe.decide', arguments: decideLens.command.arguments });
  assert.strictEqual(decided.outcome, 'eligible');
  assert.strictEqual(decided.policy, 'ebi.tonsillectomy');
  ok('decide lens: the example referral is eligible');

  // Semantic tokens: names by what they mean (the legend's types).
  const legend = init.capabilities.semanticTokensProvider.legend;
  conn.sendNotification(rpc.DidChangeTextDocumentNotification.type, { textDocument: { uri: tonsilUri, version: 22 }, contentChanges: [{ text: tText }] });
  const sem = await conn.sendRequest(rpc.SemanticTokensRequest.type, { textDocument: { uri: tonsilUri } });
  const decoded = [];
  for (let i = 0, line = 0, ch = 0; i < sem.data.length; i += 5) {
    line += sem.data[i];
    ch = sem.data[i] === 0 ? ch + sem.data[i + 1] : sem.data[i + 1];
    decoded.push({ text: tLines[line].slice(ch, ch + sem.data[i + 2]), type: legend.tokenTypes[sem.data[i + 3]], declaration: (sem.data[i + 4] & 1) === 1 });
  }
  const typeOfName = (t) => (decoded.find((d) => d.text === t) || {}).type;
  assert.strictEqual(typeOfName('quinsy_episodes'), 'variable');
  assert.strictEqual(typeOfName('seven_in_one_year'), 'function');
  assert.strictEqual(typeOfName('ebi.tonsillectomy'), 'class');
  assert.strictEqual(typeOfName('malignancy'), 'function');
  assert.strictEqual(typeOfName('ebi'), 'namespace');
  ok(`semantic tokens: ${decoded.length} names typed by meaning (facts, criteria, policy, module)`);

  // The rest of what the issue asks of hover, navigation and completion, on files opened from disk.
  const openFile = (file) => {
    const t = read(file);
    conn.sendNotification(rpc.DidOpenTextDocumentNotification.type, { textDocument: { uri: uriOf(file), languageId: 'cpl', version: 1, text: t } });
    return t.split('\n');
  };
  const closeFile = (file) => conn.sendNotification(rpc.DidCloseTextDocumentNotification.type, { textDocument: { uri: uriOf(file) } });
  const where = (fileLines, needle, word, offset = 1) => {
    const line = fileLines.findIndex((l) => l.includes(needle));
    assert.ok(line >= 0, needle);
    return { line, character: fileLines[line].indexOf(word, fileLines[line].indexOf(needle)) + offset };
  };
  const hoverText = async (file, position) => (await conn.sendRequest(rpc.HoverRequest.type, { textDocument: { uri: uriOf(file) }, position })).contents.value;

  // Hover a policy: its header.
  const policyHover = await hoverText(tonsil, where(tLines, 'policy ebi.tonsillectomy', 'ebi.tonsillectomy'));
  for (const part of ['**policy** `ebi.tonsillectomy`', '**Tonsillectomy for recurrent tonsillitis (adults and children)**', 'version 2026-04-01, effective 2026-04-01', 'route criteria based'])
    assert.ok(policyHover.includes(part), 'policy hover has ' + part + ': ' + policyHover);
  ok('hover on a policy: title, version, effective date, route');

  // Hover a code set: its codes.
  const common = path.join(policies, 'shared', 'common.cpl');
  const cLines = openFile(common);
  const codesHover = await hoverText(common, where(cLines, 'codeset cancer_exclusion', 'cancer_exclusion'));
  assert.ok(codesHover.includes('**codeset** `cancer_exclusion` in common'), codesHover);
  assert.ok(codesHover.includes('Codes: `C00-C97`, `D00-D09`, `D37-D48`'), codesHover);
  closeFile(common);
  ok('hover on a code set: its description and codes');

  // `extends`: the definition of the policy extended, and a value used in an output.
  const gluten = path.join(policies, 'srp', 'gluten_free.cpl');
  const gLines = openFile(gluten);
  const extDef = await conn.sendRequest(rpc.DefinitionRequest.type, { textDocument: { uri: uriOf(gluten) }, position: where(gLines, 'policy srp.gluten_free.mse extends', 'srp.gluten_free {', 3) });
  assert.strictEqual(extDef.length, 1);
  assert.strictEqual(extDef[0].range.start.line, gLines.findIndex((l) => l.startsWith('policy srp.gluten_free {')));
  const extRefs = await conn.sendRequest(rpc.ReferencesRequest.type, { textDocument: { uri: uriOf(gluten) }, position: where(gLines, 'policy srp.gluten_free {', 'srp.gluten_free'), context: { includeDeclaration: false } });
  assert.strictEqual(extRefs.filter((r) => r.uri === uriOf(gluten) && gLines[r.range.start.line].includes('extends srp.gluten_free')).length, 3, 'the three policies that extend it');
  assert.ok(extRefs.some((r) => r.uri.endsWith('gluten_free_tests.cpl')), 'and the tests for it');
  const valueDef = await conn.sendRequest(rpc.DefinitionRequest.type, { textDocument: { uri: uriOf(gluten) }, position: where(gLines, 'then base_units +', 'base_units') });
  assert.strictEqual(valueDef[0].range.start.line, gLines.findIndex((l) => l.includes('value base_units "Units a month')));
  const valueHover = await hoverText(gluten, where(gLines, 'then base_units +', 'base_units'));
  assert.ok(valueHover.startsWith('**value** `base_units`') && valueHover.includes('8 at 1-10'), valueHover);
  ok('definition and references of `extends` (3 variants), definition and hover of a value');

  // A test's `like`: the references of a test are the tests that start from it, in every file.
  const ivfTests = path.join(policies, 'fertility', 'ivf_tests.cpl');
  const iLines = openFile(ivfTests);
  const likeRefs = await conn.sendRequest(rpc.ReferencesRequest.type, { textDocument: { uri: uriOf(ivfTests) }, position: where(iLines, 'test "eligible couple" for fertility.ivf', 'eligible couple'), context: { includeDeclaration: true } });
  const likers = [];
  for (const f of fs.readdirSync(path.join(policies, 'fertility')).filter((n) => n.endsWith('.cpl'))) {
    read(path.join(policies, 'fertility', f)).split('\n').forEach((l, i) => { if (l.includes('for fertility.ivf like "eligible couple"')) likers.push(f + ':' + i); });
  }
  assert.ok(likers.length > 5 && new Set(likers.map((l) => l.split(':')[0])).size >= 2, 'likes in more than one file');
  const refPlaces = likeRefs.filter((r) => !r.uri.endsWith('ivf_tests.cpl') || r.range.start.line !== iLines.findIndex((l) => l.startsWith('test "eligible couple"')))
    .map((r) => path.basename(r.uri) + ':' + r.range.start.line).sort();
  assert.deepStrictEqual(refPlaces, likers.sort());
  closeFile(ivfTests);
  ok(`references of a test: its ${likers.length} \`like\`s across ${new Set(likers.map((l) => l.split(':')[0])).size} files`);

  // Completion of units inside `[`, and of an ordered fact's levels after a comparison.
  const tUnitRow = tLines.findIndex((l) => l.includes('decide {'));
  const unitLine = '    fact weight: decimal [';
  conn.sendNotification(rpc.DidChangeTextDocumentNotification.type, { textDocument: { uri: tonsilUri, version: 30 }, contentChanges: [{ range: { start: { line: tUnitRow, character: 0 }, end: { line: tUnitRow, character: 0 } }, text: unitLine + '\n' }] });
  const units = (await conn.sendRequest(rpc.CompletionRequest.type, { textDocument: { uri: tonsilUri }, position: { line: tUnitRow, character: unitLine.length } })).map((i) => i.label);
  for (const u of ['kg/m2', 'months', 'g']) assert.ok(units.includes(u), 'unit ' + u + ' offered: ' + units);
  assert.ok(!units.includes('eligible'), 'only units inside [');
  conn.sendNotification(rpc.DidChangeTextDocumentNotification.type, { textDocument: { uri: tonsilUri, version: 31 }, contentChanges: [{ text: tText }] });
  const dst = path.join(policies, 'chc', 'dst.cpl');
  const dLines = openFile(dst);
  const dstRow = dLines.findIndex((l) => l.trim() === '}');
  const levelLine = '    criterion x "x" = dst_nutrition >= ';
  conn.sendNotification(rpc.DidChangeTextDocumentNotification.type, { textDocument: { uri: uriOf(dst), version: 2 }, contentChanges: [{ range: { start: { line: dstRow, character: 0 }, end: { line: dstRow, character: 0 } }, text: levelLine + '\n' }] });
  const levels = (await conn.sendRequest(rpc.CompletionRequest.type, { textDocument: { uri: uriOf(dst) }, position: { line: dstRow, character: levelLine.length } })).map((i) => i.label).sort();
  assert.deepStrictEqual(levels, ['high', 'low', 'moderate', 'no', 'severe'], 'dst_nutrition is levels up to severe');
  closeFile(dst);
  ok('completion: units inside `[` (' + units.length + '), the levels of `dst_nutrition` (up to severe) after `>=`');

  // Bad requests get JSON-RPC errors, and the server carries on.
  await assert.rejects(conn.sendRequest('textDocument/hover', { textDocument: { uri: 'file:///nowhere.cpl' }, position: { line: 0, character: 0 } }), (e) => e.code === -32602);
  await assert.rejects(conn.sendRequest('textDocument/hover', { textDocument: { uri: tonsilUri }, position: { line: -1, character: 'x' } }), (e) => e.code === -32602);
  await assert.rejects(conn.sendRequest('cpe/noSuchThing', {}), (e) => e.code === -32601);
  const again = await conn.sendRequest(rpc.HoverRequest.type, { textDocument: { uri: tonsilUri }, position: { line: 100000, character: 100000 } });
  assert.strictEqual(again, null);
  ok('bad requests: invalid params, unknown method, positions past the end');

  await conn.sendRequest(rpc.ShutdownRequest.type);
  conn.sendNotification(rpc.ExitNotification.type);
  const code = await exited;
  assert.strictEqual(code, 0);
  ok('shutdown and exit: exit code 0');
  conn.dispose();
}

main().catch((e) => { console.error('not ok - ' + (e.stack || e)); process.exit(1); });
