#!/usr/bin/env node
// Builds the extension's .vsix: type-checks src/ with tsc, bundles it and vscode-languageclient into one file with
// esbuild (so the package holds no node_modules), and packs it with vsce. The npm packages (package.json's
// dependencies and devDependencies, exact versions) are installed on first use into a cache directory outside the
// repository, as tests/realclient installs esbuild; nothing is written into this folder.
//
//   node editors/vscode/build.mjs --out DIR     writes DIR/<name>-<version>.vsix and prints {"vsix": its path}
//
// Environment: VSIX_CACHE (default ~/.cache/engineering-api/vsix): where npm installs the pinned packages.
// Exit codes: 0 built, 1 the build failed (the reason on stderr), 3 cannot build here (npm could not install the
// packages, e.g. no registry; the reason on stdout).

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** What the .vsix holds besides the bundle (vsce adds its manifest files). */
const SHIPPED = ['package.json', 'README.md', 'language-configuration.json', 'LICENSE.md'];
const NPM_TIMEOUT_MS = 300_000;

class CannotBuild extends Error {}

function parseArgs(argv) {
    const args = {};
    for (let i = 0; i < argv.length; i++) {
        if (argv[i].startsWith('--')) { args[argv[i].slice(2)] = argv[++i]; }
    }
    return args;
}

/** The pinned packages, installed into the cache when any is missing or at another version. */
function installPackages(manifest) {
    const cache = process.env.VSIX_CACHE || path.join(os.homedir(), '.cache', 'engineering-api', 'vsix');
    const wanted = { ...manifest.dependencies, ...manifest.devDependencies };
    const stale = Object.entries(wanted).filter(([name, version]) => {
        const pkg = path.join(cache, 'node_modules', name, 'package.json');
        return !fs.existsSync(pkg) || JSON.parse(fs.readFileSync(pkg, 'utf8')).version !== version;
    });
    if (stale.length) {
        fs.mkdirSync(cache, { recursive: true });
        if (!fs.existsSync(path.join(cache, 'package.json'))) {
            fs.writeFileSync(path.join(cache, 'package.json'), '{"private": true}\n');
        }
        const specs = Object.entries(wanted).map(([name, version]) => `${name}@${version}`);
        try {
            // few, short retries: without a registry npm would otherwise retry each package for about a minute
            execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--save-exact',
                '--fetch-retries=1', '--fetch-retry-mintimeout=2000', '--fetch-retry-maxtimeout=10000', ...specs],
            { cwd: cache, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout: NPM_TIMEOUT_MS });
        } catch (err) {
            const lines = String(err.stderr || '').split('\n');
            const said = lines.find((line) => line.includes('FetchError')) || lines.find((line) => / code /.test(line));
            throw new CannotBuild(`cannot install ${stale.map(([n, v]) => `${n}@${v}`).join(', ')} with npm into `
                + `${cache}: ${(said || err.message).replace(/^npm error /, '').trim()}`);
        }
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
    const modules = installPackages(manifest);
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
        await esbuild.build({
            entryPoints: [path.join(source, 'src', 'extension.ts')], outfile: bundle, bundle: true,
            platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], minify: true, keepNames: true,
            legalComments: 'inline', logLevel: 'silent',
            // vscode-languageclient's exports map: `./node` has only a "node" condition
            conditions: ['node'], mainFields: ['module', 'main'],
        });
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
