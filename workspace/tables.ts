// The reference tables beside a rulesets folder: `<rulesets>/tables/<table>/<release>/`. Rulesets
// name tables by id; the checker needs their ids and kinds, the evaluator their releases. Found by
// walking up from the path given (a file or folder inside the rulesets folder, or the folder
// itself), loaded once per folder per process (each release's rows on first use).
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadTables, type CacheReader, type PartsReader } from '../tables/store.ts';
import { NO_TABLES, type TableProvider } from '../engine/tables.ts';

/** The folder of reference tables for a rulesets path, if there is one. */
export function tablesDirFor(path: string): string | undefined {
  let d = resolve(path);
  try {
    if (!statSync(d).isDirectory()) d = dirname(d);
  } catch {
    return undefined;
  }
  for (let i = 0; i < 4; i++) {
    const t = join(d, 'tables');
    if (existsSync(t) && statSync(t).isDirectory()) return t;
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  return undefined;
}

const loaded = new Map<string, TableProvider>();

/**
 * The tables for a rulesets path (none when there is no tables folder). `readCache` and `readParts`
 * say where the releases' cached bytes and shared index arrays come from when this process has not
 * loaded the folder yet (eval's workers share the main thread's copies).
 */
export function tablesFor(path: string, readCache?: CacheReader, readParts?: PartsReader): TableProvider {
  const dir = tablesDirFor(path);
  if (!dir) return NO_TABLES;
  let t = loaded.get(dir);
  if (!t) loaded.set(dir, (t = loadTables(dir, readCache, readParts)));
  return t;
}
