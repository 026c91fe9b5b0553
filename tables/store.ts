// The table store on disk: `<dir>/<table-id>/<release>/manifest.json` beside `rows.csv.gz` (the
// normalized CSV, gzip). A release is written to a temporary folder and renamed into place, so a
// crash or a bad file leaves the previous release as it was. Reading checks each rows file against
// its manifest's hash, and keeps a binary cache (tables/cache.ts) keyed by that hash under
// node_modules/.cache, so the second load of a 2.6-million-row table reads typed arrays.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, renameSync, rmSync, writeFileSync, writevSync } from 'node:fs';
import { join } from 'node:path';
import { createGzip, gunzipSync } from 'node:zlib';
import { projectRoot } from '../workspace/files.ts';
import { decodeRows, encodeRowsParts } from './cache.ts';
import type { ImportedRelease } from './import/index.ts';
import { isKind } from './kinds.ts';
import { NormalizedEncoder, readNormalized, renderProblem } from './normalized.ts';
import { MANIFEST_FORMAT, type Manifest, TableSet } from './provider.ts';
import { hasSharedParts, sharedParts, type LookupParts } from './lookups.ts';
import type { Rows } from './rows.ts';

export const ROWS_FILE = 'rows.csv.gz';
export const MANIFEST_FILE = 'manifest.json';

/** A store that cannot be read as it should (a manifest or rows file damaged or edited by hand). */
export class StoreError extends Error {}

const sha256 = (text: string | Uint8Array) => createHash('sha256').update(text).digest('hex');

/** Release names become folder names: letters, digits, dot, dash and underscore. */
export function validReleaseName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name);
}

function readManifest(path: string): Manifest {
  let m: Manifest;
  try {
    m = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  } catch (e) {
    throw new StoreError(`${path}: not a readable manifest (${(e as Error).message})`);
  }
  const bad = (what: string) => new StoreError(`${path}: ${what}`);
  if (m.format !== MANIFEST_FORMAT) throw bad(`format is not ${MANIFEST_FORMAT}`);
  if (!isKind(m.kind)) throw bad(`unknown kind \`${m.kind}\``);
  for (const k of ['table', 'release', 'from', 'source', 'sha256', 'file'] as const) if (typeof m[k] !== 'string' || !m[k]) throw bad(`${k} is missing`);
  if (typeof m.rows !== 'number') throw bad('rows is missing');
  return m;
}

/** Every release's manifest under a store folder (none when the folder does not exist). */
export function listReleases(dir: string): { manifest: Manifest; path: string }[] {
  if (!existsSync(dir)) return [];
  const out: { manifest: Manifest; path: string }[] = [];
  for (const table of readdirSync(dir, { withFileTypes: true })) {
    if (!table.isDirectory() || table.name.startsWith('.')) continue;
    for (const rel of readdirSync(join(dir, table.name), { withFileTypes: true })) {
      if (!rel.isDirectory() || rel.name.startsWith('.')) continue;
      const path = join(dir, table.name, rel.name);
      if (existsSync(join(path, MANIFEST_FILE))) out.push({ manifest: readManifest(join(path, MANIFEST_FILE)), path });
    }
  }
  return out.sort((a, b) => (a.manifest.table < b.manifest.table ? -1 : a.manifest.table > b.manifest.table ? 1 : a.manifest.from < b.manifest.from ? -1 : 1));
}

function cacheDir(): string | undefined {
  try {
    return join(projectRoot(), 'node_modules', '.cache', 'payer-rules', 'tables');
  } catch {
    return undefined;
  }
}

/** The normalized CSV text of a stored release, checked against its manifest. */
export function readReleaseText(path: string, m: Manifest): string {
  let bytes: Buffer;
  try {
    bytes = gunzipSync(readFileSync(join(path, m.file)));
  } catch (e) {
    throw new StoreError(`${join(path, m.file)}: cannot be read (${(e as Error).message})`);
  }
  const text = bytes.toString('utf8');
  if (sha256(bytes) !== m.sha256) throw new StoreError(`${join(path, m.file)} does not match its manifest's sha256 (changed by hand? import the release again)`);
  return text;
}

/**
 * Where a release's cached bytes come from: its cache file (the default), or a copy shared with
 * other threads (cli/eval.ts hands its workers one SharedArrayBuffer per release). Undefined when
 * there is no cache of this content yet.
 */
export type CacheReader = (m: Manifest, path: string) => Uint8Array | undefined;

/** The cache file of a release's content, if it exists. */
export function cacheFileOf(m: Manifest): string | undefined {
  const dir = cacheDir();
  const file = dir && join(dir, `${m.sha256}.bin`);
  return file && existsSync(file) ? file : undefined;
}

const readCacheFile: CacheReader = (m) => {
  const file = cacheFileOf(m);
  return file ? readFileSync(file) : undefined;
};

/** A stored release's rows: from the binary cache when it holds this content, else from the CSV (and cached). */
export function readReleaseRows(path: string, m: Manifest, readCache: CacheReader = readCacheFile): Rows {
  const bytes = readCache(m, path);
  if (bytes) {
    const rows = decodeRows(bytes, m.kind);
    if (rows && rows.length === m.rows) return rows;
  }
  const { rows, problems } = readNormalized(m.kind, readReleaseText(path, m), join(path, m.file));
  if (problems.count) throw new StoreError(problems.list.map(renderProblem).join('\n'));
  cacheRows(m, rows);
  return rows;
}

/**
 * A release's cached bytes in memory that threads share (SharedArrayBuffer), read once per content
 * hash: eval's worker threads ask the main thread for them instead of each reading its own copy (a
 * national 2.6-million-row PTP release is ~94 MB). The cache is built first when it is missing.
 */
export function sharedCacheReader(): CacheReader {
  const copies = new Map<string, Uint8Array | undefined>();
  return (m, path) => {
    if (copies.has(m.sha256)) return copies.get(m.sha256);
    let file = cacheFileOf(m);
    if (!file) {
      readReleaseRows(path, m); // parses the CSV and writes the cache
      file = cacheFileOf(m);
    }
    let out: Uint8Array | undefined;
    if (file) {
      const fd = openSync(file, 'r');
      try {
        const size = fstatSync(fd).size;
        out = new Uint8Array(new SharedArrayBuffer(size));
        for (let at = 0; at < size; ) {
          const n = readSync(fd, out, at, size - at, at);
          if (n === 0) break;
          at += n;
        }
      } finally {
        closeSync(fd);
      }
    }
    copies.set(m.sha256, out);
    return out;
  };
}

/** Where a release's index arrays come from when they are made elsewhere (eval's main thread). */
export type PartsReader = (m: Manifest, path: string) => LookupParts | undefined;

/**
 * A release's index arrays in shared memory, made once per content hash for every thread (kinds
 * `hasSharedParts` names; undefined for the others, whose rows come through `sharedCacheReader`).
 * The rows they are made from are read into this thread's own memory and dropped after: of a
 * national PTP release only the index stays (~37 MB of the cache's 94 MB), once for all threads.
 */
export function sharedLookups(): PartsReader {
  const made = new Map<string, LookupParts | undefined>();
  return (m, path) => {
    if (!hasSharedParts(m.kind)) return undefined;
    if (made.has(m.sha256)) return made.get(m.sha256);
    const parts = sharedParts(m.kind, readReleaseRows(path, m));
    made.set(m.sha256, parts);
    return parts;
  };
}

/** Removes a release's cached rows (the benchmark's synthetic tables are not kept). */
export function dropCached(m: Manifest): void {
  const dir = cacheDir();
  if (dir) rmSync(join(dir, `${m.sha256}.bin`), { force: true });
}

/** Caches rows just imported (the next load reads them as typed arrays). */
export function cacheRows(m: Manifest, rows: Rows): void {
  const dir = cacheDir();
  if (!dir) return;
  try {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${m.sha256}.bin`);
    const tmp = `${file}.${process.pid}.tmp`;
    // Written from the rows' own arrays: no copy of a 100 MB table.
    const fd = openSync(tmp, 'w');
    try {
      const parts = encodeRowsParts(rows.sorted());
      for (let k = 0; k < parts.length; k += 512) writevSync(fd, parts.slice(k, k + 512));
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch {
    // the cache is an optimization
  }
}

/**
 * Every table release under `dir`, for the engine: rows load on first use (cached bytes from
 * `readCache`); lookups of the kinds that have shared index arrays are made over `readParts`'s.
 */
export function loadTables(dir: string, readCache?: CacheReader, readParts?: PartsReader): TableSet {
  return new TableSet(
    listReleases(dir).map(({ manifest, path }) => ({
      manifest,
      rows: () => readReleaseRows(path, manifest, readCache),
      ...(readParts && hasSharedParts(manifest.kind) ? { parts: () => readParts(manifest, path) } : {}),
    })),
  );
}

/** The release a new one is compared with: the same release being replaced, else the newest that starts before it. */
export function previousRelease(dir: string, table: string, release: string, from: string): { manifest: Manifest; path: string } | undefined {
  const mine = listReleases(dir).filter((r) => r.manifest.table === table);
  return mine.find((r) => r.manifest.release === release) ?? mine.filter((r) => r.manifest.from < from).pop() ?? undefined;
}

/**
 * The normalized CSV of `rows`, gzip-compressed, and the sha256 of the uncompressed text. The text
 * is never whole in memory: each piece is hashed here and compressed by zlib on the thread pool
 * while the next piece is encoded.
 */
async function compressNormalized(rows: Rows): Promise<{ gz: Buffer; sha256: string }> {
  const hash = createHash('sha256');
  // mtime 0 in the gzip header: the same rows give the same bytes.
  const gzip = createGzip({ level: 6 });
  const out: Buffer[] = [];
  gzip.on('data', (b: Buffer) => out.push(b));
  const ended = new Promise<void>((resolve, reject) => {
    gzip.on('end', resolve);
    gzip.on('error', reject);
  });
  const written = (p: Uint8Array) => new Promise<void>((resolve, reject) => gzip.write(p, (e) => (e ? reject(e) : resolve())));
  const enc = new NormalizedEncoder(rows);
  // The encoder reuses a piece's buffer two pieces later: zlib must have consumed it by then.
  const inFlight: Promise<void>[] = [];
  for (;;) {
    if (inFlight.length === 2) await inFlight.shift();
    const p = enc.piece();
    if (!p) break;
    hash.update(p);
    inFlight.push(written(p));
  }
  await Promise.all(inFlight);
  gzip.end();
  await ended;
  return { gz: Buffer.concat(out), sha256: hash.digest('hex') };
}

/**
 * Writes a release atomically (a temporary folder renamed into place, the old one removed after)
 * and caches its rows.
 */
export async function writeRelease(dir: string, rel: ImportedRelease): Promise<Manifest> {
  if (!validReleaseName(rel.release)) throw new StoreError(`release name \`${rel.release}\` may hold only letters, digits, dot, dash and underscore`);
  if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(rel.table)) throw new StoreError(`table id \`${rel.table}\` may hold only lower-case letters, digits and dashes`);
  const { gz, sha256: hash } = await compressNormalized(rel.rows);
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    table: rel.table,
    kind: rel.kind,
    release: rel.release,
    from: rel.from,
    ...(rel.through ? { through: rel.through } : {}),
    source: rel.source,
    ...(rel.scope ? { scope: rel.scope } : {}),
    ...(rel.missing?.length ? { missing: rel.missing } : {}),
    rows: rel.rows.length,
    sha256: hash,
    file: ROWS_FILE,
  };
  const tableDir = join(dir, rel.table);
  mkdirSync(tableDir, { recursive: true });
  const final = join(tableDir, rel.release);
  const tmp = join(tableDir, `.${rel.release}.${process.pid}.tmp`);
  const old = join(tableDir, `.${rel.release}.${process.pid}.old`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  writeFileSync(join(tmp, ROWS_FILE), gz);
  writeFileSync(join(tmp, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
  if (existsSync(final)) renameSync(final, old);
  renameSync(tmp, final);
  rmSync(old, { recursive: true, force: true });
  cacheRows(manifest, rel.rows);
  return manifest;
}
