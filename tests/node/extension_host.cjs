// Runs the VS Code extension's activate() under a small fake of the `vscode` module and of
// vscode-languageclient, goes through a series of steps (setting changes, the restart
// command, a server that fails to start, deactivate) and prints what the extension did as
// JSON, one entry per event:
//   node extension_host.cjs EXTENSION.js WORKSPACE_FOLDER
"use strict";

const Module = require("module");
const path = require("path");

const [extensionPath, folder] = process.argv.slice(2);
const events = [];
const log = (...entry) => events.push(entry);

const settings = { "clausec.command": undefined };
const commands = new Map();
const configurationListeners = [];
let failNextStart = false;

const vscode = {
  workspace: {
    workspaceFolders: [{ uri: { fsPath: folder } }],
    getConfiguration: () => ({ get: (key) => settings[key] }),
    onDidChangeConfiguration: (listener) => {
      configurationListeners.push(listener);
      return { dispose() {} };
    },
    createFileSystemWatcher: (glob) => ({ glob, dispose() {} }),
  },
  window: {
    createOutputChannel: (name) => {
      log("output channel", name);
      return { name, appendLine: (line) => log("output", line), dispose() {} };
    },
    showErrorMessage: (message, ...actions) => {
      log("error message", message, actions);
      return Promise.resolve(undefined);
    },
  },
  commands: {
    registerCommand: (name, run) => {
      log("command registered", name);
      commands.set(name, run);
      return { dispose() {} };
    },
    executeCommand: (name, ...args) => {
      log("command executed", name, ...args);
      return Promise.resolve();
    },
  },
};

let clients = 0;
class LanguageClient {
  constructor(id, name, serverOptions, clientOptions) {
    this.number = ++clients;
    log("client", this.number, id, name, serverOptions, {
      documentSelector: clientOptions.documentSelector,
      outputChannel: clientOptions.outputChannel && clientOptions.outputChannel.name,
      fileEvents: clientOptions.synchronize.fileEvents.glob,
    });
  }
  async start() {
    log("start", this.number);
    if (failNextStart) {
      failNextStart = false;
      throw new Error("spawn no-such-program ENOENT");
    }
  }
  async stop() {
    log("stop", this.number);
  }
}

const fakes = {
  vscode,
  "vscode-languageclient/node": { LanguageClient, TransportKind: { stdio: 0, ipc: 1 } },
};
const load = Module._load;
Module._load = function (request, parent, isMain) {
  return Object.prototype.hasOwnProperty.call(fakes, request)
    ? fakes[request]
    : load.call(this, request, parent, isMain);
};

async function changeSetting(value, affected = true) {
  settings["clausec.command"] = value;
  log("setting", value === undefined ? null : value);
  for (const listener of configurationListeners) {
    listener({ affectsConfiguration: (section) => affected && section === "clausec.command" });
  }
  await settle();
}

// The extension chains its work on promises: let them all run.
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

(async () => {
  const extension = require(path.resolve(extensionPath));
  const context = { subscriptions: [] };
  await extension.activate(context);
  await settle();
  log("subscriptions", context.subscriptions.length);

  await changeSetting(["${workspaceFolder}/.venv/bin/clausec", "lsp"]);
  await changeSetting(["${workspaceFolder}/.venv/bin/clausec", "lsp"], false);
  log("run command", "clausec.restartServer");
  await commands.get("clausec.restartServer")();
  await settle();
  await changeSetting([]);
  await changeSetting("clausec lsp");
  failNextStart = true;
  await changeSetting(["no-such-program"]);
  await changeSetting(undefined);
  await extension.deactivate();
  await settle();
  process.stdout.write(JSON.stringify(events));
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
