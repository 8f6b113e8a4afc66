'use strict';
/*
 * Shared harness of the client scripts (cij.js, amplify.js, jwt-verify.js).
 *
 * A script runs a plan: `node <script> '<json array of steps>'`, each step `{"op": "<name>", ...args}`;
 * connection settings come from the environment (UP_ENDPOINT, UP_POOL_ID, UP_CLIENT_ID, UP_STORAGE).
 * It prints ONE JSON object on stdout and exits 0 when every step succeeded, 1 otherwise:
 *   {"ok": true|false, "results": [<one per step run>], "failed": {index, op, error}?, "calls": [...]}
 * A step with `"allow_error": true` records its error as `{"error": {...}}` instead of failing the plan.
 * `calls` lists every HTTP request the library made (operation, status, error type, request and
 * response bodies), so a failure names the exact server call and its response.
 */

const fs = require('node:fs');
const util = require('node:util');

// stdout carries only the JSON result: library logging (Amplify warns on the console) goes to stderr.
for (const level of ['log', 'info', 'warn', 'debug']) {
	console[level] = (...args) => process.stderr.write(`${util.format(...args)}\n`);
}

const calls = [];

function parseBody(text) {
	try {
		return JSON.parse(text);
	} catch (_err) {
		return text;
	}
}

/** Wraps the global fetch (used by every library here) to record each request and its response. */
function recordFetch() {
	const realFetch = globalThis.fetch;
	globalThis.fetch = async (input, init = {}) => {
		const headers = new Headers(init.headers || (input instanceof Request ? input.headers : undefined));
		const url = typeof input === 'string' ? input : input.url || String(input);
		const target = headers.get('x-amz-target') || '';
		const entry = {
			url,
			method: init.method || 'GET',
			operation: target.split('.').pop() || null,
			request: typeof init.body === 'string' ? parseBody(init.body) : null,
		};
		calls.push(entry);
		let response;
		try {
			response = await realFetch(input, init);
		} catch (err) {
			entry.network_error = String(err && err.cause ? err.cause : err);
			throw err;
		}
		entry.status = response.status;
		entry.error_type = response.headers.get('x-amzn-errortype');
		entry.response = parseBody(await response.clone().text());
		return response;
	};
}

/**
 * A localStorage look-alike persisted to a JSON file, so the tokens a library keeps survive between
 * two runs of a script (and the Python test can read them). Missing keys read as null, as in a browser.
 */
class FileStorage {
	constructor(path) {
		this.path = path;
		this.data = {};
		if (path && fs.existsSync(path)) {
			this.data = JSON.parse(fs.readFileSync(path, 'utf8') || '{}');
		}
	}

	save() {
		if (this.path) fs.writeFileSync(this.path, JSON.stringify(this.data, null, 1));
	}

	getItem(key) {
		return Object.prototype.hasOwnProperty.call(this.data, key) ? this.data[key] : null;
	}

	setItem(key, value) {
		this.data[key] = String(value);
		this.save();
		return this.data[key];
	}

	removeItem(key) {
		delete this.data[key];
		this.save();
		return true;
	}

	clear() {
		this.data = {};
		this.save();
		return this.data;
	}
}

function env(name, fallback) {
	const value = process.env[name];
	if (value === undefined || value === '') {
		if (fallback !== undefined) return fallback;
		throw new Error(`environment variable ${name} is required`);
	}
	return value;
}

function describeError(err) {
	if (!(err instanceof Error) && typeof err !== 'object') return { name: 'Error', message: String(err) };
	// aws-jwt-verify's errors keep the name "Error": their class tells them apart.
	const className = err.constructor && err.constructor.name;
	const name = err.name && err.name !== 'Error' ? err.name : className || err.code || 'Error';
	return {
		name,
		code: err.code,
		message: err.message,
		recovery: err.recoverySuggestion,
		underlying: err.underlyingError ? describeError(err.underlyingError) : undefined,
	};
}

/** Decodes a JWT's payload without verifying it (for reporting claims back to the test). */
function claims(jwt) {
	if (!jwt) return null;
	const part = String(jwt).split('.')[1];
	return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

function finish(out, code) {
	process.stdout.write(`${JSON.stringify(out)}\n`);
	process.exitCode = code;
}

/**
 * Runs the plan from argv against `ops` (name → async (step, state) => result) and prints the outcome.
 * `setup` builds the shared state once, before the first step.
 */
async function runPlan(ops, setup) {
	recordFetch();
	const results = [];
	let steps;
	try {
		steps = JSON.parse(process.argv[2] || '[]');
		if (!Array.isArray(steps)) throw new Error('the plan must be a JSON array of steps');
	} catch (err) {
		finish({ ok: false, failed: { index: -1, op: 'plan', error: describeError(err) }, results, calls }, 2);
		return;
	}
	let state;
	try {
		state = await setup();
	} catch (err) {
		finish({ ok: false, failed: { index: -1, op: 'setup', error: describeError(err) }, results, calls }, 1);
		return;
	}
	for (const [index, step] of steps.entries()) {
		const op = ops[step.op];
		try {
			if (!op) throw new Error(`unknown step ${step.op}; known: ${Object.keys(ops).join(', ')}`);
			const first = calls.length;
			const result = await op(step, state);
			results.push({ op: step.op, result: result === undefined ? null : result, calls: calls.length - first });
		} catch (err) {
			if (step.allow_error) {
				results.push({ op: step.op, error: describeError(err) });
				continue;
			}
			finish({ ok: false, failed: { index, op: step.op, error: describeError(err) }, results, calls }, 1);
			return;
		}
	}
	finish({ ok: true, results, calls }, 0);
}

module.exports = { FileStorage, calls, claims, describeError, env, runPlan };
