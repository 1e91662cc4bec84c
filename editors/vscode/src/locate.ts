// Where the checker is: the settings first (a path, then a Python interpreter), then `engineering-api` on PATH,
// then the virtual environment the install command made in the extension's global storage.
// Plain Node: no `vscode` here, so the rules read the same in the extension and in a test.

import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The settings that choose the server (section `engineeringApi`). */
export interface LocateSettings {
    readonly path: string;
    readonly python: string;
    readonly extraArgs: readonly string[];
}

/** How to start `engineering-api lsp`, and where that came from (shown in the output channel). */
export interface Found {
    readonly found: true;
    readonly command: string;
    readonly args: string[];
    readonly source: string;
}

/** Why it was not found, in a sentence that names the next step. `settingAtFault`: a setting points nowhere
 * (the user fixes it rather than installing). */
export interface NotFound {
    readonly found: false;
    readonly message: string;
    readonly settingAtFault: boolean;
}

export const EXECUTABLE = 'engineering-api';
/** The server's own arguments; `extraArgs` follow them. */
const LSP_ARGS = ['lsp'];
/** How long `python -c "import engineering_api"` may take before the interpreter counts as unusable. */
const IMPORT_CHECK_MS = 30_000;

/** The executable's file name(s) on this platform (Windows runs `.exe` and `.cmd` without their suffix). */
function executableNames(name: string, platform: NodeJS.Platform, pathext: string | undefined): string[] {
    if (platform !== 'win32') {
        return [name];
    }
    const suffixes = (pathext || '.EXE;.CMD;.BAT').split(';').filter((s) => s.length > 0);
    return [name, ...suffixes.map((suffix) => name + suffix.toLowerCase())];
}

function isExecutableFile(file: string, platform: NodeJS.Platform): boolean {
    try {
        if (!fs.statSync(file).isFile()) {
            return false;
        }
        if (platform !== 'win32') {
            fs.accessSync(file, fs.constants.X_OK);
        }
        return true;
    } catch {
        return false;
    }
}

/** The first `name` on `searchPath` (the PATH variable's value), as a shell would find it. */
export function onPath(name: string, searchPath: string | undefined, platform: NodeJS.Platform = process.platform,
    pathext: string | undefined = process.env['PATHEXT']): string | undefined {
    const separator = platform === 'win32' ? ';' : path.delimiter;
    for (const dir of (searchPath || '').split(separator)) {
        if (!dir) {
            continue;
        }
        for (const file of executableNames(name, platform, pathext)) {
            const candidate = path.join(dir, file);
            if (isExecutableFile(candidate, platform)) {
                return candidate;
            }
        }
    }
    return undefined;
}

/** The virtual environment the install command makes (`<global storage>/venv`). */
export function ownVenv(storageDir: string): string {
    return path.join(storageDir, 'venv');
}

/** The `engineering-api` script of a virtual environment. */
export function venvExecutable(venv: string, platform: NodeJS.Platform = process.platform): string {
    return platform === 'win32' ? path.join(venv, 'Scripts', `${EXECUTABLE}.exe`) : path.join(venv, 'bin', EXECUTABLE);
}

/** Why `python` cannot run `-m engineering_api` (undefined: it can). Asynchronous: the extension host's thread
 * must not wait on an interpreter's start. */
function pythonProblem(python: string): Promise<string | undefined> {
    return new Promise((resolve) => {
        execFile(python, ['-c', 'import engineering_api'], { encoding: 'utf8', timeout: IMPORT_CHECK_MS },
            (error, _stdout, stderr) => {
                if (error === null) {
                    resolve(undefined);
                } else if (typeof error.code === 'string' || error.killed) {  // ENOENT, EACCES, …; or the timeout
                    resolve(`cannot be run (${error.message.split('\n')[0]})`);
                } else {
                    const last = stderr.trim().split('\n').slice(-1)[0] || `exit ${error.code}`;
                    resolve(`cannot import engineering_api (${last})`);
                }
            });
    });
}

/** How to start the server, or why it cannot be started with the next step to take. */
export async function locate(settings: LocateSettings, storageDir: string, env: NodeJS.ProcessEnv = process.env,
    platform: NodeJS.Platform = process.platform): Promise<Found | NotFound> {
    const tail = [...LSP_ARGS, ...settings.extraArgs];
    if (settings.path) {
        if (!isExecutableFile(settings.path, platform)) {
            return {
                found: false, settingAtFault: true,
                message: `engineeringApi.path is "${settings.path}", which is not an executable file: set it to the `
                    + `engineering-api executable (for example a clone's .venv/bin/engineering-api), or clear it.`,
            };
        }
        return { found: true, command: settings.path, args: tail, source: 'the setting engineeringApi.path' };
    }
    if (settings.python) {
        const problem = await pythonProblem(settings.python);
        if (problem !== undefined) {
            return {
                found: false, settingAtFault: true,
                message: `engineeringApi.python is "${settings.python}", which ${problem}: run `
                    + `"${settings.python} -m pip install engineering-api", or clear the setting.`,
            };
        }
        return {
            found: true, command: settings.python, args: ['-m', 'engineering_api', ...tail],
            source: 'the setting engineeringApi.python',
        };
    }
    const fromPath = onPath(EXECUTABLE, env['PATH'] ?? env['Path'], platform, env['PATHEXT']);
    if (fromPath !== undefined) {
        return { found: true, command: fromPath, args: tail, source: 'PATH' };
    }
    const installed = venvExecutable(ownVenv(storageDir), platform);
    if (isExecutableFile(installed, platform)) {
        return { found: true, command: installed, args: tail, source: 'the extension\'s own installation' };
    }
    return {
        found: false, settingAtFault: false,
        message: 'engineering-api was not found: it is not on PATH, and neither engineeringApi.path nor '
            + 'engineeringApi.python is set. Install it (choose Install: pip install engineering-api into a virtual '
            + 'environment of the extension\'s own), or run "pip install engineering-api" yourself and set '
            + 'engineeringApi.path to its engineering-api.',
    };
}
