// The install action (run only when the user confirms it): a virtual environment in the extension's global
// storage and `pip install engineering-api` into it. Plain Node, like locate.ts; the extension shows the progress.

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';

import { onPath, ownVenv, venvExecutable } from './locate';

/** engineering-api's own floor (pyproject.toml: requires-python). */
const MIN_PYTHON: readonly [number, number] = [3, 11];
const VERSION_PROBE = 'import sys; print("%d.%d" % sys.version_info[:2])';

/** A line of what the commands print, for the output channel. */
export type Log = (line: string) => void;

export class InstallError extends Error {}

/** Run `command args`, sending its output to `log`; resolves with its exit code (rejects when it cannot start). */
function run(command: string, args: readonly string[], log: Log): Promise<{ code: number; out: string }> {
    return new Promise((resolve, reject) => {
        log(`> ${command} ${args.join(' ')}`);
        const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        const take = (chunk: Buffer): void => {
            const text = chunk.toString('utf8');
            out += text;
            for (const line of text.split(/\r?\n/)) {
                if (line) {
                    log(line);
                }
            }
        };
        child.stdout.on('data', take);
        child.stderr.on('data', take);
        child.on('error', reject);
        child.on('close', (code) => resolve({ code: code ?? -1, out }));
    });
}

/** A Python interpreter, 3.11 or newer, to make the virtual environment with: `preferred` (the setting), else
 * python3 / python (py -3 on Windows) on PATH. */
async function basePython(preferred: string, log: Log): Promise<{ command: string; args: string[] }> {
    const candidates: { command: string; args: string[] }[] = [];
    if (preferred) {
        candidates.push({ command: preferred, args: [] });
    }
    for (const name of process.platform === 'win32' ? ['py', 'python'] : ['python3', 'python']) {
        const found = onPath(name, process.env['PATH'] ?? process.env['Path']);
        if (found !== undefined) {
            candidates.push({ command: found, args: name === 'py' ? ['-3'] : [] });
        }
    }
    const seen: string[] = [];
    for (const candidate of candidates) {
        let probe;
        try {
            probe = await run(candidate.command, [...candidate.args, '-c', VERSION_PROBE], log);
        } catch {
            continue;
        }
        const [major, minor] = probe.out.trim().split('.').map(Number);
        seen.push(`${candidate.command} (${probe.out.trim() || 'no version'})`);
        if (probe.code === 0 && major !== undefined && minor !== undefined
            && (major > MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor >= MIN_PYTHON[1]))) {
            return candidate;
        }
    }
    throw new InstallError(`engineering-api needs Python ${MIN_PYTHON.join('.')} or newer to install into, and `
        + (seen.length ? `found only ${seen.join(', ')}` : 'none is on PATH')
        + ': install Python 3.11+ (python.org), or set engineeringApi.python to one.');
}

/** Make `<storage>/venv` and pip install `spec` into it; the path of its `engineering-api`. */
export async function installChecker(storageDir: string, spec: string, preferredPython: string,
    log: Log): Promise<string> {
    const python = await basePython(preferredPython, log);
    const venv = ownVenv(storageDir);
    fs.mkdirSync(storageDir, { recursive: true });
    const made = await run(python.command, [...python.args, '-m', 'venv', venv], log);
    if (made.code !== 0) {
        throw new InstallError(`"${python.command} -m venv ${venv}" failed (exit ${made.code}); on Debian and Ubuntu `
            + 'install python3-venv, then run the install command again.');
    }
    const venvPython = process.platform === 'win32' ? `${venv}\\Scripts\\python.exe` : `${venv}/bin/python`;
    const pip = await run(venvPython, ['-m', 'pip', 'install', '--upgrade', spec], log);
    const executable = venvExecutable(venv);
    if (pip.code !== 0 || !fs.existsSync(executable)) {
        throw new InstallError(`"pip install ${spec}" failed (exit ${pip.code}; its output is in the `
            + 'engineering-api output channel): set engineeringApi.installSpec to where your team publishes '
            + 'engineering-api (a wheel or a git+https URL), then run the install command again.');
    }
    return executable;
}
