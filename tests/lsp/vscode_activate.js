// The packaged extension's extension.js, loaded in node as VS Code would load
// it, with `vscode` and `vscode-languageclient/node` stubbed: activate() must
// start a client on `<cpl.server.path> lsp --stdio` that hands the server the
// configured library roots, and deactivate() must stop it.
//   node vscode_activate.js UNPACKED_EXTENSION_DIR CPE SOURCE_DIR
// Each step prints "ok - ..." or throws; the exit code is the verdict.
'use strict';
const assert = require('assert');
const cp = require('child_process');
const fs = require('fs');
const Module = require('module');
const os = require('os');
const path = require('path');
const { pathToFileURL } = require('url');
const rpc = require('vscode-jsonrpc/node');

const [extDir, cpe] = process.argv.slice(2);
const ok = (what) => console.log('ok - ' + what);

// What the extension asks of VS Code: its settings and a file watcher.
let settings = {};
const vscode = {
  workspace: {
    getConfiguration(section) {
      assert.strictEqual(section, 'cpl');
      return { get: (key) => settings[key] };
    },
    createFileSystemWatcher: (glob) => ({ glob, dispose() {} }),
  },
};

// A LanguageClient that really starts the server it is given and speaks
// JSON-RPC to it: initialize with the client's initializationOptions,
// diagnostics collected, shutdown and exit on stop().
const clients = [];
class LanguageClient {
  constructor(id, name, serverOptions, clientOptions) {
    Object.assign(this, { id, name, serverOptions, clientOptions, diagnostics: new Map(), waiters: [] });
    clients.push(this);
  }
  async start(which = 'run') {
    const { command, args, transport } = this.serverOptions[which];
    assert.strictEqual(transport, TransportKind.stdio);
    this.proc = cp.spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    this.exited = new Promise((resolve) => this.proc.on('exit', (code) => resolve(code)));
    this.conn = rpc.createMessageConnection(new rpc.StreamMessageReader(this.proc.stdout), new rpc.StreamMessageWriter(this.proc.stdin));
    this.conn.onNotification('textDocument/publishDiagnostics', (p) => {
      this.diagnostics.set(p.uri, p.diagnostics);
      for (const w of this.waiters.splice(0)) w();
    });
    this.conn.listen();
    this.initialized = await this.conn.sendRequest('initialize', {
      processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null,
      initializationOptions: this.clientOptions.initializationOptions,
    });
    this.conn.sendNotification('initialized', {});
  }
  diagnosticsFor(uri) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no diagnostics for ' + uri)), 10000);
      const check = () => {
        if (this.diagnostics.has(uri)) { clearTimeout(timer); resolve(this.diagnostics.get(uri)); } else this.waiters.push(check);
      };
      check();
    });
  }
  async stop() {
    if (!this.conn) return;
    await this.conn.sendRequest('shutdown');
    this.conn.sendNotification('exit');
    this.exitCode = await this.exited;
    this.conn.dispose();
    this.conn = null;
  }
}
const TransportKind = { stdio: 0, ipc: 1, pipe: 2, socket: 3 };

const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === 'vscode') return vscode;
  if (request === 'vscode-languageclient/node') return { LanguageClient, TransportKind };
  return load.call(this, request, parent, isMain);
};

async function main() {
  const pkg = JSON.parse(fs.readFileSync(path.join(extDir, 'package.json'), 'utf8'));
  const main = path.join(extDir, pkg.main);
  // The client library it requires is packaged beside it (not found in tests/node).
  const packaged = require.resolve('vscode-languageclient/node', { paths: [extDir] });
  assert.ok(packaged.startsWith(extDir + path.sep), 'vscode-languageclient resolves inside the package: ' + packaged);
  assert.deepStrictEqual(pkg.contributes.languages.map((l) => [l.id, l.extensions]), [['cpl', ['.cpl']]]);
  assert.strictEqual(pkg.contributes.configuration.properties['cpl.server.path'].default, 'cpe');
  ok('package.json: the cpl language for .cpl files, cpl.server.path defaulting to cpe');

  // A library that is not in a folder named policies: only the configured root makes
  // the module in b.cpl part of it, and b.cpl's error then shows while a.cpl is open.
  const lib = fs.mkdtempSync(path.join(os.tmpdir(), 'cpe-vscode-'));
  const a = path.join(lib, 'a.cpl');
  const b = path.join(lib, 'b.cpl');
  fs.writeFileSync(a, 'policy t.a {\n    title "A"\n    version "1" effective 2026-01-01\n    route criteria based\n    use m\n    decide {\n        eligible when adult\n        otherwise not_eligible\n    }\n}\n');
  fs.writeFileSync(b, 'module m {\n    fact age: integer in 0..130 "Age"\n    criterion adult "Adult" = age >= eighteen\n}\n');

  settings = { 'server.path': cpe, libraryRoots: [lib] };
  delete require.cache[main];
  const ext = require(main);
  const context = { subscriptions: [] };
  await ext.activate(context);
  assert.strictEqual(clients.length, 1);
  const client = clients[0];
  assert.deepStrictEqual([client.serverOptions.run.command, client.serverOptions.run.args], [cpe, ['lsp', '--stdio']]);
  assert.deepStrictEqual(client.clientOptions.documentSelector, [{ scheme: 'file', language: 'cpl' }]);
  assert.strictEqual(client.clientOptions.synchronize.fileEvents.glob, '**/*.cpl');
  assert.ok(client.initialized.capabilities.hoverProvider, 'the server answered initialize');
  ok('activate(): a client on `' + path.basename(cpe) + ' lsp --stdio` (the configured cpl.server.path), initialized');

  client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: pathToFileURL(a).href, languageId: 'cpl', version: 1, text: fs.readFileSync(a, 'utf8') } });
  const bDiags = await client.diagnosticsFor(pathToFileURL(b).href);
  assert.ok(bDiags.some((d) => d.message.includes('eighteen') && d.range.start.line === 2), JSON.stringify(bDiags));
  assert.deepStrictEqual(client.diagnostics.get(pathToFileURL(a).href) || [], [], 'a.cpl finds module m in b.cpl');
  ok('cpl.libraryRoots reaches the server: opening a.cpl checks b.cpl beside it (' + bDiags[0].message + ')');

  // The debug launch (F5 in VS Code) must start a working server too.
  const debug = new LanguageClient('debug', 'debug', client.serverOptions, client.clientOptions);
  await debug.start('debug');
  assert.ok(debug.initialized.capabilities.hoverProvider);
  await debug.stop();
  assert.strictEqual(debug.exitCode, 0);
  ok('the debug server options (' + client.serverOptions.debug.args.join(' ') + ') start a server too');

  await ext.deactivate();
  assert.strictEqual(client.exitCode, 0, 'deactivate() shuts the server down');
  assert.ok(context.subscriptions.length >= 1 && typeof context.subscriptions[0].dispose === 'function');
  ok('deactivate(): shutdown and exit, exit code 0');

  // No settings: the command is `cpe` on PATH and no roots.
  settings = {};
  delete require.cache[main];
  const bare = require(main);
  const start = LanguageClient.prototype.start;
  LanguageClient.prototype.start = async function () {};  // nothing called cpe need be on PATH here
  await bare.activate({ subscriptions: [] });
  LanguageClient.prototype.start = start;
  const defaults = clients[clients.length - 1];
  assert.deepStrictEqual([defaults.serverOptions.run.command, defaults.clientOptions.initializationOptions], ['cpe', { libraryRoots: [] }]);
  ok('no settings: `cpe lsp --stdio` from PATH, no library roots');
  fs.rmSync(lib, { recursive: true, force: true });
}

main().catch((e) => { console.error('not ok - ' + (e.stack || e)); process.exit(1); });
