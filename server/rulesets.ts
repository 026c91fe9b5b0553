// The rulesets the service evaluates against, and how they change without downtime. A Generation
// is an immutable compiled set (evaluator, hashes, batch threads); the store swaps the current one
// in a single assignment, so a request sees the whole old set or the whole new one. A request keeps
// the generation it started with until it ends; a retired generation's threads stop after its last
// batch. A folder change is compiled in a thread of its own; when the new set has errors, the
// previous one keeps serving and /readyz and the log say so.
import { watch, type FSWatcher } from 'chokidar';
import type { Evaluator } from '../engine/index.ts';
import type { CompiledRuleset } from '../engine/compiled.ts';
import { compileFolder, type FolderResult, type Problem } from './compile.ts';
import { hashIndex, makeEvaluator, type HashIndex } from './evaluator.ts';
import { ThreadPool } from './pool.ts';
import type { BatchOut } from './batch-eval.ts';
import type { BatchRequest, CompileRequest, ThreadData } from './thread.ts';

export interface RulesetInfo {
  id: string;
  title?: string;
  version: string;
  effective: { from: string; through?: string };
  hash: string;
  /** This ruleset, then the ones it extends. */
  chain: string[];
}

export interface Logger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** What the HTTP app reads: the set being served and, while the folder is broken, why. */
export interface RulesetsView {
  readonly current: Generation | undefined;
  readonly failure: Failure | undefined;
}

export interface Failure {
  at: string;
  problems: Problem[];
}

export class Generation {
  readonly hashes: HashIndex;
  readonly info: RulesetInfo[];
  private built: Evaluator | undefined;
  private pool: ThreadPool<BatchRequest, BatchOut> | undefined;
  private users = 0;
  private retired = false;

  constructor(
    readonly number: number,
    readonly rulesets: CompiledRuleset[],
    readonly sourcesHash: string,
    private readonly threads: { size: number; script: URL | undefined },
    private readonly tablesFrom?: string,
    /** When the set was compiled (given by the primary process to its workers, so they all agree). */
    readonly loadedAt = new Date().toISOString(),
  ) {
    this.hashes = hashIndex(rulesets);
    this.info = rulesets.map((rs) => {
      const r = rs.ruleset;
      const info: RulesetInfo = { id: r.id, version: r.version, effective: { ...r.effective }, hash: this.hashes.get(`${r.id}@${r.version}`)!, chain: [...r.chain] };
      if (r.title !== undefined) info.title = r.title;
      return info;
    });
  }

  /**
   * The evaluator, built on first use: the primary process of `serve --processes N` keeps the set
   * only to hand it to its workers and never evaluates, so it never loads the tables.
   */
  get evaluator(): Evaluator {
    this.built ??= makeEvaluator(this.rulesets, this.tablesFrom);
    return this.built;
  }

  /** Batch threads for this set (started on first use); undefined when batches run on the main thread. */
  batchPool(): ThreadPool<BatchRequest, BatchOut> | undefined {
    if (this.threads.size <= 0 || !this.threads.script) return undefined;
    this.pool ??= new ThreadPool<BatchRequest, BatchOut>(this.threads.script, { role: 'batch', rulesets: this.rulesets, ...(this.tablesFrom ? { tablesFrom: this.tablesFrom } : {}) } satisfies ThreadData, this.threads.size);
    return this.pool;
  }

  /** A request holds the generation while it runs; release() when done. */
  acquire(): () => void {
    this.users++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.users--;
      if (this.retired && this.users === 0) void this.stop();
    };
  }

  retire(): void {
    this.retired = true;
    if (this.users === 0) void this.stop();
  }

  private async stop(): Promise<void> {
    const p = this.pool;
    this.pool = undefined;
    await p?.close();
  }
}

export type ReloadOutcome = 'loaded' | 'unchanged' | 'failed';

export interface StoreOptions {
  dir: string;
  /** Batch threads per generation (0: batches run on the main thread). */
  batchThreads: number;
  /** Service thread script; undefined compiles and evaluates on the main thread. */
  script: URL | undefined;
  log: Logger;
  /**
   * False in the primary process of `serve --processes N`, which hands sets to its workers and
   * evaluates nothing itself; otherwise a new set's evaluator (and tables) is built before the swap,
   * so no request pays for it.
   */
  evaluates?: boolean;
  onReload?: (outcome: ReloadOutcome, g: Generation | undefined) => void;
  /** After every change of `current` or `failure` (a swap, a broken folder, a folder restored). */
  onStateChange?: () => void;
}

export class RulesetStore implements RulesetsView {
  current: Generation | undefined;
  /** The last reload that failed, while the folder stays broken. */
  failure: Failure | undefined;
  private compiler: ThreadPool<CompileRequest, FolderResult | { unchanged: string }> | undefined;
  private running: Promise<ReloadOutcome> | undefined;
  private again = false;
  private watcher: FSWatcher | undefined;
  private poll: NodeJS.Timeout | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private count = 0;
  private brokenHash: string | undefined;

  constructor(private readonly opts: StoreOptions) {
    if (opts.script) this.compiler = new ThreadPool(opts.script, { role: 'compile' } satisfies ThreadData, 1);
  }

  /** Compiles the folder and swaps the new set in; concurrent calls coalesce into one more run. */
  reload(reason: string): Promise<ReloadOutcome> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      let outcome: ReloadOutcome;
      do {
        this.again = false;
        outcome = await this.reloadOnce(reason);
      } while (this.again);
      return outcome;
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async reloadOnce(reason: string): Promise<ReloadOutcome> {
    const skipHashes = [this.current?.sourcesHash, this.brokenHash].filter((h): h is string => h !== undefined);
    let res: FolderResult | { unchanged: string };
    try {
      res = this.compiler ? await this.compiler.run({ dir: this.opts.dir, skipHashes }) : compileFolder(this.opts.dir);
    } catch (e) {
      res = { ok: false, problems: [{ file: this.opts.dir, line: 0, column: 0, code: 'internal', message: `compiling failed: ${(e as Error).message}` }], sourcesHash: '', files: 0 };
    }
    const same = 'unchanged' in res ? res.unchanged : res.sourcesHash;
    if (same === this.brokenHash) return 'unchanged';
    if (this.current && same === this.current.sourcesHash) {
      // The folder is back to the set being served: nothing to swap, and nothing is wrong any more.
      if (this.failure) this.opts.log.info({ event: 'rulesets-restored', reason }, `the rulesets in ${this.opts.dir} are back to the set being served (generation ${this.current.number})`);
      const wasBroken = this.failure !== undefined;
      this.failure = undefined;
      this.brokenHash = undefined;
      if (wasBroken) this.opts.onStateChange?.();
      return 'unchanged';
    }
    if ('unchanged' in res) return 'unchanged';
    if (!res.ok) {
      this.brokenHash = res.sourcesHash;
      this.failure = { at: new Date().toISOString(), problems: res.problems };
      const still = this.current ? `still serving the previous set (generation ${this.current.number}, loaded ${this.current.loadedAt})` : 'no rulesets are loaded, so evaluation requests get 503 until it is fixed';
      this.opts.log.warn({ event: 'rulesets-rejected', reason, dir: this.opts.dir, problems: res.problems.slice(0, 50), problemCount: res.problems.length }, `the rulesets in ${this.opts.dir} have errors; ${still}`);
      this.opts.onReload?.('failed', this.current);
      this.opts.onStateChange?.();
      return 'failed';
    }
    const next = new Generation(++this.count, res.rulesets, res.sourcesHash, { size: this.opts.batchThreads, script: this.opts.script }, this.opts.dir);
    if (this.opts.evaluates !== false) void next.evaluator;
    const prev = this.current;
    // INVARIANT: the only write of `current`; requests read it once and keep what they read.
    this.current = next;
    this.failure = undefined;
    this.brokenHash = undefined;
    prev?.retire();
    this.opts.log.info(
      { event: 'rulesets-loaded', reason, generation: next.number, rulesets: next.info.map((r) => `${r.id}@${r.version}`), files: res.files },
      `loaded ${next.info.length} rulesets from ${this.opts.dir} (generation ${next.number})`,
    );
    this.opts.onReload?.('loaded', next);
    this.opts.onStateChange?.();
    return 'loaded';
  }

  /**
   * Watches the folder (and polls it every `pollSeconds` as a safety net for mounts that send no
   * events). Resolves once the watcher has scanned the folder: an edit made before that would be
   * taken for part of the initial scan and missed.
   */
  watch(pollSeconds: number): Promise<void> {
    const kick = (why: string) => {
      clearTimeout(this.debounce);
      // Editors save in several steps (temp file, rename); wait for the folder to settle.
      this.debounce = setTimeout(() => void this.reload(why), 150);
    };
    this.watcher = watch(this.opts.dir, { ignoreInitial: true, ignored: (p) => /(^|[/\\])\.[^/\\]/.test(p.slice(this.opts.dir.length)) });
    this.watcher.on('all', (_event, path) => {
      if (path.endsWith('.payer') || !/\.[A-Za-z0-9]+$/.test(path)) kick('the folder changed');
    });
    this.watcher.on('error', (e) => this.opts.log.warn({ event: 'watch-error', error: (e as Error).message }, 'watching the rulesets folder failed; polling continues'));
    if (pollSeconds > 0) {
      this.poll = setInterval(() => void this.reload('periodic check'), pollSeconds * 1000);
      this.poll.unref();
    }
    const watcher = this.watcher;
    return new Promise<void>((resolve) => {
      watcher.once('ready', () => resolve());
      watcher.once('error', () => resolve());
    }).then(() => {
      // Anything that changed between the start-up compile and the end of the scan.
      if (this.watcher === watcher) void this.reload('the folder changed during start-up');
    });
  }

  async close(): Promise<void> {
    clearTimeout(this.debounce);
    clearInterval(this.poll);
    await this.watcher?.close();
    await this.running?.catch(() => undefined);
    await this.compiler?.close();
    this.current?.retire();
  }
}
