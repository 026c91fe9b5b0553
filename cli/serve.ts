// `payer-rules serve`: flags → the evaluation service (server/) → exit code. Runs until SIGINT or
// SIGTERM, then finishes the requests in flight and exits 0; bad usage (a port in use, another host
// without keys, unreadable TLS files) exits 2. With `--processes N` (N > 1) this process is the
// primary of N worker processes, each of which runs this same command (node:cluster forks it).
import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { UnreadableError, UsageError, displayPath } from '../workspace/files.ts';
import { parseFlags, type Io } from './args.ts';

export const SERVE_HELP = `payer-rules serve --rulesets DIR [--port N] [--host H] [--api-keys FILE]
    [--tls-cert FILE --tls-key FILE] [--rate-limit N] [--max-batch-bytes N] [--processes N]
    [--workers N] [--poll SECONDS] [--log-level LEVEL] [--trust-proxy] [--payers FILE.json]`;

const FLAGS = {
  '--rulesets': 'value',
  '--port': 'value',
  '--host': 'value',
  '--api-keys': 'value',
  '--tls-cert': 'value',
  '--tls-key': 'value',
  '--rate-limit': 'value',
  '--max-batch-bytes': 'value',
  '--workers': 'value',
  '--processes': 'value',
  '--poll': 'value',
  '--log-level': 'value',
  '--trust-proxy': 'bool',
  '--payers': 'value',
} as const;

function whole(flags: Record<string, string | true>, name: string, dflt: number, min: number, max: number): number {
  const v = flags[name];
  if (v === undefined) return dflt;
  if (typeof v !== 'string' || !/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new UsageError(`${name} takes a whole number from ${min} to ${max}`);
  return Number(v);
}

function readPem(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch {
    throw new UnreadableError(`cannot read the TLS ${what} ${displayPath(path)}`);
  }
}

export async function serveCommand(args: string[], io: Io): Promise<number> {
  const { flags, rest } = parseFlags(args, FLAGS);
  // Loaded here, not at the top: other commands should not pay for Fastify's start-up.
  const { loadApiKeys } = await import('../server/api-keys.ts');
  const { DEFAULT_PORT, startService } = await import('../server/index.ts');
  if (rest.length) throw new UsageError(`serve takes no files; usage: ${SERVE_HELP}`);
  const rulesetsDir = typeof flags['--rulesets'] === 'string' ? flags['--rulesets'] : undefined;
  if (!rulesetsDir) throw new UsageError(`serve needs --rulesets DIR; usage: ${SERVE_HELP}`);
  const cert = flags['--tls-cert'];
  const key = flags['--tls-key'];
  if ((cert === undefined) !== (key === undefined)) throw new UsageError('TLS needs both --tls-cert FILE and --tls-key FILE');
  const level = (flags['--log-level'] ?? 'info') as string;
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'silent'].includes(level)) throw new UsageError('--log-level is fatal, error, warn, info, debug or silent');
  const host = typeof flags['--host'] === 'string' ? flags['--host'] : '127.0.0.1';
  const keys = loadApiKeys(flags['--api-keys'] as string | undefined, process.env['PAYER_RULES_API_KEYS']);
  const payers = flags['--payers'];
  let supplements = {};
  if (typeof payers === 'string') {
    const { loadSupplements, ReaderError } = await import('../readers/index.ts');
    try {
      supplements = loadSupplements({ payers: { name: displayPath(payers), text: readFileSync(payers, 'utf8') } });
    } catch (e) {
      if (e instanceof ReaderError) throw new UsageError(e.message);
      throw new UnreadableError(`cannot read the payers file ${displayPath(payers)}`);
    }
  }

  const cores = availableParallelism();
  const processes = whole(flags, '--processes', cores, 1, 256);
  const options = {
    rulesetsDir,
    host,
    port: whole(flags, '--port', DEFAULT_PORT, 0, 65535),
    keys,
    ...(cert && key ? { tls: { cert: readPem(cert as string, 'certificate'), key: readPem(key as string, 'key') } } : {}),
    rateLimitPerMinute: whole(flags, '--rate-limit', 60_000, 0, 1e9),
    bodyLimit: 1024 * 1024,
    maxBatchBytes: whole(flags, '--max-batch-bytes', 0, 0, Number.MAX_SAFE_INTEGER),
    batchThreads: whole(flags, '--workers', Math.max(2, Math.ceil(cores / processes)), 0, 64),
    pollSeconds: whole(flags, '--poll', 10, 0, 86_400),
    trustProxy: flags['--trust-proxy'] === true,
    logLevel: level,
    supplements,
  };
  if (cluster.isWorker) {
    // A worker process of a primary started with --processes N: it serves until the primary says stop.
    const { runWorker } = await import('../server/replica.ts');
    await runWorker(options);
    return 0;
  }
  let service: { url: string; store: { current?: { info: unknown[] } | undefined }; close(): Promise<void> };
  if (processes > 1) {
    const { startCluster } = await import('../server/primary.ts');
    service = await startCluster(options, processes);
  } else service = await startService(options);
  const gen = service.store.current;
  io.err(
    `payer-rules serve: listening on ${service.url} — ${gen ? `${gen.info.length} rulesets loaded` : 'no rulesets loaded yet (see /readyz)'}; ` +
      `${processes} process${processes === 1 ? '' : 'es'}; ` +
      (keys.size ? `${keys.size} API key${keys.size === 1 ? '' : 's'}` : 'no API keys: answering this machine only') +
      '; Ctrl-C stops it',
  );
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      io.err(`payer-rules serve: ${signal}: finishing the requests in flight`);
      void service.close().then(resolve, resolve);
    };
    const onInt = () => stop('SIGINT');
    const onTerm = () => stop('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
  return 0;
}
