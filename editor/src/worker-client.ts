// A promise-based client for the analysis worker, started on first use (after the editor is on
// screen: its 600 KB of language tooling must not compete with the first paint).
import type { Request } from './protocol.ts';
import AnalysisWorker from './analysis.worker.ts?worker';

let worker: Worker | undefined;
let nextId = 1;
const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

function get(): Worker {
  if (worker) return worker;
  worker = new AnalysisWorker();
  worker.onmessage = (e: MessageEvent<{ id: number; result?: unknown; error?: string }>) => {
    const p = pending.get(e.data.id);
    if (!p) return;
    pending.delete(e.data.id);
    if (e.data.error !== undefined) p.reject(new Error(e.data.error));
    else p.resolve(e.data.result);
  };
  return worker;
}

export function ask<T>(req: Request): Promise<T> {
  const id = nextId++;
  return new Promise<T>((resolve, reject) => {
    pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
    get().postMessage({ id, req });
  });
}
