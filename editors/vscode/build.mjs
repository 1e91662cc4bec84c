#!/usr/bin/env node
// Builds the extension's .vsix: type-checks src/ with tsc, bundles it and vscode-languageclient into one file with
// esbuild (so the package holds no node_modules), and packs it with vsce. The npm packages (package-lock.json:
// package.json's exact versions and everything they need, locked) are installed with `npm ci` on first use into a
// cache directory outside the repository, as tests/realclient installs esbuild; nothing is written into this folder.
//
//   node editors/vscode/build.mjs --out DIR     writes DIR/<name>-<version>.vsix and prints {"vsix": its path}
//
// Environment: VSIX_CACHE (default ~/.cache/engineering-api/vsix): where npm installs the pinned packages.
// Exit codes: 0 built, 1 the build failed (the reason on stderr), 3 cannot build here (npm could not install the
// packages, e.g. no registry; the reason on stdout).

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** What the .vsix holds besides the bundle (vsce adds its manifest files). */
const SHIPPED = ['package.json', 'README.md', 'language-configuration.json', 'LICENSE.md'];
/** The bundled packages' license texts, in the package (MIT and ISC ask for their notices in every copy). */
const NOTICES = 'THIRD-PARTY-NOTICES.txt';
const NPM_TIMEOUT_MS = 300_000;

class CannotBuild extends Error {}

/** The license text of each npm package the bundle took code from (esbuild's metafile lists the inputs). */
function notices(metafile, modules) {
    const packages = new Set();
    for (const input of Object.keys(metafile.inputs)) {
        const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
        if (match) { packages.add(match[1]); }
    }
    const parts = [];
    for (const name of [...packages].sort()) {
        const dir = path.join(modules, name);
        const { version, license } = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
        const file = fs.readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
        if (file === undefined) {
            throw new Error(`${name}@${version} is bundled but ships no license file: its terms cannot be packed`);
        }
        parts.push(`${name}@${version} (${license})\n\n${fs.readFileSync(path.join(dir, file), 'utf8').trim()}\n`);
    }
    return `The bundle dist/extension.js holds code of these npm packages, under their licenses:\n\n`
        + parts.join(`\n${'-'.repeat(78)}\n\n`);
}

function parseArgs(argv) {
    const args = {};
    for (let i = 0; i < argv.length; i++) {
        if (argv[i].startsWith('--')) { args[argv[i].slice(2)] = argv[++i]; }
    }
    return args;
}

/** The packages of package-lock.json (every one, at its locked version and integrity), installed into the cache
 * with `npm ci` when the cache holds another lock's install. */
function installPackages() {
    const cache = process.env.VSIX_CACHE || path.join(os.homedir(), '.cache', 'engineering-api', 'vsix');
    const lock = fs.readFileSync(path.join(HERE, 'package-lock.json'));
    const digest = createHash('sha256').update(lock).digest('hex');
    const stamp = path.join(cache, '.installed-lock');
    if (!fs.existsSync(stamp) || fs.readFileSync(stamp, 'utf8') !== digest) {
        fs.mkdirSync(cache, { recursive: true });
        fs.rmSync(stamp, { force: true });
        for (const file of ['package.json', 'package-lock.json']) {
            fs.copyFileSync(path.join(HERE, file), path.join(cache, file));
        }
        try {
            // few, short retries: without a registry npm would otherwise retry each package for about a minute
            execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error', '--fetch-retries=1',
                '--fetch-retry-mintimeout=2000', '--fetch-retry-maxtimeout=10000'],
            { cwd: cache, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout: NPM_TIMEOUT_MS });
        } catch (err) {
            const lines = String(err.stderr || '').split('\n');
            const said = lines.find((line) => line.includes('FetchError')) || lines.find((line) => / code /.test(line));
            throw new CannotBuild(`cannot install editors/vscode/package-lock.json's packages with npm ci into `
                + `${cache}: ${(said || err.message).replace(/^npm error /, '').trim()}`);
        }
        fs.writeFileSync(stamp, digest);
    }
    return path.join(cache, 'node_modules');
}

function runNode(script, args, cwd) {
    try {
        return execFileSync(process.execPath, [script, ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
        throw new Error(`${path.basename(script)} ${args.join(' ')} failed:\n${err.stdout || ''}${err.stderr || ''}`);
    }
}

async function build(outDir) {
    const manifest = JSON.parse(fs.readFileSync(path.join(HERE, 'package.json'), 'utf8'));
    const modules = installPackages();
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'vsix-build-'));
    try {
        // The sources next to the cache's node_modules, so tsc and esbuild resolve the packages as npm laid them out.
        const source = path.join(scratch, 'source');
        fs.cpSync(path.join(HERE, 'src'), path.join(source, 'src'), { recursive: true });
        fs.copyFileSync(path.join(HERE, 'tsconfig.json'), path.join(source, 'tsconfig.json'));
        fs.symlinkSync(modules, path.join(source, 'node_modules'), 'junction');
        runNode(path.join(modules, 'typescript', 'bin', 'tsc'), ['-p', source], source);

        const staged = path.join(scratch, 'extension');
        const bundle = path.join(staged, manifest.main);
        const { createRequire } = await import('node:module');
        const esbuild = createRequire(path.join(modules, '..', 'package.json'))('esbuild');
        const result = await esbuild.build({
            entryPoints: [path.join(source, 'src', 'extension.ts')], outfile: bundle, bundle: true,
            platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], minify: true, keepNames: true,
            legalComments: 'inline', logLevel: 'silent', metafile: true,
            // vscode-languageclient's exports map: `./node` has only a "node" condition
            conditions: ['node'], mainFields: ['module', 'main'],
        });
        fs.writeFileSync(path.join(staged, NOTICES), notices(result.metafile, modules));
        for (const file of SHIPPED) {
            if (fs.existsSync(path.join(HERE, file))) { fs.copyFileSync(path.join(HERE, file), path.join(staged, file)); }
        }
        fs.mkdirSync(outDir, { recursive: true });
        const vsix = path.resolve(outDir, `${manifest.name}-${manifest.version}.vsix`);
        // --no-dependencies: the bundle holds them. --skip-license: the project is proprietary and ships no
        // license file (LICENSE.md is packed when there is one; docs/editors.md, "Publishing").
        const licensed = fs.existsSync(path.join(HERE, 'LICENSE.md'));
        runNode(path.join(modules, '@vscode', 'vsce', 'vsce'),
            ['package', '--no-dependencies', ...(licensed ? [] : ['--skip-license']), '--out', vsix], staged);
        return vsix;
    } finally {
        fs.rmSync(scratch, { recursive: true, force: true });
    }
}

const args = parseArgs(process.argv.slice(2));
if (!args.out) {
    console.error('usage: node build.mjs --out DIR');
    process.exit(2);
}
try {
    console.log(JSON.stringify({ vsix: await build(args.out) }));
} catch (err) {
    if (err instanceof CannotBuild) {
        console.log(err.message);
        process.exit(3);
    }
    console.error(err.message);
    process.exit(1);
}
