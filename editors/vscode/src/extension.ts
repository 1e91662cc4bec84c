// The extension: finds the checker (locate.ts), offers to install it when it is missing (install.ts, only on the
// user's confirmation) and runs `engineering-api lsp` over stdio with vscode-languageclient for SCL sources and
// the SimaticML exports the settings name.

import * as vscode from 'vscode';
import {
    LanguageClient, type LanguageClientOptions, type ServerOptions, TransportKind,
} from 'vscode-languageclient/node';

import { InstallError, installChecker } from './install';
import { type Found, type LocateSettings, locate } from './locate';
import { TraceChannel } from './trace';

const SECTION = 'engineeringApi';
const CLIENT_ID = 'engineeringApi'; // vscode-languageclient reads `${CLIENT_ID}.trace.server`
const NAME = 'engineering-api';
const INSTALL = 'Install';
const OPEN_SETTINGS = 'Open Settings';
/** Settings whose change needs a new server process (the trace is switched in the running client). */
const RESTART_ON = ['path', 'python', 'extraArgs', 'simaticml.include'].map((key) => `${SECTION}.${key}`);
const TRACE = `${SECTION}.trace.server`;
/** Files whose change the server re-reads: sources, exports, the Excel tag export and the checker's settings. */
const WATCHED = '**/{*.scl,*.SCL,*.udt,*.db,*.xml,*.xlsx,pyproject.toml,engineering-api.toml}';

/** What activate() returns: the running client (tests and other extensions may wait for it). */
export interface Api {
    /** The client, once a server runs (undefined while none does). */
    client(): LanguageClient | undefined;
    /** Settles when the first start attempt is over: a server runs, or the message saying why not is shown. */
    readonly ready: Promise<void>;
}

function settings(): LocateSettings & { installSpec: string; simaticml: string[] } {
    const config = vscode.workspace.getConfiguration(SECTION);
    return {
        path: config.get<string>('path', '').trim(),
        python: config.get<string>('python', '').trim(),
        extraArgs: config.get<string[]>('extraArgs', []),
        installSpec: config.get<string>('installSpec', 'engineering-api').trim() || 'engineering-api',
        simaticml: config.get<string[]>('simaticml.include', []),
    };
}

function clientOptions(simaticml: readonly string[], output: vscode.LogOutputChannel,
    trace: vscode.LogOutputChannel, watcher: vscode.FileSystemWatcher): LanguageClientOptions {
    return {
        // SCL everywhere; XML only where the settings say SimaticML exports are (`.xml` is every XML file).
        documentSelector: [
            { scheme: 'file', language: 'scl' },
            { scheme: 'untitled', language: 'scl' },
            ...simaticml.map((pattern) => ({ scheme: 'file', language: 'xml', pattern })),
        ],
        synchronize: { fileEvents: watcher },
        outputChannel: output,
        traceOutputChannel: trace,
    };
}

class Controller {
    private running: LanguageClient | undefined;
    /** One watcher for the extension's life: each client (a restart makes a new one) listens to it. */
    readonly watcher = vscode.workspace.createFileSystemWatcher(WATCHED);

    constructor(private readonly context: vscode.ExtensionContext, private readonly output: vscode.LogOutputChannel,
        private readonly trace: TraceChannel) {}

    client(): LanguageClient | undefined {
        return this.running;
    }

    /** Start the server if it can be found; else say why, offering the install (run only if the user chooses). */
    async start(): Promise<void> {
        const chosen = settings();
        const where = await locate(chosen, this.context.globalStorageUri.fsPath);
        if (!where.found) {
            this.output.appendLine(where.message);
            // not awaited: the answer may come much later, or never
            void this.offer(where.message, where.settingAtFault ? [OPEN_SETTINGS] : [INSTALL, OPEN_SETTINGS]);
            return;
        }
        await this.launch(where, chosen.simaticml);
    }

    /** Show `message` with `actions`; run the one the user chooses (nothing if the message is dismissed). */
    private async offer(message: string, actions: string[]): Promise<void> {
        const answer = await vscode.window.showErrorMessage(message, ...actions);
        if (answer === INSTALL) {
            await this.install();
        } else if (answer === OPEN_SETTINGS) {
            await vscode.commands.executeCommand('workbench.action.openSettings', SECTION);
        }
    }

    private async launch(where: Found, simaticml: readonly string[]): Promise<void> {
        this.output.appendLine(`Starting ${where.command} ${where.args.join(' ')} (found by ${where.source})`);
        const server: ServerOptions = { command: where.command, args: where.args, transport: TransportKind.stdio };
        const options = clientOptions(simaticml, this.output, this.trace, this.watcher);
        const client = new LanguageClient(CLIENT_ID, NAME, server, options);
        try {
            await client.start();
        } catch (err) {
            const message = `${where.command} ${where.args.join(' ')} did not start as a language server `
                + `(${err instanceof Error ? err.message : String(err)}): run it in a terminal to see why, or point `
                + 'engineeringApi.path at another engineering-api.';
            this.output.appendLine(message);
            void this.offer(message, [OPEN_SETTINGS]);
            return;
        }
        this.running = client;
    }

    async stop(): Promise<void> {
        const client = this.running;
        this.running = undefined;
        if (client !== undefined) {
            await client.stop();
        }
    }

    async restart(): Promise<void> {
        await this.stop();
        await this.start();
    }

    /** The install action: a venv in global storage and pip install into it, with progress; then start. */
    async install(): Promise<void> {
        const chosen = settings();
        const storage = this.context.globalStorageUri.fsPath;
        this.output.show(true);
        try {
            await vscode.window.withProgress(
                { location: vscode.ProgressLocation.Notification, title: `pip install ${chosen.installSpec}` },
                () => installChecker(storage, chosen.installSpec, chosen.python, (line) => this.output.appendLine(line)),
            );
        } catch (err) {
            const message = err instanceof InstallError ? err.message
                : `The install failed: ${err instanceof Error ? err.message : String(err)}`;
            this.output.appendLine(message);
            void vscode.window.showErrorMessage(message);
            return;
        }
        await this.restart();
    }
}

let controller: Controller | undefined;

export function activate(context: vscode.ExtensionContext): Api {
    const output = vscode.window.createOutputChannel(NAME, { log: true });
    const trace = new TraceChannel(output,
        () => vscode.workspace.getConfiguration(SECTION).get<string>('trace.server', 'off') !== 'off');
    const own = new Controller(context, output, trace);
    controller = own;
    context.subscriptions.push(
        output,
        trace,
        own.watcher,
        vscode.commands.registerCommand(`${SECTION}.restart`, () => own.restart()),
        vscode.commands.registerCommand(`${SECTION}.install`, () => own.install()),
        vscode.commands.registerCommand(`${SECTION}.showOutput`, () => output.show()),
        vscode.workspace.onDidChangeConfiguration((event) => {
            if (RESTART_ON.some((key) => event.affectsConfiguration(key))) {
                void own.restart();
            } else if (event.affectsConfiguration(TRACE)) {
                trace.settingChanged();
            }
        }),
    );
    return { client: () => own.client(), ready: own.start() };
}

export async function deactivate(): Promise<void> {
    await controller?.stop();
    controller = undefined;
}
