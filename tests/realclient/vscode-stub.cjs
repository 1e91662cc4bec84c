'use strict';
// A stand-in for the `vscode` module, enough for T-IA Connect's src/api/*, its telemetry, config,
// workspace-trust and output-channel helpers and src/chat/languageModelTools.ts to run under plain node.
// Our own code: it only answers what those modules ask (configuration, secrets, output, LM tool registry).

const state = {
    config: { 'tiaConnect.serverUrl': 'http://localhost:9000' },
    output: [],
    tools: new Map(),
    commands: [],
};

const configuration = (section) => ({
    get(key, fallback) {
        const value = state.config[`${section}.${key}`];
        return value === undefined ? fallback : value;
    },
    inspect() { return undefined; },
    async update(key, value) { state.config[`${section}.${key}`] = value; },
});

class LanguageModelTextPart { constructor(value) { this.value = value; } }
class LanguageModelToolResult { constructor(content) { this.content = content; } }
class Disposable { constructor(fn) { this.fn = fn; } dispose() { if (this.fn) { this.fn(); } } }

module.exports = {
    __state: state,
    version: '1.95.0',
    env: { language: 'en' },
    l10n: { t: (message) => message },
    workspace: { isTrusted: true, getConfiguration: configuration },
    window: {
        createOutputChannel: () => ({
            appendLine: (line) => state.output.push(line),
            append: (text) => state.output.push(text),
            show() {}, clear() {}, dispose() {},
        }),
        showWarningMessage: async () => undefined,
        showInformationMessage: async () => undefined,
        showErrorMessage: async () => undefined,
    },
    extensions: { getExtension: () => ({ packageJSON: { version: '1.0.3' } }) },
    commands: {
        registerCommand: (name) => { state.commands.push(name); return new Disposable(); },
        executeCommand: async () => undefined,
    },
    lm: {
        registerTool: (name, tool) => { state.tools.set(name, tool); return new Disposable(() => state.tools.delete(name)); },
    },
    ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
    Uri: { file: (path) => ({ fsPath: path, path, scheme: 'file' }) },
    Disposable,
    LanguageModelTextPart,
    LanguageModelToolResult,
};
