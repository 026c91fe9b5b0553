// The reference tables the studio checks claims with: the same folder `payer-rules eval --ruleset
// DIR` uses (workspace/tables.ts finds `tables/` in the rulesets folder or up to three folders
// above), loaded once and again whenever a release is added, removed or replaced (the releases'
// manifests are part of the key), with each release's rows read on first use. When there is no
// tables folder, or it cannot be read, the studio says so — the checks that need a table are
// reported "not checked: reference tables unavailable", never shown as passing.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { NO_TABLES, type TableProvider } from '../engine/index.ts';
import type { TableSet } from '../tables/index.ts';
import { MANIFEST_FILE, StoreError, loadTables } from '../tables/store.ts';
import { tablesDirFor } from '../workspace/tables.ts';

/** Whether the tables could be used, and why not when they could not (words for a biller). */
export type TablesStatus = { available: true } | { available: false; why: string };

export interface StudioTables {
  /** The tables to evaluate with (none when unavailable) and their status. */
  current(): { provider: TableProvider; set: TableSet | undefined; status: TablesStatus };
  /** Marks the loaded tables broken (a release's rows failed to read during an evaluation). */
  broken(e: unknown): TablesStatus;
}

/** Why an error while reading the tables happened, without file contents (paths and the reason only). */
export function tableErrorText(e: unknown): string {
  return e instanceof StoreError ? e.message : 'a table release could not be read';
}

/** The key that changes when a release is added, removed or rewritten. */
function keyOf(dir: string): string {
  const parts: string[] = [];
  for (const table of readdirSync(dir).sort()) {
    let releases: string[];
    try {
      releases = readdirSync(join(dir, table)).sort();
    } catch {
      continue;
    }
    for (const r of releases) {
      let m = 0;
      try {
        m = statSync(join(dir, table, r, MANIFEST_FILE)).mtimeMs;
      } catch {
        // a folder without a manifest is not a release; listReleases skips it too
      }
      parts.push(`${table}/${r}@${m}`);
    }
  }
  return parts.join('\u0000');
}

export function studioTables(root: string): StudioTables {
  let cache: { key: string; set: TableSet | undefined; status: TablesStatus } | undefined;
  const none = (why: string) => ({ provider: NO_TABLES, set: undefined, status: { available: false, why } as TablesStatus });
  return {
    current() {
      const dir = tablesDirFor(root);
      if (!dir) return none('there is no reference-table folder (tables/) beside the rulesets');
      let key: string;
      try {
        key = `${dir}\u0001${keyOf(dir)}`;
      } catch {
        return none('the reference-table folder (tables/) cannot be read');
      }
      if (cache?.key !== key) {
        try {
          const set = loadTables(dir);
          cache = set.tables().length ? { key, set, status: { available: true } } : { key, set: undefined, status: { available: false, why: 'the reference-table folder (tables/) holds no table releases' } };
        } catch (e) {
          cache = { key, set: undefined, status: { available: false, why: `the reference tables could not be read: ${tableErrorText(e)}` } };
        }
      }
      return cache.set ? { provider: cache.set, set: cache.set, status: cache.status } : none((cache.status as { why: string }).why);
    },
    broken(e) {
      const status: TablesStatus = { available: false, why: `the reference tables could not be read: ${tableErrorText(e)}` };
      if (cache) cache = { key: cache.key, set: undefined, status };
      return status;
    },
  };
}
