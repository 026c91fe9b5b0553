// File access shared by every Node-side part (command line, studio server, evaluation service,
// queue worker): reading rulesets, finding them in folders, and the loader that resolves `extends`
// by ruleset id and date.
import { closeSync, constants, existsSync, fsyncSync, lstatSync, openSync, readFileSync, readdirSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { rulesetLoader } from '../dsl/index.ts';
import type { SourceFile } from '../dsl/source.ts';

/** The file extension of ruleset files. */
export const RULESET_EXT = '.payer';

export class UsageError extends Error {}
/** A file that cannot be read: exit code 2 and a one-line message. */
export class UnreadableError extends Error {}

/**
 * A file name as it may be printed: control characters, line breaks and bidirectional overrides
 * (which can make a name read as another on a terminal) are written as escapes, `\n`, `\u202e`.
 */
export function escapeName(name: string): string {
  return name.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    const h = c.charCodeAt(0).toString(16);
    return c.charCodeAt(0) < 0x100 ? `\\x${h.padStart(2, '0')}` : `\\u${h.padStart(4, '0')}`;
  });
}

/** A path as shown to the user: relative to the working directory when inside it, escaped. */
export function displayPath(p: string): string {
  const rel = relative(process.cwd(), p);
  return escapeName(rel && !rel.startsWith('..') && !rel.startsWith(sep) ? rel.split(sep).join('/') : p);
}

/** Where warnings about skipped files go (standard error unless a command says otherwise). */
export let warnSkipped: (message: string) => void = (m) => process.stderr.write(`payer-rules: ${m}\n`);
export function onSkipped(f: (message: string) => void): void {
  warnSkipped = f;
}

/** Why a path is not a regular file or folder to read, or undefined when it is one. */
function notReadable(p: string): string | undefined {
  let l;
  try {
    l = lstatSync(p);
  } catch {
    return 'it no longer exists';
  }
  if (l.isSymbolicLink()) {
    try {
      const st = statSync(p);
      return st.isFile() || st.isDirectory() ? undefined : 'it is a link to something that is not a regular file';
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return code === 'ELOOP' ? 'it is a symbolic link loop' : 'it is a dangling symbolic link';
    }
  }
  if (l.isFile() || l.isDirectory()) return undefined;
  return l.isFIFO() ? 'it is a FIFO (named pipe), not a regular file' : l.isSocket() ? 'it is a socket, not a regular file' : 'it is a device or other special file, not a regular file';
}

export function readSource(path: string): SourceFile {
  let text: string;
  const why = notReadable(path);
  // A FIFO would block the read forever; a dangling link or a loop is no file at all.
  if (why) throw new UnreadableError(`cannot read ${displayPath(path)}: ${why}`);
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
export function rulesetFiles(path: string, quiet = false): string[] {
  return filesUnder(path, (name) => name.endsWith(RULESET_EXT), quiet);
}

/**
 * Files under a path whose name passes `wanted` (the path itself when it is a file), sorted. With
 * `quiet`, files that cannot be read are skipped without a warning (a folder looked at only for
 * what it might hold, such as the neighbours of a checked file, is not the user's to answer for).
 */
export function filesUnder(path: string, wanted: (name: string) => boolean, quiet = false): string[] {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new UnreadableError(`cannot read ${displayPath(path)}: no such file or folder`);
  }
  if (!st.isDirectory()) return [path];
  const out: string[] = [];
  // Real paths of the folders walked, so a linked folder that leads back up is walked once.
  const visited = new Set<string>();
  const walk = (d: string) => {
    let real: string;
    try {
      real = realpathSync(d);
    } catch {
      return;
    }
    if (visited.has(real)) return;
    visited.add(real);
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch (e) {
      if (!quiet) warnSkipped(`skipped ${displayPath(d)}: cannot list it (${(e as NodeJS.ErrnoException).code ?? 'unreadable'})`);
      return;
    }
    for (const name of names) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      const p = join(d, name);
      const why = notReadable(p);
      if (why) {
        // Only files the command would have read are worth a warning.
        if (wanted(name) && !quiet) warnSkipped(`skipped ${displayPath(p)}: ${why}`);
        continue;
      }
      if (statSync(p).isDirectory()) walk(p);
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

  /** `known` is `file` already read (its text is not read a second time: 16 MB takes a third of a second). */
  scanAround(file: string, known?: SourceFile): void {
    const own = dirname(resolve(file));
    const up1 = dirname(own);
    const root = basename(own) === 'rulesets' ? own : basename(up1) === 'rulesets' ? up1 : own;
    if (this.scanned.has(root)) return;
    this.scanned.add(root);
    let files: string[] = [];
    try {
      files = rulesetFiles(root, true);
    } catch {
      return;
    }
    const self = known ? resolve(file) : undefined;
    for (const f of files.slice(0, 2000)) {
      try {
        const at = resolve(f);
        this.texts.set(at, at === self ? { name: displayPath(f), text: known!.text } : readSource(f));
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

/**
 * Writes a file so that a crash leaves the old text or the new one, and nothing else is touched:
 * the text goes to a temporary file created exclusively (O_EXCL, a random name, O_NOFOLLOW) in the
 * target's real folder, then is renamed over the target. A target that is a symbolic link is
 * refused rather than followed or replaced.
 */
export function writeFileAtomic(path: string, text: string | Iterable<string>): void {
  const dir = (() => {
    try {
      return realpathSync(dirname(resolve(path)));
    } catch {
      throw new UnreadableError(`cannot write ${displayPath(path)}: its folder does not exist`);
    }
  })();
  const target = join(dir, basename(path));
  let mode = 0o644;
  try {
    const l = lstatSync(target);
    if (l.isSymbolicLink()) throw new UnreadableError(`cannot write ${displayPath(path)}: it is a symbolic link; payer-rules does not write through links (give the file it points to)`);
    if (!l.isFile()) throw new UnreadableError(`cannot write ${displayPath(path)}: it is not a regular file`);
    mode = l.mode & 0o777;
  } catch (e) {
    if (e instanceof UnreadableError) throw e;
    // ENOENT: a new file
  }
  const tmp = join(dir, `.${basename(path)}.${randomBytes(8).toString('hex')}.tmp`);
  let fd: number;
  try {
    fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
  } catch (e) {
    throw new UnreadableError(`cannot write ${displayPath(path)}: ${(e as NodeJS.ErrnoException).code === 'EACCES' ? 'permission denied' : 'cannot create a file beside it'}`);
  }
  try {
    // Text in pieces (a compiled ruleset of hundreds of megabytes) is written as it comes. A string
    // goes to writeSync as is (encoded straight into the write, several times faster than a Buffer
    // per piece); only a short write, which a regular file does not give, falls back to a Buffer.
    for (const piece of typeof text === 'string' ? [text] : text) {
      const done = writeSync(fd, piece);
      const bytes = Buffer.byteLength(piece, 'utf8');
      if (done < bytes) {
        const buf = Buffer.from(piece, 'utf8');
        for (let at = done; at < buf.length; ) at += writeSync(fd, buf, at, buf.length - at);
      }
    }
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, target);
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    try {
      unlinkSync(tmp);
    } catch {
      // nothing to clean up
    }
    throw e;
  }
}
