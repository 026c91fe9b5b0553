// The studio's file access inside the rulesets folder: every path a browser names is checked
// segment by segment against the real folder, only the kinds in file-kinds.ts are read or written,
// and nothing but real folders and regular files is ever opened (symbolic links, FIFOs, sockets
// and devices are skipped with a warning, so a FIFO cannot freeze the server and a link cannot
// lead out). Writes go through a temp file created exclusively in the resolved real folder and
// are checked again after the rename.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, fsyncSync, lstatSync, mkdirSync, openSync, readSync, readdirSync, readlinkSync, realpathSync, renameSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { badName, escapeName, kindOf, type FileKind } from './file-kinds.ts';
import { parse, peekHeader } from '../dsl/index.ts';
import { formatDate } from '../engine/dates.ts';

/** The most a request body may hold, and so the largest file the studio writes. */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;
/** The largest file the studio reads (a claims file for the batch view may be bigger than a save). */
export const MAX_READ_BYTES = 64 * 1024 * 1024;
/** Folders deeper than this below the rulesets folder are not listed. */
const MAX_DEPTH = 8;
/** A listing stops after this many entries (a --rulesets pointed at a huge tree stays responsive). */
const MAX_ENTRIES = 20_000;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function versionOf(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

const OUTSIDE = 'only files inside the rulesets folder can be opened';

/** A checked request path: its segments, its kind, and the real folder it lives in. */
export interface Target {
  rel: string;
  kind: FileKind;
  /** The real path of the folder that holds the file (may not exist yet for a new file). */
  dir: string;
  name: string;
  /** Folder segments that do not exist yet (created on save). */
  missing: string[];
}

function inside(realRoot: string, p: string): boolean {
  return p === realRoot || p.startsWith(realRoot + sep);
}

/**
 * Checks a client path (relative to the rulesets folder, `/`-separated): every segment a plain
 * name, the kind one the studio handles, every existing folder on the way a real folder (not a
 * link) inside the root. Throws 400/403 otherwise.
 */
export function resolveTarget(root: string, rel: unknown): Target {
  if (typeof rel !== 'string' || rel.length === 0) throw new HttpError(400, 'a file path is required');
  if (rel.length > 1000) throw new HttpError(400, 'the file path is too long');
  if (rel.startsWith('/') || rel.includes('\\') || /^[A-Za-z]:/.test(rel)) throw new HttpError(403, OUTSIDE);
  const parts = rel.split('/');
  if (parts.length > MAX_DEPTH + 1) throw new HttpError(403, `files more than ${MAX_DEPTH} folders deep are not handled`);
  for (const p of parts) {
    if (p === '..' || p === '.') throw new HttpError(403, OUTSIDE);
    const why = badName(p);
    if (why) throw new HttpError(400, `the path \`${escapeName(rel)}\` has ${why}; rename it`);
  }
  const kind = kindOf(rel);
  if (!kind) throw new HttpError(403, 'the studio opens only rulesets (.payer), test cases (.cases.yaml) and claims files inside a claims/ folder (.json, .ndjson, .837, .csv)');
  const realRoot = realpathSync(root);
  let dir = realRoot;
  const missing: string[] = [];
  for (const seg of parts.slice(0, -1)) {
    if (missing.length) {
      missing.push(seg);
      continue;
    }
    const p = join(dir, seg);
    let st: Stats;
    try {
      st = lstatSync(p);
    } catch {
      missing.push(seg);
      continue;
    }
    if (st.isSymbolicLink()) throw new HttpError(403, `${escapeName(rel)}: a folder on the way is a symbolic link, which the studio does not follow`);
    if (!st.isDirectory()) throw new HttpError(400, `${escapeName(rel)}: ${seg} is not a folder`);
    dir = p;
  }
  if (!inside(realRoot, dir)) throw new HttpError(403, OUTSIDE);
  return { rel, kind, dir, name: parts[parts.length - 1]!, missing };
}

/** Stats of the file itself (never following a link), or undefined when it does not exist. */
function statTarget(t: Target): Stats | undefined {
  if (t.missing.length) return undefined;
  try {
    return lstatSync(join(t.dir, t.name));
  } catch {
    return undefined;
  }
}

function refuseNonRegular(t: Target, st: Stats): void {
  if (st.isSymbolicLink()) throw new HttpError(403, `${t.rel} is a symbolic link; the studio opens only regular files`);
  if (!st.isFile()) throw new HttpError(400, `${t.rel} is not a regular file (a folder, FIFO, socket or device)`);
}

/**
 * Reads a target: undefined when it does not exist. Opened with O_NOFOLLOW and O_NONBLOCK (a FIFO
 * swapped in after the check neither blocks the server nor gets read), and checked again on the
 * open descriptor.
 */
export function readTarget(t: Target, max = MAX_READ_BYTES): Buffer | undefined {
  const st = statTarget(t);
  if (!st) return undefined;
  refuseNonRegular(t, st);
  let fd: number;
  try {
    fd = openSync(join(t.dir, t.name), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') throw new HttpError(403, `${t.rel} is a symbolic link; the studio opens only regular files`);
    throw e;
  }
  try {
    const fst = fstatSync(fd);
    if (!fst.isFile()) throw new HttpError(400, `${t.rel} is not a regular file`);
    if (fst.size > max) throw new HttpError(413, `${t.rel} has ${fst.size} bytes; the studio opens files of up to ${max} bytes`);
    const buf = Buffer.alloc(fst.size);
    let off = 0;
    while (off < buf.length) {
      const n = readSync(fd, buf, off, buf.length - off, off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}

/** Where an open descriptor really is (Linux: /proc/self/fd), or undefined where that is not available. */
function pathOfFd(fd: number): string | undefined {
  try {
    return readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return undefined;
  }
}

/**
 * Linux: a folder can be named by its open descriptor (`/proc/self/fd/N/…`), which stays the folder
 * that was opened whatever is renamed or swapped for a link afterwards (the `openat` of C).
 */
const FD_PATHS = process.platform === 'linux' && (() => {
  try {
    return readlinkSync('/proc/self/fd/0') !== undefined;
  } catch {
    return false;
  }
})();

/**
 * Replaces (or creates) a target with `text`. On Linux the folder is opened one segment at a time
 * from the real root, never through a link (O_NOFOLLOW | O_DIRECTORY), missing folders created on
 * the way; the temp file is created exclusively inside that open folder, written, fsynced and
 * renamed over the name — all through the folder's descriptor, so a folder swapped for a link
 * mid-save cannot redirect any of it. Elsewhere: by path, checked before and after, and the temp
 * file removed wherever it landed.
 */
export function writeTarget(root: string, t: Target, text: string): void {
  if (FD_PATHS) return writeThroughFolderFd(root, t, text);
  writeByPath(root, t, text);
}

const O_DIR = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

function writeThroughFolderFd(root: string, t: Target, text: string): void {
  const realRoot = realpathSync(root);
  const rel = relative(realRoot, t.dir);
  const existing = rel ? rel.split(sep) : [];
  const segs = [...existing, ...t.missing];
  let dfd = openSync(realRoot, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    for (let i = 0; i < segs.length; i++) {
      const seg = segs[i]!;
      const next = `/proc/self/fd/${dfd}/${seg}`;
      if (i >= existing.length) {
        try {
          mkdirSync(next);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        }
      }
      let fd: number;
      try {
        fd = openSync(next, O_DIR);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ELOOP' || code === 'ENOTDIR') throw new HttpError(403, `${t.rel}: a folder on the way changed into a link or a file while saving`);
        if (code === 'ENOENT') throw new HttpError(409, `${t.rel}: the folder changed while saving; reload and check the file`);
        throw e;
      }
      closeSync(dfd);
      dfd = fd;
    }
    const here = `/proc/self/fd/${dfd}`;
    // Reached without following a link, so inside the root; said again from the kernel's view.
    if (!inside(realRoot, readlinkSync(here))) throw new HttpError(403, OUTSIDE);
    replaceByTemp(here, t, text);
    try {
      fsyncSync(dfd);
    } catch {
      // the rename itself is atomic
    }
  } finally {
    closeSync(dfd);
  }
}

function writeByPath(root: string, t: Target, text: string): void {
  const realRoot = realpathSync(root);
  let dir = t.dir;
  for (const seg of t.missing) {
    dir = join(dir, seg);
    try {
      mkdirSync(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const st = lstatSync(dir);
    if (st.isSymbolicLink() || !st.isDirectory()) throw new HttpError(403, `${t.rel}: a folder on the way changed into a link or a file while saving`);
  }
  if (!inside(realRoot, realpathSync(dir))) throw new HttpError(403, OUTSIDE);
  const ino = replaceByTemp(dir, t, text, realRoot);
  const final = join(dir, t.name);
  // After the rename: the name must hold our file, in a folder still inside the root.
  const after = lstatSync(final, { throwIfNoEntry: false });
  if (!after || after.ino !== ino || !inside(realRoot, realpathSync(dir))) throw new HttpError(409, `${t.rel}: the folder changed while saving; reload and check the file`);
  try {
    const dfd = openSync(dir, constants.O_RDONLY);
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    // fsync of a folder is not supported everywhere; the rename itself is atomic
  }
}

/**
 * Writes `text` to a temp file created exclusively (never through a link) in `dir`, fsyncs it and
 * renames it over the target's name (a rename replaces a link at the name rather than following
 * it). With `realRoot`, `dir` is a path that may have been swapped for a link before the open: the
 * temp file is located from its descriptor and refused outside the root. On any failure the temp
 * file is removed from where it really is. Returns the new file's inode.
 */
function replaceByTemp(dir: string, t: Target, text: string, realRoot?: string): number {
  const final = join(dir, t.name);
  const tmp = join(dir, `.${t.name}.${randomBytes(8).toString('hex')}.tmp`);
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
  let where = tmp;
  let ino: number;
  try {
    if (realRoot !== undefined) {
      where = pathOfFd(fd) ?? realpathSync(tmp);
      if (!inside(realRoot, where)) throw new HttpError(403, `${t.rel}: the folder moved outside the rulesets folder while saving; nothing was written there`);
    }
    writeSync(fd, text);
    fsyncSync(fd);
    ino = fstatSync(fd).ino;
  } catch (e) {
    closeSync(fd);
    unlinkQuietly(where);
    throw e;
  }
  closeSync(fd);
  try {
    const cur = lstatSync(final, { throwIfNoEntry: false });
    if (cur && (cur.isSymbolicLink() || !cur.isFile())) throw new HttpError(403, `${t.rel} is not a regular file (a link, folder, FIFO or socket); not replaced`);
    renameSync(tmp, final);
  } catch (e) {
    unlinkQuietly(where);
    throw e;
  }
  return ino;
}

function unlinkQuietly(p: string): void {
  try {
    unlinkSync(p);
  } catch {
    // already gone
  }
}

export interface Listed {
  path: string;
  kind: FileKind;
  size: number;
  /** Content version for files up to MAX_BODY_BYTES (the ones the editor opens as text). */
  version?: string;
  /** A ruleset's header (so the page knows the versions before its analysis worker starts). */
  header?: { id: string; version?: string; from?: string; through?: string; extends?: string };
  /** The text, when asked for (one request instead of one per file). */
  text?: string;
}

/**
 * Ruleset headers by content version: a listing parses a file's header once per content, not on
 * every listing (the page lists the folder on load, and parsing every ruleset again competed with
 * the first paint).
 */
const headers = new Map<string, Listed['header'] | null>();

function headerOf(path: string, version: string, text: string): Listed['header'] | undefined {
  const key = `${path}\u0000${version}`;
  let h = headers.get(key);
  if (h === undefined) {
    const p = peekHeader({ name: path, text });
    // The ruleset it extends: the page opens first a ruleset claims are billed to, not a base.
    const ext = p ? parse({ name: path, text }).ast.items.find((i) => i.kind === 'ExtendsDecl') : undefined;
    h = p ? { id: p.id, ...(p.version ? { version: p.version } : {}), ...(p.from !== undefined ? { from: formatDate(p.from) } : {}), ...(p.through !== undefined ? { through: formatDate(p.through) } : {}), ...(ext?.kind === 'ExtendsDecl' ? { extends: ext.base.text } : {}) } : null;
    if (headers.size > 10_000) headers.clear();
    headers.set(key, h);
  }
  return h ?? undefined;
}

/** With texts, a listing carries at most this many bytes of them (the rest are read one by one). */
export const MAX_LISTED_TEXT = 24 * 1024 * 1024;

/**
 * The files the studio handles under the root, sorted, and warnings naming what was skipped:
 * links (dangling, looping or not), FIFOs, sockets, devices and badly named entries.
 */
export function listTargets(root: string, opts: { texts?: boolean } = {}): { files: Listed[]; warnings: string[] } {
  const realRoot = realpathSync(root);
  const files: Listed[] = [];
  const warnings: string[] = [];
  let seen = 0;
  let textBytes = 0;
  const walk = (dir: string, rel: string[], depth: number) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      warnings.push(`${rel.join('/') || '.'}/: cannot be read; skipped`);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (++seen > MAX_ENTRIES) {
        if (seen === MAX_ENTRIES + 1) warnings.push(`more than ${MAX_ENTRIES} entries under the rulesets folder; the rest is not listed`);
        return;
      }
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const shown = [...rel, escapeName(e.name)].join('/');
      const why = badName(e.name);
      if (why) {
        warnings.push(`${shown}: skipped, its name has ${why}`);
        continue;
      }
      const relPath = [...rel, e.name];
      if (e.isSymbolicLink()) {
        warnings.push(`${shown}: skipped, a symbolic link (the studio opens only regular files and folders)`);
        continue;
      }
      if (e.isDirectory()) {
        if (depth < MAX_DEPTH) walk(join(dir, e.name), relPath, depth + 1);
        continue;
      }
      if (!e.isFile()) {
        warnings.push(`${shown}: skipped, not a regular file (a FIFO, socket or device)`);
        continue;
      }
      const path = relPath.join('/');
      const kind = kindOf(path);
      if (!kind) continue;
      const st = lstatSync(join(dir, e.name), { throwIfNoEntry: false });
      if (!st?.isFile()) continue;
      const entry: Listed = { path, kind, size: st.size };
      if (st.size <= MAX_BODY_BYTES) {
        try {
          const buf = readTarget({ rel: path, kind, dir, name: e.name, missing: [] }, MAX_BODY_BYTES);
          if (buf) {
            entry.version = versionOf(buf);
            if (opts.texts && textBytes + buf.length <= MAX_LISTED_TEXT) {
              entry.text = buf.toString('utf8');
              textBytes += buf.length;
            }
            if (kind === 'ruleset') {
              const h = headerOf(path, entry.version, buf.toString('utf8'));
              if (h) entry.header = h;
            }
          }
        } catch {
          continue;
        }
      }
      files.push(entry);
    }
  };
  walk(realRoot, [], 0);
  return { files, warnings };
}

/** Reads a file the studio handles, as text, by its relative path (undefined when it does not exist). */
export function readText(root: string, rel: string): string | undefined {
  return readTarget(resolveTarget(root, rel))?.toString('utf8');
}

/**
 * Writes several files all or nothing as far as checks go: every file must still have the text
 * the caller saw (or not exist, for `expect: null`) before any is written. Synchronous, so no
 * other request of this server runs between the checks and the writes.
 */
export function applyWrites(root: string, writes: readonly { path: string; text: string; expect: string | null }[]): void {
  const targets = writes.map((w) => ({ w, t: resolveTarget(root, w.path) }));
  for (const { w, t } of targets) {
    const cur = readTarget(t, MAX_BODY_BYTES)?.toString('utf8');
    if (w.expect === null && cur !== undefined) throw new HttpError(409, `${w.path} already exists`);
    if (w.expect !== null && cur !== w.expect) throw new HttpError(409, `${w.path} changed on disk; reload it and try again`);
    if (Buffer.byteLength(w.text) > MAX_BODY_BYTES) throw new HttpError(413, `${w.path} would have more than ${MAX_BODY_BYTES} bytes`);
  }
  for (const { w, t } of targets) writeTarget(root, t, w.text);
}
