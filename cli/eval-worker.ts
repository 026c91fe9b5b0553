// A worker thread of `payer-rules eval --workers N`: evaluates batches of claim jobs against the
// compiled rulesets it was started with, and sends back formatted reports in batch order.
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { Evaluator, type RuntimeName } from '../engine/index.ts';
import type { CompiledRuleset } from '../engine/compiled.ts';
import { evaluateBatch, type Format, type LineJob, type RawLines } from './eval-core.ts';
import { tablesFor } from '../workspace/tables.ts';
import type { Manifest } from '../tables/provider.ts';
import type { LookupParts } from '../tables/lookups.ts';
import type { TableRequest } from './eval.ts';

const data = workerData as { rulesets: CompiledRuleset[]; tablesPath: string; runtime: RuntimeName; explain: boolean; format: Format; asOf?: string; tables?: { port: MessagePort; flag: Int32Array } };

/**
 * A release's cached bytes or index arrays, asked of the main thread (cli/eval.ts serveTables),
 * which shares one copy among all workers. Asked synchronously (the rows are wanted in the middle
 * of a claim): the request goes out, the worker waits on the flag, then takes the answer off its
 * port. Without an answer in time, the worker reads the cache file (and builds the index) itself.
 */
function asker(port: MessagePort, flag: Int32Array): <K extends 'bytes' | 'parts'>(what: K, manifest: Manifest, path: string) => { bytes?: Uint8Array; parts?: LookupParts }[K] {
  let asked = 0;
  return (what, manifest, path) => {
    const id = ++asked;
    Atomics.store(flag, 0, 0);
    port.postMessage({ id, what, manifest, path } satisfies TableRequest);
    if (Atomics.wait(flag, 0, 0, 120_000) === 'timed-out') return undefined;
    // An answer to an earlier request that timed out may be queued first: skip it.
    for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
      const answer = m.message as { id: number; bytes?: Uint8Array; parts?: LookupParts };
      if (answer.id === id) return answer[what];
    }
    return undefined;
  };
}

const ask = data.tables && asker(data.tables.port, data.tables.flag);
const ev = new Evaluator(data.rulesets, { tables: ask ? tablesFor(data.tablesPath, (m, p) => ask('bytes', m, p), (m, p) => ask('parts', m, p)) : tablesFor(data.tablesPath) });

parentPort!.on('message', async (msg: { id: number; jobs: LineJob[] | RawLines }) => {
  try {
    const res = await evaluateBatch(ev, msg.jobs, data.runtime, data.explain, data.format, data.asOf ? { asOf: data.asOf } : {});
    // The encoded reports move to the main thread without a copy.
    parentPort!.postMessage({ id: msg.id, ...res }, [res.bytes.buffer as ArrayBuffer]);
  } catch (e) {
    parentPort!.postMessage({ id: msg.id, error: String((e as Error)?.message ?? e) });
  }
});
