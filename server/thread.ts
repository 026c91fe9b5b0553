// A service thread. Role `batch`: evaluates batches of NDJSON lines against the compiled rulesets
// it was started with and hands the encoded reports back without copying. Role `compile`: compiles
// the rulesets folder, so a reload never stalls the requests the main thread is answering.
import { parentPort, workerData } from 'node:worker_threads';
import type { CompiledRuleset } from '../engine/compiled.ts';
import { evaluateLines, type BatchLine } from './batch-eval.ts';
import { compileFolder, readFolder, sourcesHashOf } from './compile.ts';
import { hashIndex, makeEvaluator } from './evaluator.ts';

export type ThreadData = { role: 'batch'; rulesets: CompiledRuleset[]; tablesFrom?: string } | { role: 'compile' };
export interface BatchRequest {
  lines: BatchLine[];
  explain: boolean;
}
export interface CompileRequest {
  dir: string;
  /** When the folder's sources hash to one of these, nothing is compiled. */
  skipHashes: string[];
}

const data = workerData as ThreadData;
const port = parentPort!;

if (data.role === 'batch') {
  const ev = makeEvaluator(data.rulesets, data.tablesFrom);
  const hashes = hashIndex(data.rulesets);
  port.on('message', async (m: { id: number; req: BatchRequest }) => {
    try {
      const out = await evaluateLines(ev, hashes, m.req.lines, m.req.explain);
      port.postMessage({ id: m.id, res: out }, [out.bytes.buffer as ArrayBuffer]);
    } catch (e) {
      port.postMessage({ id: m.id, error: String((e as Error)?.message ?? e) });
    }
  });
} else {
  port.on('message', (m: { id: number; req: CompileRequest }) => {
    try {
      const hash = sourcesHashOf(readFolder(m.req.dir).sources);
      if (m.req.skipHashes.includes(hash)) {
        port.postMessage({ id: m.id, res: { unchanged: hash } });
        return;
      }
      port.postMessage({ id: m.id, res: compileFolder(m.req.dir) });
    } catch (e) {
      port.postMessage({ id: m.id, error: String((e as Error)?.message ?? e) });
    }
  });
}
