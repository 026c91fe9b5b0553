// The batch worker, started on first use.
import type { BatchRequest, BatchResponse } from './batch-protocol.ts';
import BatchWorker from './batch.worker.ts?worker';

let worker: Worker | undefined;
let nextId = 1;
const waiting = new Map<number, { resolve: (m: BatchResponse) => void; progress?: (done: number, total: number) => void }>();

function get(): Worker {
  if (!worker) {
    worker = new BatchWorker();
    worker.onmessage = (e: MessageEvent<BatchResponse>) => {
      const w = waiting.get(e.data.id);
      if (!w) return;
      if (e.data.type === 'progress') return w.progress?.(e.data.done, e.data.total);
      waiting.delete(e.data.id);
      w.resolve(e.data);
    };
  }
  return worker;
}

type Without<T> = T extends unknown ? Omit<T, 'id'> : never;

export function askBatch(req: Without<BatchRequest>, progress?: (done: number, total: number) => void): Promise<BatchResponse> {
  const id = nextId++;
  return new Promise((resolve) => {
    waiting.set(id, progress ? { resolve, progress } : { resolve });
    get().postMessage({ ...req, id });
  });
}

/** A message that gets no answer of its own (cancel: the run it stops answers). */
export function tellBatch(req: Without<BatchRequest>): void {
  get().postMessage({ ...req, id: nextId++ });
}
