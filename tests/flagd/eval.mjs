// Evaluates a flagd flag-definition file with the real npm evaluator,
// @openfeature/flagd-core 4.x, for tests/cli/flagd.rs.
//
// usage: node eval.mjs FLAGS_JSON KEYS_JSON      (every flag, every key)
//        node eval.mjs --at MS[,MS...] FLAGS_JSON KEYS_JSON
//        node eval.mjs --validate-only FLAGS_JSON
//
// Run it where `npm ci` installed tests/flagd/package-lock.json, or set
// FLAGD_JS_DIR to that folder.
//
// KEYS_JSON: a JSON array of keys; a string is the targetingKey (including
// ""), null means no targetingKey at all.
// stdout: {"evaluator", "version", "flagSetMetadata", "decisions": {FLAG:
// "0110…"}, "metadata": {FLAG: {…}}}: one character per key, in order: "1"
// on, "0" off; and the `flagMetadata` the core returned with the flag's
// first evaluation (the flag's own metadata merged over the flag set's).
//
// --at: every flag, every key, at each instant MS (milliseconds since the
// epoch) in turn, with the clock fixed inside this process: Date.now is
// replaced by a function returning MS, which is what the core reads to put
// `$flagd.timestamp` (Math.floor(Date.now() / 1000)) into the evaluation
// context. stdout: {"evaluator", "version", "flagSetMetadata", "instants":
// [{"at": MS, "clockReads": N, "decisions": {FLAG: "0110…"}, "metadata":
// {FLAG: {…}}}]}. An instant at
// which the core never read the clock is an error: fixing it proved nothing.
//
// Exits 1, with the reason on stderr, on anything but a clean boolean answer:
// a file the core's strict schema validation refuses (MemoryStorage with
// strict = true: FlagdCore alone only logs schema errors at debug level), a
// warning or error while loading (a rule that does not compile), an
// evaluation error or ERROR reason, a value that is not a boolean or does
// not match its variant, or any message the core logs during an evaluation
// (the benign "missing targetingKey" of a key-less evaluation aside).
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const die = (msg) => {
  process.stderr.write(`eval.mjs: ${msg}\n`);
  process.exit(1);
};

const installDir = process.env.FLAGD_JS_DIR || process.cwd();
const require = createRequire(path.join(path.resolve(installDir), 'noop.js'));
let FlagdCore, MemoryStorage, version;
try {
  ({ FlagdCore, MemoryStorage } = require('@openfeature/flagd-core'));
  version = require('@openfeature/flagd-core/package.json').version;
} catch (e) {
  die(`cannot load @openfeature/flagd-core from ${installDir} ` +
    `(run \`npm ci\` in a copy of tests/flagd and set FLAGD_JS_DIR to it): ${e.message}`);
}
if (!version.startsWith('4.')) die(`expected @openfeature/flagd-core 4.x, found ${version}`);

let args = process.argv.slice(2);
const validateOnly = args[0] === '--validate-only';
if (validateOnly) args = args.slice(1);
let instants = null;
if (!validateOnly && args[0] === '--at') {
  instants = (args[1] || '').split(',').map(Number);
  if (!instants.every((ms) => Number.isSafeInteger(ms))) die(`--at: not integers of milliseconds: ${args[1]}`);
  args = args.slice(2);
}
if (args.length !== (validateOnly ? 1 : 2)) {
  die('usage: node eval.mjs [--at MS[,MS...]] FLAGS_JSON KEYS_JSON | node eval.mjs --validate-only FLAGS_JSON');
}

const loadProblems = [];
const loadLogger = {
  error: (...a) => loadProblems.push(a.join(' ')),
  warn: (...a) => loadProblems.push(a.join(' ')),
  info: () => {},
  debug: () => {},
};
let core;
try {
  const storage = new MemoryStorage(loadLogger);
  storage.setConfigurations(readFileSync(args[0], 'utf8'), true); // strict: throws on schema errors
  core = new FlagdCore(storage, loadLogger);
} catch (e) {
  const m = e.message.length > 4000 ? `${e.message.slice(0, 4000)} …(truncated)` : e.message;
  die(`invalid flag configuration: ${m}`);
}
if (loadProblems.length) die(`problems while loading: ${loadProblems.join(' | ')}`);
const flags = [...core.getFlags().keys()];
if (validateOnly) {
  process.stdout.write(JSON.stringify({ evaluator: '@openfeature/flagd-core', version, valid: flags.length }) + '\n');
} else if (instants === null) {
  const { decisions, metadata } = evaluate(JSON.parse(readFileSync(args[1], 'utf8')));
  // No process.exit() after this: node flushes a piped stdout before it exits.
  process.stdout.write(
    JSON.stringify({ evaluator: '@openfeature/flagd-core', version, flagSetMetadata: core.getFlagSetMetadata(), decisions, metadata }) + '\n',
  );
} else {
  const keys = JSON.parse(readFileSync(args[1], 'utf8'));
  const realNow = Date.now;
  const results = [];
  for (const at of instants) {
    let clockReads = 0;
    Date.now = () => {
      clockReads++;
      return at;
    };
    const { decisions, metadata } = evaluate(keys);
    Date.now = realNow;
    if (clockReads === 0) die(`the core never read the clock at ${at}: fixing it proves nothing`);
    results.push({ at, clockReads, decisions, metadata });
  }
  process.stdout.write(
    JSON.stringify({ evaluator: '@openfeature/flagd-core', version, flagSetMetadata: core.getFlagSetMetadata(), instants: results }) + '\n',
  );
}

function evaluate(keys) {
  if (!Array.isArray(keys) || !keys.every((k) => k === null || typeof k === 'string')) {
    die('KEYS_JSON must be an array of strings and nulls');
  }

  const KEYLESS = 'Missing targetingKey property, cannot perform fractional targeting';
  let diagnostics = [];
  const evalLogger = {
    error: (...a) => diagnostics.push(a.join(' ')),
    warn: (...a) => diagnostics.push(a.join(' ')),
    info: (...a) => diagnostics.push(a.join(' ')),
    debug: (...a) => diagnostics.push(a.join(' ')),
  };
  const decisions = {};
  const metadata = {};
  for (const flag of flags) {
    const answers = new Array(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      diagnostics = [];
      const r = core.resolveBooleanEvaluation(flag, false, key === null ? {} : { targetingKey: key }, evalLogger);
      const where = `flag=${JSON.stringify(flag)} key=${JSON.stringify(key)}`;
      const keyless = key === null || key === '';
      const bad = diagnostics.filter((m) => !(keyless && m === KEYLESS));
      if (bad.length) die(`diagnostics during evaluation ${where}: ${bad.join(' | ')}`);
      if (r.reason === 'ERROR' || r.errorCode) die(`evaluation error ${where}: ${r.errorCode} ${r.errorMessage}`);
      if (typeof r.value !== 'boolean' || r.variant !== (r.value ? 'on' : 'off')) {
        die(`not a boolean matching its variant ${where}: ${JSON.stringify(r)}`);
      }
      answers[i] = r.value ? '1' : '0';
      if (i === 0) metadata[flag] = r.flagMetadata;
    }
    decisions[flag] = answers.join('');
  }
  return { decisions, metadata };
}
