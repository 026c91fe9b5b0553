#!/usr/bin/env node
// The `payer-rules` command. The sources are TypeScript. On first use (and whenever a source file
// is newer) they are bundled with esbuild into node_modules/.cache/payer-rules/bin/, which starts
// several times faster than compiling on load; if bundling is not possible, tsx runs the sources.
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
// Keyed by the checkout's path: checkouts that share a node_modules (a link) keep their own bundle.
const outdir = join(root, 'node_modules', '.cache', 'payer-rules', `bin-${createHash('sha256').update(root).digest('hex').slice(0, 12)}`);
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

function externals() {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  // esbuild too, which comes with tsx rather than from package.json: serve's thread bundle is
  // built with it at run time, and a bundled copy of its loader has no `build` to call.
  const names = [...Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter((n) => n !== 'chevrotain'), 'esbuild'];
  return names.flatMap((n) => [n, `${n}/*`]);
}

async function bundled() {
  const folders = SOURCE_FOLDERS.map((d) => join(root, d)).filter((d) => existsSync(d));
  const sources = Math.max(...folders.map((d) => newest(d)), statSync(join(root, 'package.json')).mtimeMs);
  if (existsSync(entry) && statSync(entry).mtimeMs >= sources) return entry;
  const { build } = await import('esbuild');
  const res = await build({
    metafile: true,
    entryPoints: { main: join(root, 'cli/main.ts'), 'eval-worker': join(root, 'cli/eval-worker.ts') },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Packages stay external (loaded from node_modules) except the parser library: chevrotain
    // pulls in lodash-es, hundreds of small ES modules whose loading cost more than the command.
    external: externals(),
    logLevel: 'silent',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  // Chunks of earlier builds: removed once a day old (a long-running server started from an
  // earlier build may still load one lazily).
  const current = new Set(Object.keys(res.metafile.outputs).map((p) => p.split('/').pop()));
  for (const n of readdirSync(outdir)) {
    const p = join(outdir, n);
    if (n.startsWith('chunk-') && !current.has(n) && Date.now() - statSync(p).mtimeMs > 86_400_000) rmSync(p, { force: true });
  }
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
// Linux's own peak (VmHWM): getrusage's maxRSS starts from the parent's size at fork, so a large
// benchmark process would be counted in its child's figure.
function peakRssMb() {
  try {
    const kb = /^VmHWM:\s*(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kb) return Math.round(Number(kb) / 1024);
  } catch {
    // not Linux
  }
  return Math.round(process.resourceUsage().maxRSS / 1024);
}
if (process.env.PAYER_RULES_REPORT_RSS && process.argv[2] !== 'eval') process.stderr.write(`max RSS ${peakRssMb()} MB\n`);
