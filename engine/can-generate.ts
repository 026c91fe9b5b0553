// What generated JavaScript shares (the rules in codegen.ts, claim validation in fast-validate.ts): whether
// this environment may generate it, and the writer that holds a function's text and references.

/**
 * Never in a browser page or worker: a page's Content-Security-Policy may forbid eval (the studio's
 * does), and a refused attempt is reported on the page even when caught, so pages keep the
 * closures. Elsewhere, where `new Function` works.
 */
export function mayGenerate(global: { document?: unknown; WorkerGlobalScope?: unknown }): boolean {
  if (global.document !== undefined || global.WorkerGlobalScope !== undefined) return false;
  try {
    return new Function('return 1')() === 1;
  } catch {
    return false;
  }
}

let allowed: boolean | undefined;

/** `mayGenerate` for this environment, asked once. */
export function canGenerate(): boolean {
  return (allowed ??= mayGenerate(globalThis as { document?: unknown; WorkerGlobalScope?: unknown }));
}

/** The text of a generated function, and the values it refers to (`X[n]`) instead of writing them. */
export class SourceWriter {
  readonly refs: unknown[] = [];
  /** Variables the function declares (see `tmp`). */
  readonly vars: string[] = [];
  private n = 0;

  /** A value passed in by reference. */
  ref(v: unknown): string {
    this.refs.push(v);
    return `X[${this.refs.length - 1}]`;
  }

  /** A fresh variable, declared by the function (`vars`). */
  tmp(): string {
    const v = this.name();
    this.vars.push(v);
    return v;
  }

  /** A fresh name the caller declares itself (a block's label, a loop's variable). */
  name(): string {
    return `v${this.n++}`;
  }

  /** `source` (the body that returns the function) run with the references and any further arguments; undefined if it will not build. */
  build<T>(source: string, extra: Record<string, unknown> = {}): T | undefined {
    try {
      return new Function('X', ...Object.keys(extra), source)(this.refs, ...Object.values(extra)) as T;
    } catch {
      return undefined;
    }
  }
}
