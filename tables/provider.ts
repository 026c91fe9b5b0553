// Releases as the engine receives them (engine/tables.ts `TableProvider`): the release of a table
// in force on a day is the newest whose `from` is on or before it, as ruleset versions are chosen.
// Rows load lazily, once, on the first lookup. Browser-safe: where the rows come from (files, a
// server) is the caller's business.
import type { TableKind, TableProvider, TableRelease, TableReleaseInfo } from '../engine/tables.ts';
import { parseDay } from './codes.ts';
import { buildLookup, lookupOfParts, type LookupParts, type Scope } from './lookups.ts';
import type { Rows } from './rows.ts';

/** The manifest stored beside each release's rows (docs/tables.md, "Store layout"). */
export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  table: string;
  kind: TableKind;
  release: string;
  from: string;
  through?: string;
  /** Where the rows came from: publisher, file names, version, and how they were selected. */
  source: string;
  /** The codes the release lists completely, when it is a subset of the publisher's file. */
  scope?: Scope & { note: string };
  /** What the source lacks, in sentences (e.g. "effective dates are blank"). */
  missing?: string[];
  rows: number;
  /** sha256 of the normalized CSV (uncompressed), hex. */
  sha256: string;
  /** The rows file beside the manifest. */
  file: string;
}

export const MANIFEST_FORMAT = 'payer-rules-table/1';

/** What the engine sees of a release, plus the scope and gaps the manifest states. */
export interface ReleaseInfo extends TableReleaseInfo {
  scope?: Scope & { note: string };
  missing?: string[];
  sha256: string;
}

export function infoOf(m: Manifest): ReleaseInfo {
  const info: ReleaseInfo = { table: m.table, kind: m.kind, release: m.release, from: m.from, source: m.source, rows: m.rows, sha256: m.sha256 };
  if (m.through) info.through = m.through;
  if (m.scope) info.scope = m.scope;
  if (m.missing?.length) info.missing = m.missing;
  return info;
}

/** One release: its manifest, and how to get its rows. */
export interface ReleaseEntry {
  manifest: Manifest;
  rows: () => Rows;
  /** The release's index arrays made elsewhere (eval's main thread, shared); when given and not undefined, the lookup is made over them instead of the rows. */
  parts?: () => LookupParts | undefined;
}

interface Loaded {
  entry: ReleaseEntry;
  info: ReleaseInfo;
  fromDay: number;
  rows?: Rows;
  release?: TableRelease;
}

/** Every release of every table, chosen by table id and day; implements the engine's provider. */
export class TableSet implements TableProvider {
  private readonly byTable = new Map<string, Loaded[]>();
  private readonly list: { table: string; kind: TableKind }[] = [];

  constructor(entries: readonly ReleaseEntry[]) {
    for (const entry of entries) {
      const m = entry.manifest;
      let l = this.byTable.get(m.table);
      if (!l) {
        l = [];
        this.byTable.set(m.table, l);
        this.list.push({ table: m.table, kind: m.kind });
      }
      l.push({ entry, info: infoOf(m), fromDay: parseDay(m.from) });
    }
    for (const l of this.byTable.values()) l.sort((a, b) => a.fromDay - b.fromDay || (a.info.release < b.info.release ? -1 : 1));
    this.list.sort((a, b) => (a.table < b.table ? -1 : 1));
  }

  tables(): readonly { table: string; kind: TableKind }[] {
    return this.list;
  }

  release(table: string, day: number): TableRelease | undefined {
    const l = this.byTable.get(table);
    if (!l) return undefined;
    for (let i = l.length - 1; i >= 0; i--) {
      const r = l[i]!;
      if (r.fromDay <= day) return (r.release ??= this.make(r));
    }
    return undefined;
  }

  releases(table: string): readonly ReleaseInfo[] {
    return (this.byTable.get(table) ?? []).map((r) => r.info);
  }

  /** A release's rows (loaded once). */
  rows(table: string, release: string): Rows | undefined {
    const r = this.find(table, release);
    return r && this.load(r);
  }

  manifest(table: string, release: string): Manifest | undefined {
    return this.find(table, release)?.entry.manifest;
  }

  /** Loads every release's lookup now (a server warming up; the benchmark's "ready" time). */
  warm(): void {
    for (const [table, l] of this.byTable) for (const r of l) this.release(table, r.fromDay);
  }

  private make(r: Loaded): TableRelease {
    const parts = r.entry.parts?.();
    return { info: r.info, lookup: parts ? lookupOfParts(parts, r.info.scope) : buildLookup(r.info.kind, this.load(r), r.info.scope) };
  }

  private find(table: string, release: string): Loaded | undefined {
    return this.byTable.get(table)?.find((r) => r.info.release === release);
  }

  private load(r: Loaded): Rows {
    return (r.rows ??= r.entry.rows());
  }
}

/** A release's lookup built from its entry (rows loaded now). */
export function releaseOf(entry: ReleaseEntry): TableRelease {
  const info = infoOf(entry.manifest);
  return { info, lookup: buildLookup(info.kind, entry.rows(), info.scope) };
}

/**
 * A provider in which one table has a single release, whatever the date of service (the other
 * tables are chosen by date, as `base` chooses them): what `payer-rules diff OLD NEW --claims`
 * evaluates claims against, once with OLD pinned and once with NEW.
 */
export class PinnedTable implements TableProvider {
  private readonly infos: readonly TableReleaseInfo[];
  constructor(
    private readonly base: TableProvider,
    private readonly pinned: TableRelease,
  ) {
    this.infos = [pinned.info];
  }
  tables(): readonly { table: string; kind: TableKind }[] {
    const list = this.base.tables().filter((t) => t.table !== this.pinned.info.table);
    return [...list, { table: this.pinned.info.table, kind: this.pinned.info.kind }].sort((a, b) => (a.table < b.table ? -1 : 1));
  }
  release(table: string, day: number): TableRelease | undefined {
    return table === this.pinned.info.table ? this.pinned : this.base.release(table, day);
  }
  releases(table: string): readonly TableReleaseInfo[] {
    return table === this.pinned.info.table ? this.infos : this.base.releases(table);
  }
}
