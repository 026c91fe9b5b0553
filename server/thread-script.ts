// Where a service thread's code is. Like the `payer-rules` command itself (bin/payer-rules.mjs),
// the thread runs from an esbuild bundle, rebuilt when a source is newer: tsx's on-the-fly
// transform would slow the evaluation loop. Without esbuild, a tsx bootstrap runs the sources.
import { existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { newestMtime, projectRoot } from '../workspace/files.ts';

const SOURCES = ['server', 'engine', 'dsl', 'workspace', 'cli', 'tables'];

let cached: Promise<URL> | undefined;

export function threadScript(): Promise<URL> {
  cached ??= build();
  return cached;
}

async function build(): Promise<URL> {
  const root = projectRoot();
  const fallback = new URL('./thread.mjs', import.meta.url);
  const outdir = join(root, 'node_modules', '.cache', 'payer-rules', 'server');
  const outfile = join(outdir, 'thread.mjs');
  try {
    const newest = Math.max(statSync(join(root, 'package.json')).mtimeMs, ...SOURCES.map((d) => join(root, d)).filter((d) => existsSync(d)).map((d) => newestMtime(d)));
    if (existsSync(outfile) && statSync(outfile).mtimeMs >= newest) return pathToFileURL(outfile);
    // (The command's bundle keeps esbuild external: bin/payer-rules.mjs.)
    const { build: esbuild } = await import('esbuild');
    const res = await esbuild({
      entryPoints: [join(root, 'server', 'thread.ts')],
      bundle: true,
      write: false,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      logLevel: 'silent',
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    });
    mkdirSync(outdir, { recursive: true });
    // Written beside and renamed, so a second process starting at the same moment never reads half a file.
    const tmp = `${outfile}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(tmp, res.outputFiles[0]!.contents);
    renameSync(tmp, outfile);
    return pathToFileURL(outfile);
  } catch {
    return existsSync(new URL('./thread.ts', import.meta.url)) ? fallback : pathToFileURL(outfile);
  }
}
