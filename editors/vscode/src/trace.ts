// The trace channel handed to vscode-languageclient. Since version 10 the client traces the LSP traffic only while
// its channel's log level is Trace (set by the user with "Developer: Set Log Level…"); `trace.server` then only
// chooses messages or verbose. This channel reports Trace while `engineeringApi.trace.server` is on, and writes
// the traced lines whatever the output channel's own level, so the setting alone turns the trace on and off.

import * as vscode from 'vscode';

export class TraceChannel implements vscode.LogOutputChannel {
    private readonly changed = new vscode.EventEmitter<vscode.LogLevel>();
    readonly onDidChangeLogLevel = this.changed.event;
    private readonly listening: vscode.Disposable;

    /** `tracing()`: whether the setting asks for a trace now (read on each use: settings change). */
    constructor(private readonly channel: vscode.LogOutputChannel, private readonly tracing: () => boolean) {
        this.listening = channel.onDidChangeLogLevel(() => this.changed.fire(this.logLevel));
    }

    get name(): string {
        return this.channel.name;
    }

    get logLevel(): vscode.LogLevel {
        return this.tracing() ? vscode.LogLevel.Trace : this.channel.logLevel;
    }

    /** The setting changed: the client asks for the level again and tells the server ($/setTrace). */
    settingChanged(): void {
        this.changed.fire(this.logLevel);
    }

    trace(message: string, ...args: unknown[]): void {
        if (this.tracing()) {
            this.channel.appendLine([message, ...args.map((a) => JSON.stringify(a))].join(' '));
        } else {
            this.channel.trace(message, ...args);
        }
    }

    debug(message: string, ...args: unknown[]): void {
        this.channel.debug(message, ...args);
    }

    info(message: string, ...args: unknown[]): void {
        this.channel.info(message, ...args);
    }

    warn(message: string, ...args: unknown[]): void {
        this.channel.warn(message, ...args);
    }

    error(error: string | Error, ...args: unknown[]): void {
        this.channel.error(error, ...args);
    }

    append(value: string): void {
        this.channel.append(value);
    }

    appendLine(value: string): void {
        this.channel.appendLine(value);
    }

    replace(value: string): void {
        this.channel.replace(value);
    }

    clear(): void {
        this.channel.clear();
    }

    show(preserveFocus?: boolean): void;
    show(column?: vscode.ViewColumn, preserveFocus?: boolean): void;
    show(first?: boolean | vscode.ViewColumn, preserveFocus?: boolean): void {
        this.channel.show(typeof first === 'boolean' ? first : preserveFocus);
    }

    hide(): void {
        this.channel.hide();
    }

    dispose(): void {
        this.listening.dispose();
        this.changed.dispose();
    }
}
