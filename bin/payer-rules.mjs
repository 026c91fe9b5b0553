#!/usr/bin/env node
// The `payer-rules` command. The sources are TypeScript. On first use (and whenever a source file
// is newer) they are bundled with esbuild into node_modules/.cache/payer-rules/bin/, which starts
// several times faster than compiling on load; if bundling is not possible, tsx runs the sources.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const outdir = join(root, 'node_modules', '.cache', 'payer-rules', 'bin');
const entry = join(outdir, 'main.mjs');

// Every folder whose sources go into the bundle: a newer file in any of them rebuilds it.
const SOURCE_FOLDERS = ['cli', 'dsl', 'engine', 'workspace', 'readers', 'writers', 'tables', 'server', 'queue', 'studio'];

function newest(dir) {
  let m = 0;
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    const st = statSync(p);
    m = Math.max(m, st.isDirectory() ? newest(p) : st.mtimeMs);
  }
  return m;
}

async function bundled() {
  const folders = SOURCE_FOLDERS.map((d) => join(root, d)).filter((d) => existsSync(d));
  const sources = Math.max(...folders.map((d) => newest(d)), statSync(join(root, 'package.json')).mtimeMs);
  if (existsSync(entry) && statSync(entry).mtimeMs >= sources) return entry;
  const { build } = await import('esbuild');
  await build({
    entryPoints: { main: join(root, 'cli/main.ts'), 'eval-worker': join(root, 'cli/eval-worker.ts') },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'silent',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  return entry;
}

let main;
try {
  ({ main } = await import(pathToFileURL(await bundled()).href));
} catch {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
// For benchmarks: the process's peak memory (worker threads included) on stderr.
if (process.env.PAYER_RULES_REPORT_RSS && process.argv[2] !== 'eval') process.stderr.write(`max RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB\n`);
