#!/usr/bin/env node
// `npm run bench [-- SUITE…]`: every benchmark suite, one process each and one after another (so
// no suite measures another's load), each printing its own table of medians and goals.
// Suites: core (language, runtimes, the eval command), national (the shipped rulesets against
// national-size tables), tables (import and lookups at scale), inputs (837P, CSV, huge lines),
// service (HTTP service and queue), studio (first load in a real browser).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const SUITES = {
  core: 'bench/bench.ts',
  national: 'bench/national.ts',
  tables: 'bench/tables.ts',
  inputs: 'bench/inputs.ts',
  service: 'bench/service.ts',
  studio: 'bench/studio.ts',
};
const asked = process.argv.slice(2);
const unknown = asked.filter((s) => !(s in SUITES));
if (unknown.length) {
  process.stderr.write(`unknown suite ${unknown.join(', ')}; suites: ${Object.keys(SUITES).join(', ')}\n`);
  process.exit(2);
}
let failed = 0;
for (const name of asked.length ? asked : Object.keys(SUITES)) {
  process.stdout.write(`\n## ${name}\n\n`);
  const r = spawnSync(process.execPath, [join(root, 'bin/run-ts.mjs'), join(root, SUITES[name])], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) {
    failed++;
    process.stdout.write(`\n(${name} failed: exit ${r.status ?? r.signal})\n`);
  }
}
process.exitCode = failed ? 1 : 0;
