// The VS Code client: starts `cpe lsp --stdio` for .cpl files and hands it
// the workspace's library roots. Everything a policy author sees beyond
// highlighting (diagnostics, hover, definitions, completion, formatting) is
// the server's.
'use strict';
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration('cpl');
  const command = config.get('server.path') || 'cpe';
  const serverOptions = {
    run: { command, args: ['lsp', '--stdio'], transport: TransportKind.stdio },
    debug: { command, args: ['lsp', '--stdio', '-v'], transport: TransportKind.stdio },
  };
  const clientOptions = {
    documentSelector: [{ scheme: 'file', language: 'cpl' }],
    initializationOptions: { libraryRoots: config.get('libraryRoots') || [] },
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.cpl') },
  };
  client = new LanguageClient('cpl', 'CPL language server (cpe lsp)', serverOptions, clientOptions);
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
