// A small pool of service threads (node:worker_threads) answering request messages in any order.
// Each request goes to the thread with the fewest outstanding requests. A thread that dies fails
// only its own outstanding requests and is replaced.
import { Worker } from 'node:worker_threads';

interface Pending<R> {
  resolve: (r: R) => void;
  reject: (e: Error) => void;
}

interface Slot<R> {
  worker: Worker;
  pending: Map<number, Pending<R>>;
}

export class ThreadPool<Req, Res> {
  private slots: Slot<Res>[] = [];
  private next = 0;
  private closing = false;

  constructor(
    private readonly script: URL,
    private readonly data: unknown,
    size: number,
  ) {
    for (let i = 0; i < Math.max(1, size); i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot<Res> {
    const slot: Slot<Res> = { worker: new Worker(this.script, { workerData: this.data }), pending: new Map() };
    slot.worker.on('message', (m: { id: number; res?: Res; error?: string }) => {
      const p = slot.pending.get(m.id);
      if (!p) return;
      slot.pending.delete(m.id);
      if (m.error !== undefined) p.reject(new Error(m.error));
      else p.resolve(m.res as Res);
    });
    const fail = (why: string) => {
      for (const p of slot.pending.values()) p.reject(new Error(why));
      slot.pending.clear();
      const i = this.slots.indexOf(slot);
      if (i >= 0 && !this.closing) this.slots[i] = this.spawn();
    };
    slot.worker.on('error', (e) => fail(`a service thread failed: ${e.message}`));
    slot.worker.on('exit', (code) => {
      if (!this.closing) fail(`a service thread stopped (exit code ${code})`);
    });
    // Idle threads must not keep the process alive.
    slot.worker.unref();
    return slot;
  }

  get size(): number {
    return this.slots.length;
  }

  run(req: Req, transfer: ArrayBuffer[] = []): Promise<Res> {
    if (this.closing) return Promise.reject(new Error('the thread pool is closed'));
    let best = this.slots[0]!;
    for (const s of this.slots) if (s.pending.size < best.pending.size) best = s;
    const id = this.next++;
    return new Promise<Res>((resolve, reject) => {
      best.pending.set(id, { resolve, reject });
      best.worker.ref();
      best.worker.postMessage({ id, req }, transfer);
    }).finally(() => {
      if (best.pending.size === 0) best.worker.unref();
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    const slots = this.slots;
    this.slots = [];
    for (const s of slots) for (const p of s.pending.values()) p.reject(new Error('the thread pool was closed'));
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}
