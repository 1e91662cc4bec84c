// Checks of the fields T-IA Connect's views read (src/api/types.ts declares them; the client PascalCases keys).

export class CheckError extends Error {}

function typeOf(value) {
    if (value === null) { return 'null'; }
    if (Array.isArray(value)) { return 'array'; }
    return typeof value;
}

/** Fail with `message` unless `condition`. */
export function ensure(condition, message) {
    if (!condition) { throw new CheckError(message); }
}

/** `value` is an object with each field of `spec` of its type ('string', 'number', 'boolean', 'array',
 * 'object', 'any' = present; a trailing '?' allows undefined/null). Returns `value`. */
export function fields(value, spec, what) {
    ensure(typeOf(value) === 'object', `${what} is ${typeOf(value)}, not an object`);
    for (const [key, wanted] of Object.entries(spec)) {
        const optional = wanted.endsWith('?');
        const type = optional ? wanted.slice(0, -1) : wanted;
        const actual = typeOf(value[key]);
        if (optional && (actual === 'undefined' || actual === 'null')) { continue; }
        if (type === 'any') {
            ensure(actual !== 'undefined', `${what}.${key} is missing`);
            continue;
        }
        ensure(actual === type, `${what}.${key} is ${actual} (the client reads a ${type})`);
    }
    return value;
}

/** `value` is an array of at least `min` items, each checked with `spec` when given. Returns `value`. */
export function list(value, what, { min = 0, spec = null } = {}) {
    ensure(Array.isArray(value), `${what} is ${typeOf(value)}, not an array`);
    ensure(value.length >= min, `${what} has ${value.length} item(s), expected at least ${min}`);
    if (spec) { value.forEach((item, i) => fields(item, spec, `${what}[${i}]`)); }
    return value;
}

/** A job the client waited for ended Completed (the client stops on Completed or Failed). */
export function completed(job, what) {
    fields(job, { JobId: 'string', Status: 'string', Progress: 'number', CreatedAt: 'string' }, what);
    ensure(job.Status === 'Completed', `${what} ended ${job.Status}: ${job.Error || job.Message || ''}`.trim());
    return job;
}
