#!/usr/bin/env node
// Activates the built VS Code extension (the `extension/` folder of its .vsix: package.json and the esbuild
// bundle) under plain Node, with vscode-host.cjs as the `vscode` module, and plays VS Code's part: the workspace
// folder, the settings, opening an SCL source, asking for a hover, formatting and a rename as the editor would
// (through the providers vscode-languageclient registered). Writes a JSON report: per check, ok and what was seen.
//
//   node harness.mjs --extension DIR --workspace DIR --storage DIR --scenario serve|missing --report OUT.json
//                    [--settings JSON] [--simaticml FILE] [--answer ACTION] [--timeout SECONDS]
//
// serve:   the server is expected to be found and started; checks diagnostics, hover, formatting, rename, stop;
//          with --simaticml (a SimaticML export), that a copy in TIA's `Program blocks` folder is checked and that
//          an XML file elsewhere is not sent to the server.
// missing: it is expected not to be found; checks the message (the next step, the Install action offered) and
//          that nothing was installed. The harness dismisses the message, as a user may, or with --answer
//          chooses that action (e.g. Install) and reports the message that follows.
// --timeout is the hang guard for each awaited event (tools/bounds.py), not a measure of speed.

import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const HOST = path.join(path.dirname(fileURLToPath(import.meta.url)), 'vscode-host.cjs');

/** An SCL function with one error (`#Missing` is not declared) laid out against TIA's export layout (the
 * declaration at column 0), so the formatter has something to change. */
const SOURCE = [
    'FUNCTION "Scale" : Real', 'VERSION : 0.1', 'VAR_INPUT', 'Raw : Int;   // the sensor value', 'END_VAR', 'BEGIN',
    '#Scale := INT_TO_REAL(#Raw) * 0.1;', '#Missing := 1;', 'END_FUNCTION', '',
].join('\n');
const USE_LINE = 6; // `#Scale := INT_TO_REAL(#Raw) * 0.1;`

function parseArgs(argv) {
    const args = {};
    for (let i = 0; i < argv.length; i++) {
        if (argv[i].startsWith('--')) { args[argv[i].slice(2)] = argv[++i]; }
    }
    return args;
}

/** The language id VS Code gives `file`: the extension's contributed languages, else the built-in xml. */
function languageOf(manifest, file) {
    const suffix = path.extname(file);
    for (const language of manifest.contributes.languages) {
        if ((language.extensions || []).includes(suffix)) { return language.id; }
    }
    return suffix.toLowerCase() === '.xml' ? 'xml' : 'plaintext';
}

/** An XML file outside the SimaticML patterns is not the server's; an export in `Program blocks` is. The server
 * answers each didOpen in order with its diagnostics (an empty list too), so once the export's have come, the
 * other's would have come first had it been sent. */
async function checkSimaticml(host, manifest, workspace, export_, until, check) {
    const other = path.join(workspace, 'config', 'settings.xml');
    const inside = path.join(workspace, 'PLC_1', 'Program blocks', path.basename(export_));
    fs.mkdirSync(path.dirname(other), { recursive: true });
    fs.mkdirSync(path.dirname(inside), { recursive: true });
    fs.writeFileSync(other, '<?xml version="1.0" encoding="utf-8"?>\n<settings />\n');
    fs.copyFileSync(export_, inside);
    const otherDoc = host.open(other, languageOf(manifest, other), fs.readFileSync(other, 'utf8'));
    const doc = host.open(inside, languageOf(manifest, inside), fs.readFileSync(inside, 'utf8'));
    const { diagnostics } = host.state;
    await until('diagnostics of the SimaticML export', () => diagnostics.has(doc.uri.toString()));
    check('simaticml', doc.languageId === 'xml' && !diagnostics.has(otherDoc.uri.toString()), {
        languageId: doc.languageId, published: [...diagnostics.keys()],
        export: diagnostics.get(doc.uri.toString()).map((d) => d.message),
    });
}

async function main() {
    const args = parseArgs(process.argv.slice(2));
    const timeoutMs = Number(args.timeout || 120) * 1000;
    const checks = {};
    const check = (name, ok, detail) => { checks[name] = { ok: Boolean(ok), detail }; };

    // `vscode` is the stand-in for the bundle, as VS Code's extension host provides it to extensions.
    const Module = require('node:module');
    const resolve = Module._resolveFilename;
    Module._resolveFilename = function (request, ...rest) {
        return request === 'vscode' ? HOST : resolve.call(this, request, ...rest);
    };
    const vscode = require(HOST);
    const host = vscode.__harness;
    const { state } = host;
    /** Wait for test() to hold, or fail the check `what` after the hang guard. */
    const until = (what, test) => {
        let timer;
        const guard = new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no ${what} after ${timeoutMs / 1000} s`)), timeoutMs);
        });
        return Promise.race([host.until(test), guard]).finally(() => clearTimeout(timer));
    };
    const attempt = async (name, body) => {
        try {
            await body();
        } catch (err) {
            check(name, false, String(err && err.stack || err));
        }
    };

    const extensionDir = path.resolve(args.extension);
    const manifest = JSON.parse(fs.readFileSync(path.join(extensionDir, 'package.json'), 'utf8'));
    // the settings' defaults come from the manifest, as VS Code takes them; then the user's
    for (const [key, property] of Object.entries(manifest.contributes.configuration.properties)) {
        state.config[key] = property.default;
    }
    Object.assign(state.config, JSON.parse(args.settings || '{}'));
    state.answer = args.answer;
    const workspace = path.resolve(args.workspace);
    const storage = path.resolve(args.storage);
    host.setWorkspaceFolder(workspace);
    const extension = require(path.join(extensionDir, manifest.main));
    const context = {
        subscriptions: [], extensionPath: extensionDir, extensionUri: vscode.Uri.file(extensionDir),
        globalStorageUri: vscode.Uri.file(storage), storageUri: undefined, logUri: vscode.Uri.file(storage),
        extensionMode: vscode.ExtensionMode.Test, asAbsolutePath: (p) => path.join(extensionDir, p),
        globalState: { get: () => undefined, update: async () => undefined, keys: () => [] },
        workspaceState: { get: () => undefined, update: async () => undefined, keys: () => [] },
    };
    const api = extension.activate(context);
    await api.ready;
    check('commands', ['engineeringApi.restart', 'engineeringApi.install'].every((c) => state.commands.has(c)),
        [...state.commands.keys()]);

    if (args.scenario === 'missing') {
        await attempt('message', async () => {
            const shown = await until('message', () => state.messages[0]);
            check('message', true, shown);
        });
        if (args.answer) {
            await attempt('answered', async () => {
                const next = await until(`the message after choosing ${args.answer}`, () => state.messages[1]);
                check('answered', true, next);
            });
        }
        check('not started', api.client() === undefined, { clientRuns: api.client() !== undefined });
        check('nothing installed', !fs.existsSync(path.join(storage, 'venv')),
            fs.existsSync(storage) ? fs.readdirSync(storage) : []);
    } else if (api.client() === undefined) {
        // no server: nothing else can be checked, and waiting for its answers would only wait out the hang guard
        check('started', false, { messages: state.messages, output: state.output.slice(-20) });
    } else {
        check('started', true, { messages: state.messages, output: state.output.slice(-20) });
        const file = path.join(workspace, 'Main.scl');
        fs.writeFileSync(file, SOURCE);
        const doc = host.open(file, languageOf(manifest, file), SOURCE);
        const uri = doc.uri.toString();
        await attempt('diagnostics', async () => {
            const found = await until('diagnostics', () => (state.diagnostics.get(uri) || []).length && state.diagnostics.get(uri));
            check('diagnostics', true, found.map((d) => ({
                code: typeof d.code === 'object' ? d.code.value : d.code, message: d.message, severity: d.severity,
                line: d.range.start.line, character: d.range.start.character,
            })));
        });
        const raw = new vscode.Position(USE_LINE, SOURCE.split('\n')[USE_LINE].indexOf('Raw') + 1);
        await attempt('hover', async () => {
            const provider = await until('hover provider', () => host.provider('Hover'));
            const hover = await provider.provider.provideHover(doc, raw, host.token());
            check('hover', hover && hover.contents.length,
                hover ? hover.contents.map((c) => (typeof c === 'string' ? c : c.value)).join('\n') : null);
        });
        await attempt('formatting', async () => {
            const provider = await until('formatting provider', () => host.provider('DocumentFormattingEdit'));
            const edits = await provider.provider.provideDocumentFormattingEdits(doc,
                { tabSize: 3, insertSpaces: true }, host.token());
            check('formatting', edits && edits.length, (edits || []).map((e) => ({
                line: e.range.start.line, character: e.range.start.character, newText: e.newText })));
        });
        await attempt('trace', async () => {
            // the trace setting switched on while the server runs: the next request is traced
            const traced = () => state.output.filter((line) => line.includes("Sending request 'textDocument/hover"));
            const before = traced().length;
            if (state.config['engineeringApi.trace.server'] !== 'off') {
                return;
            }
            host.configure('engineeringApi.trace.server', 'messages');
            const provider = await until('hover provider', () => host.provider('Hover'));
            await provider.provider.provideHover(doc, raw, host.token());
            check('trace', before === 0 && traced().length === 1, { before, after: traced().length });
        });
        await attempt('rename', async () => {
            const provider = host.provider('Rename');
            if (!provider) {
                check('rename', false, 'no rename provider: the server does not announce renameProvider');
                return;
            }
            const edit = await provider.provider.provideRenameEdits(doc, raw, 'RawValue', host.token());
            const edits = edit ? edit.get(doc.uri) : [];
            check('rename', edits.length >= 2 && edits.every((e) => e.newText === 'RawValue'),
                edits.map((e) => ({ line: e.range.start.line, character: e.range.start.character, newText: e.newText })));
        });
        if (args.simaticml) {
            await attempt('simaticml', async () => checkSimaticml(host, manifest, workspace, args.simaticml, until, check));
        }
        await attempt('stop', async () => {
            await extension.deactivate();
            for (const disposable of context.subscriptions) { disposable.dispose(); }  // as VS Code does next
            check('stop', api.client() === undefined, { clientRuns: api.client() !== undefined });
        });
    }
    const report = { scenario: args.scenario, checks, messages: state.messages, missingApi: [...state.missing],
        output: state.output };
    fs.writeFileSync(args.report, JSON.stringify(report, null, 2));
}

main().then(() => process.exit(0), (err) => {
    console.error(err && err.stack || err);
    process.exit(1);
});
