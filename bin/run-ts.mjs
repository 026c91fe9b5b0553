#!/usr/bin/env node
// Runs one TypeScript entry point (benchmarks, scripts). It is bundled with esbuild first, as the
// `payer-rules` command is, so timings measure the code users run (tsx's on-the-fly transform
// wraps every function it creates, which skews hot loops); tsx is the fallback.
import { mkdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const [entry, ...rest] = process.argv.slice(2);
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const full = resolve(entry);
process.argv = [process.argv[0], full, ...rest];
let url;
try {
  const { build } = await import('esbuild');
  const outdir = join(root, 'node_modules', '.cache', 'payer-rules', 'run');
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, basename(full).replace(/\.ts$/, '.mjs'));
  await build({ entryPoints: [full], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'silent', banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" } });
  url = pathToFileURL(outfile).href;
} catch {
  const { register } = await import('tsx/esm/api');
  register();
  url = pathToFileURL(full).href;
}
await import(url);
