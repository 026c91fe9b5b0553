// Whether this environment may generate JavaScript (the generated rules and claim validation use it).

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
