// A worker thread of `payer-rules eval --workers N`: evaluates batches of claim jobs against the
// compiled rulesets it was started with, and sends back formatted reports in batch order.
import { parentPort, workerData } from 'node:worker_threads';
import { Evaluator, type RuntimeName } from '../engine/index.ts';
import type { CompiledRuleset } from '../engine/compiled.ts';
import { evaluateBatch, type Format, type LineJob, type RawLines } from './eval-core.ts';
import { tablesFor } from '../workspace/tables.ts';

const data = workerData as { rulesets: CompiledRuleset[]; tablesPath: string; runtime: RuntimeName; explain: boolean; format: Format; asOf?: string };
const ev = new Evaluator(data.rulesets, { tables: tablesFor(data.tablesPath) });

parentPort!.on('message', async (msg: { id: number; jobs: LineJob[] | RawLines }) => {
  try {
    const res = await evaluateBatch(ev, msg.jobs, data.runtime, data.explain, data.format, data.asOf ? { asOf: data.asOf } : {});
    // The encoded reports move to the main thread without a copy.
    parentPort!.postMessage({ id: msg.id, ...res }, [res.bytes.buffer as ArrayBuffer]);
  } catch (e) {
    parentPort!.postMessage({ id: msg.id, error: String((e as Error)?.message ?? e) });
  }
});
