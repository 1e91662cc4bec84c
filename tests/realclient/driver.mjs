#!/usr/bin/env node
// Runs T-IA Connect's VS Code client (its own src/api/*.ts, src/chat/languageModelTools.ts and the modules they
// import, unmodified, wherever they are at test time) against a live engineering-api server and writes a JSON
// report: per call, pass/fail and why. Our code; the client's files are never copied into this repository.
//
//   node driver.mjs --check                      resolve the client and esbuild, bundle; exit 0, or 3 + reason
//   node driver.mjs --discover                   print the client's discoverRunningInstance() as JSON (it reads
//                                                APPDATA's instances.json as the extension does)
//   node driver.mjs --base-url URL --admin-key K --workspace DIR --report OUT.json
//
// Environment: TIA_CONNECT_CLIENT_DIR (a checkout with src/api); default: HEAD of the mirror's bare repository
// (TIA_CONNECT_CLIENT_GIT, default /work/.mirror/feelautom+tia-connect-vscode/repo) exported with `git archive`.
// REALCLIENT_CACHE (default ~/.cache/engineering-api/realclient): where npm installs the pinned esbuild.
// Exit codes: 0 every call passed (or failed as expected), 1 some failed, 3 cannot run (reason on stdout).

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { scenario } from './scenario.mjs';

export const ESBUILD_VERSION = '0.28.2';
const HERE = path.dirname(fileURLToPath(import.meta.url));
const DEFAULT_GIT = '/work/.mirror/feelautom+tia-connect-vscode/repo';
// What the harness loads from the client: every src/api module plus the LM tools and the server detector.
const EXTRA_MODULES = {
    lmTools: 'src/chat/languageModelTools.ts',
    serverDetector: 'src/install/serverDetector.ts',
    config: 'src/utils/config.ts',
    telemetry: 'src/telemetry/telemetry.ts',
};

// Exported functions of src/api that make no HTTP call of their own (helpers the client exports for its unit
// tests, header builders) or that the SignalR steps exercise; every other exported function must be called.
const NOT_CALLS = new Set([
    'client.toPascalCaseKeys', 'blocks.normalizeCompilationResult', 'blocks.flattenMessages', 'blocks.mapState',
    'jobs.isJobPollingCancellationError', 'clientIdentity.getExtensionVersion', 'clientIdentity.getClientId',
    'clientIdentity.getClientIdentityHeaders', 'signalr.getSignalRClient', 'signalr.disposeSignalR',
]);

class CannotRun extends Error {}

/** `module.function` of every exported function of src/api that calls the server (classes and helpers left out). */
function apiFunctions(modules, apiNames) {
    const names = [];
    for (const module of apiNames) {
        for (const [name, value] of Object.entries(modules[module] || {})) {
            if (typeof value !== 'function' || /^class\b/.test(Function.prototype.toString.call(value))) { continue; }
            if (!NOT_CALLS.has(`${module}.${name}`)) { names.push(`${module}.${name}`); }
        }
    }
    return names;
}

function parseArgs(argv) {
    const args = {};
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (!arg.startsWith('--')) { continue; }
        const name = arg.slice(2);
        if (name === 'check' || name === 'discover') { args[name] = true; continue; }
        args[name] = argv[++i];
    }
    return args;
}

/** The client's source directory: TIA_CONNECT_CLIENT_DIR, or HEAD of the mirror exported into a temp dir. */
function clientDir(scratch) {
    const given = process.env.TIA_CONNECT_CLIENT_DIR;
    if (given) {
        if (!fs.existsSync(path.join(given, 'src', 'api', 'client.ts'))) {
            throw new CannotRun(`TIA_CONNECT_CLIENT_DIR=${given} has no src/api/client.ts`);
        }
        return { dir: path.resolve(given), source: given, commit: null };
    }
    const gitDir = process.env.TIA_CONNECT_CLIENT_GIT || DEFAULT_GIT;
    if (!fs.existsSync(gitDir)) {
        throw new CannotRun(`no client source: set TIA_CONNECT_CLIENT_DIR to a checkout of feelautom/tia-connect-vscode `
            + `(or TIA_CONNECT_CLIENT_GIT to its git directory; ${gitDir} does not exist)`);
    }
    let commit;
    try {
        commit = execFileSync('git', ['--git-dir', gitDir, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
        const dir = path.join(scratch, 'client');
        fs.mkdirSync(dir, { recursive: true });
        const tar = execFileSync('git', ['--git-dir', gitDir, 'archive', '--format=tar', 'HEAD', 'src', 'package.json'],
            { maxBuffer: 256 * 1024 * 1024 });
        execFileSync('tar', ['-x', '-C', dir], { input: tar });
        return { dir, source: `${gitDir}@HEAD`, commit };
    } catch (err) {
        throw new CannotRun(`cannot export the client from ${gitDir} with git archive: ${err.message.split('\n')[0]}`);
    }
}

/** esbuild, pinned, installed by npm into the cache directory outside the repository on first use. */
function loadEsbuild() {
    const cache = process.env.REALCLIENT_CACHE || path.join(os.homedir(), '.cache', 'engineering-api', 'realclient');
    const pkg = path.join(cache, 'node_modules', 'esbuild', 'package.json');
    const installed = fs.existsSync(pkg) ? JSON.parse(fs.readFileSync(pkg, 'utf8')).version : null;
    if (installed !== ESBUILD_VERSION) {
        fs.mkdirSync(cache, { recursive: true });
        if (!fs.existsSync(path.join(cache, 'package.json'))) {
            fs.writeFileSync(path.join(cache, 'package.json'), '{"private": true}\n');
        }
        try {
            execFileSync('npm', ['install', '--no-audit', '--no-fund', '--silent', `esbuild@${ESBUILD_VERSION}`],
                { cwd: cache, stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000 });
        } catch (err) {
            throw new CannotRun(`cannot install esbuild@${ESBUILD_VERSION} with npm into ${cache}: `
                + `${String(err.stderr || err.message).trim().split('\n').slice(-1)[0]}`);
        }
    }
    return createRequire(path.join(cache, 'package.json'))('esbuild');
}

/** Transpile and bundle the client's modules into one CommonJS file; `vscode` stays our stand-in. */
async function bundle(client, scratch) {
    const esbuild = loadEsbuild();
    const apiDir = path.join(client.dir, 'src', 'api');
    const apiNames = fs.readdirSync(apiDir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).sort()
        .map((f) => path.basename(f, '.ts'));
    const lines = apiNames.map((name) => `export * as ${name} from './src/api/${name}';`);
    for (const [name, file] of Object.entries(EXTRA_MODULES)) {
        if (fs.existsSync(path.join(client.dir, file))) {
            lines.push(`export * as ${name} from './${file.replace(/\.ts$/, '')}';`);
        }
    }
    const stub = path.join(HERE, 'vscode-stub.cjs');
    const outfile = path.join(scratch, 'client-bundle.cjs');
    try {
        await esbuild.build({
            stdin: { contents: lines.join('\n'), resolveDir: client.dir, loader: 'ts', sourcefile: 'realclient-entry.ts' },
            bundle: true, platform: 'node', format: 'cjs', target: 'node18', outfile, logLevel: 'silent',
            plugins: [{
                name: 'vscode-stand-in',
                setup(build) {
                    build.onResolve({ filter: /^vscode$/ }, () => ({ path: stub, external: true }));
                },
            }],
        });
    } catch (err) {
        throw new CannotRun(`esbuild could not bundle the client: ${err.message.split('\n').slice(0, 3).join(' ')}`);
    }
    const require = createRequire(outfile);
    return { modules: require(outfile), vscode: require(stub), apiNames };
}

/** Every HTTP request the client makes, for the calls outside src/api (telemetry, SignalR, local key). */
function recordTraffic() {
    const traffic = [];
    const original = globalThis.fetch.bind(globalThis);
    globalThis.fetch = async (url, init = {}) => {
        const u = new URL(String(url));
        const entry = { method: (init.method || 'GET').toUpperCase(), path: u.pathname, query: u.search, status: null };
        traffic.push(entry);
        const started = Date.now();
        try {
            const resp = await original(url, init);
            entry.status = resp.status;
            entry.ms = Date.now() - started;
            return resp;
        } catch (err) {
            entry.status = 0;
            entry.ms = Date.now() - started;
            entry.error = err.name;
            throw err;
        }
    };
    return { traffic, original };
}

async function main() {
    const args = parseArgs(process.argv.slice(2));
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'realclient-'));
    let client;
    let loaded;
    try {
        client = clientDir(scratch);
        loaded = await bundle(client, scratch);
    } catch (err) {
        if (err instanceof CannotRun) {
            console.log(`cannot run: ${err.message}`);
            process.exit(3);
        }
        throw err;
    }
    if (args.check) {
        console.log(`ok: client from ${client.source}${client.commit ? ` (${client.commit})` : ''}, esbuild ${ESBUILD_VERSION}`);
        fs.rmSync(scratch, { recursive: true, force: true });
        return;
    }
    if (args.discover) {
        console.log(JSON.stringify(loaded.modules.serverDetector.discoverRunningInstance()));
        fs.rmSync(scratch, { recursive: true, force: true });
        process.exit(0);
    }
    for (const required of ['base-url', 'admin-key', 'workspace', 'remote', 'report']) {
        if (!args[required]) { console.error(`missing --${required}`); process.exit(2); }
    }
    const { traffic, original } = recordTraffic();
    const results = await scenario({
        m: loaded.modules, vscode: loaded.vscode, baseUrl: args['base-url'], adminKey: args['admin-key'],
        workspace: args.workspace, remote: args.remote, traffic, fetch: original, scratch,
    });
    const counts = {};
    for (const r of results) {
        counts[r.kind] ??= { pass: 0, fail: 0, xfail: 0 };
        counts[r.kind][r.status] += 1;
    }
    const called = new Set(results.filter((r) => r.kind === 'api').map((r) => r.name));
    const functions = [...apiFunctions(loaded.modules, loaded.apiNames), 'client.ping'];
    const report = {
        apiFunctions: functions.length,
        notCalled: functions.filter((f) => !called.has(f)),
        client: { source: client.source, commit: client.commit },
        server: args['base-url'],
        counts,
        failed: results.filter((r) => r.status === 'fail').map((r) => `${r.kind} ${r.name}: ${r.reason}`),
        expectedFailures: results.filter((r) => r.status === 'xfail').map((r) => `${r.kind} ${r.name}: ${r.reason}`),
        unexpectedPasses: results.unexpectedPasses || [],
        results,
        traffic: traffic.map((t) => `${t.method} ${t.path}${t.query} ${t.status} ${t.ms} ms`),
    };
    fs.writeFileSync(args.report, JSON.stringify(report, null, 2));
    fs.rmSync(scratch, { recursive: true, force: true });
    console.log(JSON.stringify({ apiFunctions: functions.length, notCalled: report.notCalled, counts, failed: report.failed.length, expectedFailures: report.expectedFailures.length }));
    // The SignalR poll loop and telemetry timers may still hold the event loop.
    process.exit(report.failed.length || report.notCalled.length ? 1 : 0);
}

main().catch((err) => {
    console.error(err && err.stack ? err.stack : String(err));
    process.exit(2);
});
