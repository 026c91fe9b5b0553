// File access shared by every Node-side part (command line, studio server, evaluation service,
// queue worker): reading rulesets, finding them in folders, and the loader that resolves `extends`
// by ruleset id and date.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { rulesetLoader } from '../dsl/index.ts';
import type { SourceFile } from '../dsl/source.ts';

/** The file extension of ruleset files. */
export const RULESET_EXT = '.payer';

export class UsageError extends Error {}
/** A file that cannot be read: exit code 2 and a one-line message. */
export class UnreadableError extends Error {}

/** A path as shown to the user: relative to the working directory when inside it. */
export function displayPath(p: string): string {
  const rel = relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !rel.startsWith(sep) ? rel.split(sep).join('/') : p;
}

export function readSource(path: string): SourceFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : (code ?? 'cannot read it');
    throw new UnreadableError(`cannot read ${displayPath(path)}: ${why}`);
  }
  return { name: displayPath(path), text };
}

/** Ruleset files under a path (the path itself when it is a file), sorted. */
export function rulesetFiles(path: string): string[] {
  return filesUnder(path, (name) => name.endsWith(RULESET_EXT));
}

/** Files under a path whose name passes `wanted` (the path itself when it is a file), sorted. */
export function filesUnder(path: string, wanted: (name: string) => boolean): string[] {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new UnreadableError(`cannot read ${displayPath(path)}: no such file or folder`);
  }
  if (!st.isDirectory()) return [path];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      const p = join(d, name);
      const s = statSync(p);
      if (s.isDirectory()) walk(p);
      else if (wanted(name)) out.push(p);
    }
  };
  walk(path);
  return out;
}

export class RulesetLoader {
  private scanned = new Set<string>();
  private texts = new Map<string, SourceFile>();
  private resolve: ReturnType<typeof rulesetLoader> | undefined;

  scanAround(file: string): void {
    const own = dirname(resolve(file));
    const up1 = dirname(own);
    const root = basename(own) === 'rulesets' ? own : basename(up1) === 'rulesets' ? up1 : own;
    if (this.scanned.has(root)) return;
    this.scanned.add(root);
    let files: string[] = [];
    try {
      files = rulesetFiles(root);
    } catch {
      return;
    }
    for (const f of files.slice(0, 2000)) {
      try {
        this.texts.set(resolve(f), readSource(f));
      } catch {
        // an unreadable neighbour cannot be a base; the file being checked reports its own read errors
      }
    }
    this.resolve = undefined;
  }

  load = (id: string, onDate: number | undefined): SourceFile | undefined => {
    this.resolve ??= rulesetLoader([...this.texts.values()]);
    return this.resolve(id, onDate);
  };

  /** Every indexed file, for rendering related notes in other files. */
  files(): Map<string, SourceFile> {
    return new Map([...this.texts.values()].map((f) => [f.name, f]));
  }
}

/** The project folder (where package.json is), whether running from sources or from the bundle. */
export function projectRoot(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const pkg = join(d, 'package.json');
    if (existsSync(pkg) && /"name":\s*"payer-rules"/.test(readFileSync(pkg, 'utf8'))) return d;
    d = dirname(d);
  }
  throw new Error('cannot find the payer-rules folder');
}

/** The newest modification time of any file under a folder (node_modules and dot-folders skipped). */
export function newestMtime(dir: string): number {
  let m = 0;
  for (const n of readdirSync(dir)) {
    if (n === 'node_modules' || n.startsWith('.')) continue;
    const p = join(dir, n);
    const st = statSync(p);
    m = Math.max(m, st.isDirectory() ? newestMtime(p) : st.mtimeMs);
  }
  return m;
}
