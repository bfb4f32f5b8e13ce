// The clausec extension: starts `clausec lsp` (the command of the setting `clausec.command`)
// over stdio for clause files, restarts it when the setting changes or on request.
// Plain CommonJS with no build step: what is here is what runs.
"use strict";

const os = require("os");
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

const SETTING = "clausec.command";
const DEFAULT_COMMAND = ["clausec", "lsp"];

/** @type {LanguageClient | undefined} */
let client;
/** @type {vscode.OutputChannel | undefined} */
let output;
// Starts and stops run one after the other: a second change of the setting while the
// server is still starting must not leave two servers running.
let queue = Promise.resolve();

/**
 * The server command of the setting, with `${workspaceFolder}` and `${userHome}` replaced,
 * or a message saying what is wrong with it.
 * @param {unknown} value
 * @returns {{ command: string[] } | { problem: string }}
 */
function serverCommand(value) {
  const words = value === undefined ? DEFAULT_COMMAND : value;
  if (!Array.isArray(words) || words.length === 0 || !words.every((w) => typeof w === "string")) {
    return { problem: `${SETTING} must be a list of strings, the program and its arguments` };
  }
  if (words[0].trim() === "") {
    return { problem: `${SETTING} names no program: its first item is empty` };
  }
  const folders = vscode.workspace.workspaceFolders;
  const folder = folders && folders.length > 0 ? folders[0].uri.fsPath : undefined;
  const command = [];
  for (const word of words) {
    if (word.includes("${workspaceFolder}") && folder === undefined) {
      return { problem: `${SETTING} uses \${workspaceFolder}, but no folder is open` };
    }
    command.push(
      word.split("${userHome}").join(os.homedir()).split("${workspaceFolder}").join(folder ?? ""),
    );
  }
  return { command };
}

/** @param {string[]} command */
function newClient(command) {
  const folders = vscode.workspace.workspaceFolders;
  const cwd = folders && folders.length > 0 ? folders[0].uri.fsPath : undefined;
  /** @type {import("vscode-languageclient/node").ServerOptions} */
  const serverOptions = {
    command: command[0],
    args: command.slice(1),
    transport: TransportKind.stdio,
    options: cwd === undefined ? {} : { cwd },
  };
  /** @type {import("vscode-languageclient/node").LanguageClientOptions} */
  const clientOptions = {
    documentSelector: [
      { scheme: "file", language: "clause" },
      { scheme: "untitled", language: "clause" },
    ],
    outputChannel: output,
    synchronize: {
      // Imports: a change to another clause file can change this file's diagnostics.
      fileEvents: vscode.workspace.createFileSystemWatcher("**/*.clause"),
    },
  };
  return new LanguageClient("clausec", "clausec language server", serverOptions, clientOptions);
}

async function stopServer() {
  const running = client;
  client = undefined;
  if (running === undefined) {
    return;
  }
  try {
    await running.stop();
  } catch (error) {
    output?.appendLine(`stopping the server failed: ${String(error)}`);
  }
}

async function startServer() {
  const setting = serverCommand(vscode.workspace.getConfiguration().get(SETTING));
  if ("problem" in setting) {
    output?.appendLine(setting.problem);
    showProblem(setting.problem);
    return;
  }
  const { command } = setting;
  output?.appendLine(`starting the server: ${JSON.stringify(command)}`);
  const started = newClient(command);
  client = started;
  try {
    await started.start();
  } catch (error) {
    client = undefined;
    // Releases what the failed client holds (its file watcher, its process if one started).
    await started.stop().catch(() => undefined);
    const problem =
      `could not start the clausec language server with ${JSON.stringify(command)}: ` +
      `${String(error instanceof Error ? error.message : error)}. ` +
      `Install clausec with its language server (pip install 'clausec[lsp]') or set ${SETTING}.`;
    output?.appendLine(problem);
    showProblem(problem);
  }
}

/** @param {string} problem */
function showProblem(problem) {
  const open = "Open Settings";
  vscode.window.showErrorMessage(`clausec: ${problem}`, open).then((choice) => {
    if (choice === open) {
      vscode.commands.executeCommand("workbench.action.openSettings", SETTING);
    }
  });
}

/** Runs `step` after every step queued before it; a failed step does not stop the queue. */
function enqueue(step) {
  queue = queue.then(step, step);
  return queue;
}

function restartServer() {
  return enqueue(async () => {
    await stopServer();
    await startServer();
  });
}

/** @param {vscode.ExtensionContext} context */
function activate(context) {
  output = vscode.window.createOutputChannel("clausec");
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand("clausec.restartServer", restartServer),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(SETTING)) {
        restartServer();
      }
    }),
  );
  return enqueue(startServer);
}

function deactivate() {
  return enqueue(stopServer);
}

module.exports = { activate, deactivate, serverCommand };
