'use strict';
// A stand-in for the `vscode` module, enough for our extension (editors/vscode) and vscode-languageclient to run
// under plain Node: configuration, messages, commands, text documents, the diagnostic collection and the
// language-feature registries, with the value classes the client converts LSP answers into. Our own code: it
// answers what those modules ask and records what they do, so harness.mjs can play VS Code's part (open a
// document, ask for a hover, formatting, a rename) and check what came back. A member it lacks is recorded in
// `state.missing` (the harness reports them), never guessed.

const state = {
    config: {},            // 'section.key' -> value
    messages: [],          // { level, text, actions }
    answer: undefined,     // what a message's buttons answer (undefined: the user dismissed it)
    commands: new Map(),   // name -> handler
    executed: [],          // [name, ...args]
    providers: [],         // { kind, selector, provider }
    diagnostics: new Map(),// uri string -> Diagnostic[]
    documents: [],
    output: [],
    missing: new Set(),
    waiters: [],           // { test, resolve }: resolved when test() holds after a change
};

/** Resolve the waiters whose condition now holds (called after every recorded change). */
function changed() {
    state.waiters = state.waiters.filter((w) => {
        const value = w.test();
        if (value) { w.resolve(value); return false; }
        return true;
    });
}

/** A promise of the first truthy test() (checked now and after each change). */
function until(test) {
    const value = test();
    if (value) { return Promise.resolve(value); }
    return new Promise((resolve) => state.waiters.push({ test, resolve }));
}

class Disposable {
    constructor(fn) { this.fn = fn; }
    static from(...items) { return new Disposable(() => items.forEach((i) => i && i.dispose && i.dispose())); }
    dispose() { if (this.fn) { const fn = this.fn; this.fn = undefined; fn(); } }
}

class EventEmitter {
    constructor() {
        this.listeners = new Set();
        this.event = (listener, thisArg, disposables) => {
            const bound = thisArg ? listener.bind(thisArg) : listener;
            this.listeners.add(bound);
            const d = new Disposable(() => this.listeners.delete(bound));
            if (Array.isArray(disposables)) { disposables.push(d); }
            return d;
        };
    }
    fire(value) { for (const l of [...this.listeners]) { l(value); } }
    dispose() { this.listeners.clear(); }
}

class CancellationTokenSource {
    constructor() {
        const emitter = new EventEmitter();
        this.emitter = emitter;
        this.token = { isCancellationRequested: false, onCancellationRequested: emitter.event };
    }
    cancel() { this.token.isCancellationRequested = true; this.emitter.fire(undefined); }
    dispose() { this.emitter.dispose(); }
}

class CancellationError extends Error { constructor() { super('Canceled'); this.name = 'Canceled'; } }

class Uri {
    constructor(scheme, authority, path, query, fragment) {
        Object.assign(this, { scheme, authority: authority || '', path: path || '/', query: query || '',
            fragment: fragment || '' });
    }
    static file(fsPath) { return new Uri('file', '', fsPath.replace(/\\/g, '/')); }
    static parse(value) {
        const m = /^([a-zA-Z][\w+.-]*):(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/.exec(value);
        if (!m) { throw new Error(`not a URI: ${value}`); }
        return new Uri(m[1], m[2], decodeURIComponent(m[3]), m[4], m[5]);
    }
    static joinPath(base, ...parts) { return base.with({ path: [base.path, ...parts].join('/').replace(/\/+/g, '/') }); }
    get fsPath() { return this.path; }
    with(change) {
        return new Uri(change.scheme ?? this.scheme, change.authority ?? this.authority, change.path ?? this.path,
            change.query ?? this.query, change.fragment ?? this.fragment);
    }
    toString() {
        const path = encodeURI(this.path).replace(/[?#]/g, encodeURIComponent);
        return `${this.scheme}:${this.scheme === 'file' || this.authority ? `//${this.authority}` : ''}${path}`
            + (this.query ? `?${this.query}` : '') + (this.fragment ? `#${this.fragment}` : '');
    }
    toJSON() { return { scheme: this.scheme, path: this.path, external: this.toString() }; }
}

class Position {
    constructor(line, character) { this.line = line; this.character = character; }
    isEqual(o) { return this.line === o.line && this.character === o.character; }
    isBefore(o) { return this.line < o.line || (this.line === o.line && this.character < o.character); }
}

class Range {
    constructor(a, b, c, d) {
        if (typeof a === 'number') { this.start = new Position(a, b); this.end = new Position(c, d); }
        else { this.start = a; this.end = b; }
    }
    get isEmpty() { return this.start.isEqual(this.end); }
    contains(p) { return !p.isBefore(this.start) && !this.end.isBefore(p); }
}

class Location { constructor(uri, range) { this.uri = uri; this.range = range; } }

class Diagnostic {
    constructor(range, message, severity = 0) { this.range = range; this.message = message; this.severity = severity; }
}

class MarkdownString {
    constructor(value = '', supportThemeIcons = false) { this.value = value; this.supportThemeIcons = supportThemeIcons; }
    appendMarkdown(text) { this.value += text; return this; }
    appendText(text) { this.value += text; return this; }
    appendCodeblock(code, lang = '') { this.value += `\n\`\`\`${lang}\n${code}\n\`\`\`\n`; return this; }
}

class Hover { constructor(contents, range) { this.contents = Array.isArray(contents) ? contents : [contents]; this.range = range; } }

class TextEdit {
    constructor(range, newText) { this.range = range; this.newText = newText; }
    static replace(range, newText) { return new TextEdit(range, newText); }
    static insert(position, newText) { return new TextEdit(new Range(position, position), newText); }
    static delete(range) { return new TextEdit(range, ''); }
}

class WorkspaceEdit {
    constructor() { this.edits = new Map(); }
    _for(uri) {
        const key = uri.toString();
        if (!this.edits.has(key)) { this.edits.set(key, [uri, []]); }
        return this.edits.get(key)[1];
    }
    replace(uri, range, newText) { this._for(uri).push(new TextEdit(range, newText)); }
    insert(uri, position, newText) { this._for(uri).push(TextEdit.insert(position, newText)); }
    delete(uri, range) { this._for(uri).push(TextEdit.delete(range)); }
    set(uri, edits) { const list = this._for(uri); list.length = 0; list.push(...(edits || []).map((e) => (Array.isArray(e) ? e[0] : e))); }
    has(uri) { return this.edits.has(uri.toString()); }
    get(uri) { return this.has(uri) ? this._for(uri) : []; }
    entries() { return [...this.edits.values()]; }
    get size() { return this.edits.size; }
    createFile() { state.missing.add('WorkspaceEdit.createFile'); }
    renameFile() { state.missing.add('WorkspaceEdit.renameFile'); }
    deleteFile() { state.missing.add('WorkspaceEdit.deleteFile'); }
}

/** A class the client extends or builds for a feature the harness does not exercise: it keeps its arguments. */
function valueClass(name) {
    return { [name]: class { constructor(...args) { this.args = args; } } }[name];
}

const enums = {
    DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
    DiagnosticTag: { Unnecessary: 1, Deprecated: 2 },
    LogLevel: { Off: 0, Trace: 1, Debug: 2, Info: 3, Warning: 4, Error: 5 },
    ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
    ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
    SymbolKind: Object.fromEntries(['File', 'Module', 'Namespace', 'Package', 'Class', 'Method', 'Property',
        'Field', 'Constructor', 'Enum', 'Interface', 'Function', 'Variable', 'Constant', 'String', 'Number',
        'Boolean', 'Array', 'Object', 'Key', 'Null', 'EnumMember', 'Struct', 'Event', 'Operator',
        'TypeParameter'].map((n, i) => [n, i])),
    SymbolTag: { Deprecated: 1 },
    CompletionItemKind: Object.fromEntries(['Text', 'Method', 'Function', 'Constructor', 'Field', 'Variable',
        'Class', 'Interface', 'Module', 'Property', 'Unit', 'Value', 'Enum', 'Keyword', 'Snippet', 'Color', 'File',
        'Reference', 'Folder', 'EnumMember', 'Constant', 'Struct', 'Event', 'Operator', 'TypeParameter', 'User',
        'Issue'].map((n, i) => [n, i])),
    CompletionItemTag: { Deprecated: 1 },
    CompletionTriggerKind: { Invoke: 0, TriggerCharacter: 1, TriggerForIncompleteCompletions: 2 },
    DocumentHighlightKind: { Text: 0, Read: 1, Write: 2 },
    FoldingRangeKind: { Comment: 1, Imports: 2, Region: 3 },
    TextDocumentSaveReason: { Manual: 1, AfterDelay: 2, FocusOut: 3 },
    CodeActionTriggerKind: { Invoke: 1, Automatic: 2 },
    SignatureHelpTriggerKind: { Invoke: 1, TriggerCharacter: 2, ContentChange: 3 },
    InlineCompletionTriggerKind: { Invoke: 0, Automatic: 1 },
    EndOfLine: { LF: 1, CRLF: 2 },
    UIKind: { Desktop: 1, Web: 2 },
    ExtensionMode: { Production: 1, Development: 2, Test: 3 },
};

class CodeActionKind {
    constructor(value) { this.value = value; }
    append(part) { return new CodeActionKind(this.value ? `${this.value}.${part}` : part); }
    contains(other) { return this.value === '' || other.value === this.value || other.value.startsWith(`${this.value}.`); }
    intersects(other) { return this.contains(other) || other.contains(this); }
}
for (const [name, value] of Object.entries({ Empty: '', QuickFix: 'quickfix', Refactor: 'refactor',
    RefactorExtract: 'refactor.extract', RefactorInline: 'refactor.inline', RefactorMove: 'refactor.move',
    RefactorRewrite: 'refactor.rewrite', Source: 'source', SourceOrganizeImports: 'source.organizeImports',
    SourceFixAll: 'source.fixAll', Notebook: 'notebook' })) {
    CodeActionKind[name] = new CodeActionKind(value);
}

// ---------------------------------------------------------------------------------------------- documents
class TextDocument {
    constructor(uri, languageId, text) {
        Object.assign(this, { uri, languageId, version: 1, isClosed: false, isDirty: false, isUntitled: false,
            eol: enums.EndOfLine.LF, text });
    }
    get fileName() { return this.uri.fsPath; }
    get lineCount() { return this.text.split('\n').length; }
    getText(range) {
        if (!range) { return this.text; }
        return this.text.slice(this.offsetAt(range.start), this.offsetAt(range.end));
    }
    offsetAt(position) {
        const lines = this.text.split('\n');
        let offset = 0;
        for (let i = 0; i < position.line && i < lines.length; i++) { offset += lines[i].length + 1; }
        return offset + position.character;
    }
    positionAt(offset) {
        const before = this.text.slice(0, offset).split('\n');
        return new Position(before.length - 1, before[before.length - 1].length);
    }
    lineAt(line) {
        const n = typeof line === 'number' ? line : line.line;
        const text = this.text.split('\n')[n];
        return { lineNumber: n, text, range: new Range(n, 0, n, text.length) };
    }
    getWordRangeAtPosition(position) {
        const text = this.lineAt(position.line).text;
        const re = /[A-Za-z_][A-Za-z0-9_]*/g;
        for (let m = re.exec(text); m; m = re.exec(text)) {
            if (m.index <= position.character && position.character <= m.index + m[0].length) {
                return new Range(position.line, m.index, position.line, m.index + m[0].length);
            }
        }
        return undefined;
    }
    save() { return Promise.resolve(true); }
}

// ---------------------------------------------------------------------------------------------- namespaces
/** A namespace object: the listed members, an event for any `onDid…`/`onWill…`, and a recorded miss otherwise. */
function namespace(name, members) {
    const events = new Map();
    return new Proxy(members, {
        get(target, prop) {
            if (prop in target || typeof prop === 'symbol') { return target[prop]; }
            if (/^on(Did|Will)/.test(prop)) {
                if (!events.has(prop)) { events.set(prop, new EventEmitter()); }
                return events.get(prop).event;
            }
            state.missing.add(`${name}.${String(prop)}`);
            return undefined;
        },
    });
}

const emitters = {
    open: new EventEmitter(), close: new EventEmitter(), change: new EventEmitter(), configuration: new EventEmitter(),
};

function configuration(section) {
    const key = (k) => (section ? `${section}.${k}` : k);
    return {
        get(k, fallback) { const v = state.config[key(k)]; return v === undefined ? fallback : v; },
        has(k) { return key(k) in state.config; },
        inspect(k) { return { key: key(k), globalValue: state.config[key(k)] }; },
        async update(k, value) { state.config[key(k)] = value; },
    };
}

function globToRegExp(glob) {
    let re = '';
    for (let i = 0; i < glob.length; i++) {
        const c = glob[i];
        if (c === '*' && glob[i + 1] === '*') { re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*'; i += glob[i + 2] === '/' ? 2 : 1; }
        else if (c === '*') { re += '[^/]*'; }
        else if (c === '?') { re += '[^/]'; }
        else if (c === '{') { re += '(?:'; }
        else if (c === '}') { re += ')'; }
        else if (c === ',') { re += '|'; }
        else { re += c.replace(/[.+^$()|[\]\\]/g, '\\$&'); }
    }
    return new RegExp(`^${re}$`);
}

/** VS Code's languages.match: a score above 0 when `selector` takes `document`. */
function match(selector, document) {
    if (Array.isArray(selector)) { return Math.max(0, ...selector.map((s) => match(s, document))); }
    if (typeof selector === 'string') { return selector === document.languageId ? 10 : 0; }
    if (selector.language && selector.language !== '*' && selector.language !== document.languageId) { return 0; }
    if (selector.scheme && selector.scheme !== '*' && selector.scheme !== document.uri.scheme) { return 0; }
    if (selector.pattern) {
        const pattern = typeof selector.pattern === 'string' ? selector.pattern : selector.pattern.pattern;
        if (!globToRegExp(pattern).test(document.uri.fsPath)) { return 0; }
    }
    return 10;
}

function register(kind) {
    return (selector, provider) => {
        const entry = { kind, selector, provider };
        state.providers.push(entry);
        changed();
        return new Disposable(() => { state.providers = state.providers.filter((p) => p !== entry); });
    };
}

const providerKinds = ['Hover', 'DocumentFormattingEdit', 'DocumentRangeFormattingEdit', 'OnTypeFormattingEdit',
    'Rename', 'Definition', 'Reference', 'DocumentSymbol', 'CompletionItem', 'CodeActions', 'SignatureHelp',
    'Declaration', 'TypeDefinition', 'Implementation', 'DocumentHighlight', 'CodeLens', 'DocumentLink', 'Color',
    'FoldingRange', 'SelectionRange', 'CallHierarchy', 'TypeHierarchy', 'WorkspaceSymbol', 'InlayHints',
    'InlineValues', 'InlineCompletionItem', 'LinkedEditingRange', 'DocumentSemanticTokens',
    'DocumentRangeSemanticTokens', 'EvaluatableExpression'];

const languages = namespace('languages', {
    match,
    createDiagnosticCollection(name) {
        return {
            name,
            set(uri, diagnostics) {
                if (Array.isArray(uri)) { for (const [u, d] of uri) { this.set(u, d); } return; }
                state.diagnostics.set(uri.toString(), diagnostics || []);
                changed();
            },
            delete(uri) { state.diagnostics.delete(uri.toString()); changed(); },
            get(uri) { return state.diagnostics.get(uri.toString()); },
            has(uri) { return state.diagnostics.has(uri.toString()); },
            forEach(fn) { for (const [u, d] of state.diagnostics) { fn(Uri.parse(u), d, this); } },
            clear() { state.diagnostics.clear(); changed(); },
            dispose() {},
        };
    },
    getLanguages: async () => ['scl', 'xml', 'plaintext'],
    ...Object.fromEntries(providerKinds.map((k) => [`register${k}Provider`, register(k)])),
    setLanguageConfiguration: () => new Disposable(),
});

function outputChannel(name) {
    const log = (level) => (text, ...rest) => { state.output.push(`[${level}] ${[text, ...rest].join(' ')}`); };
    return {
        name, logLevel: enums.LogLevel.Info, onDidChangeLogLevel: new EventEmitter().event,
        append: log('append'), appendLine: log('line'), replace: log('replace'),
        trace: log('trace'), debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'),
        show() {}, hide() {}, clear() {}, dispose() {},
    };
}

function message(level) {
    return async (text, ...rest) => {
        const actions = rest.filter((r) => typeof r === 'string' || (r && r.title)).map((r) => (typeof r === 'string' ? r : r.title));
        state.messages.push({ level, text, actions });
        changed();
        return state.answer;
    };
}

const window = namespace('window', {
    createOutputChannel: outputChannel,
    showErrorMessage: message('error'),
    showWarningMessage: message('warning'),
    showInformationMessage: message('information'),
    withProgress: async (options, task) => task({ report() {} }, new CancellationTokenSource().token),
    activeTextEditor: undefined,
    visibleTextEditors: [],
    tabGroups: namespace('window.tabGroups', { all: [], activeTabGroup: { tabs: [] } }),
    showTextDocument: async () => undefined,
    createStatusBarItem: () => ({ show() {}, hide() {}, dispose() {} }),
});

const workspace = namespace('workspace', {
    getConfiguration: configuration,
    workspaceFolders: [],
    textDocuments: state.documents,
    notebookDocuments: [],
    isTrusted: true,
    name: 'harness',
    onDidOpenTextDocument: emitters.open.event,
    onDidCloseTextDocument: emitters.close.event,
    onDidChangeTextDocument: emitters.change.event,
    onDidChangeConfiguration: emitters.configuration.event,
    createFileSystemWatcher: () => ({
        onDidCreate: new EventEmitter().event, onDidChange: new EventEmitter().event,
        onDidDelete: new EventEmitter().event, dispose() {},
    }),
    applyEdit: async () => true,
    getWorkspaceFolder: (uri) => workspace.workspaceFolders.find((f) => uri.fsPath.startsWith(f.uri.fsPath)),
});

const commands = namespace('commands', {
    registerCommand(name, handler) {
        state.commands.set(name, handler);
        return new Disposable(() => state.commands.delete(name));
    },
    async executeCommand(name, ...args) {
        state.executed.push([name, ...args]);
        const handler = state.commands.get(name);
        return handler ? handler(...args) : undefined;
    },
    getCommands: async () => [...state.commands.keys()],
});

// ------------------------------------------------------------------------------------ what the harness calls
const harness = {
    state,
    until,
    /** Open `fsPath` as VS Code would: a document in workspace.textDocuments and onDidOpenTextDocument. */
    open(fsPath, languageId, text) {
        const doc = new TextDocument(Uri.file(fsPath), languageId, text);
        state.documents.push(doc);
        emitters.open.fire(doc);
        return doc;
    },
    setWorkspaceFolder(fsPath) {
        workspace.workspaceFolders = [{ uri: Uri.file(fsPath), name: 'workspace', index: 0 }];
    },
    provider(kind) { return state.providers.find((p) => p.kind === kind); },
    /** Change a setting as the user would in the settings editor: onDidChangeConfiguration names it. */
    configure(key, value) {
        state.config[key] = value;
        emitters.configuration.fire({
            affectsConfiguration: (section) => key === section || key.startsWith(`${section}.`),
        });
    },
    token() { return new CancellationTokenSource().token; },
};

module.exports = new Proxy({
    __harness: harness,
    version: '1.95.0',
    env: namespace('env', {
        appName: 'Visual Studio Code (harness)', appRoot: '', language: 'en', machineId: 'harness',
        sessionId: 'harness', uiKind: enums.UIKind.Desktop, openExternal: async () => true,
    }),
    workspace, window, languages, commands,
    extensions: namespace('extensions', { getExtension: () => undefined, all: [] }),
    Disposable, EventEmitter, CancellationTokenSource, CancellationError, Uri, Position, Range, Location,
    Selection: Range, Diagnostic, MarkdownString, Hover, TextEdit, WorkspaceEdit, CodeActionKind,
    DiagnosticRelatedInformation: class { constructor(location, message) { this.location = location; this.message = message; } },
    RelativePattern: class { constructor(base, pattern) { this.base = base; this.baseUri = typeof base === 'string' ? Uri.file(base) : base.uri || base; this.pattern = pattern; } },
    ...enums,
    ...Object.fromEntries(['CallHierarchyItem', 'CallHierarchyIncomingCall', 'CallHierarchyOutgoingCall', 'CodeLens',
        'CompletionItem', 'CompletionList', 'DocumentLink', 'InlayHint', 'InlayHintLabelPart', 'SymbolInformation',
        'DocumentSymbol', 'TypeHierarchyItem', 'CodeAction', 'Color', 'ColorInformation', 'ColorPresentation',
        'DocumentHighlight', 'FoldingRange', 'SelectionRange', 'SemanticTokens', 'SemanticTokensEdit',
        'SemanticTokensEdits', 'SignatureHelp', 'SignatureInformation', 'ParameterInformation', 'SnippetString',
        'SnippetTextEdit', 'LinkedEditingRanges', 'InlineCompletionItem', 'InlineCompletionList',
        'InlineValueText', 'InlineValueVariableLookup', 'InlineValueEvaluatableExpression', 'TabInputText',
        'TabInputTextDiff', 'TabInputNotebook', 'TabInputCustom', 'NotebookCellKind', 'ThemeIcon',
        'TextDocumentChangeReason'].map((n) => [n, valueClass(n)])),
}, {
    get(target, prop) {
        if (!(prop in target) && typeof prop === 'string' && prop !== 'then' && prop !== '__esModule') {
            state.missing.add(prop);
        }
        return target[prop];
    },
});
