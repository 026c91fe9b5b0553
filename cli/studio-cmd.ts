// `payer-rules studio [--port N] [--rulesets DIR]`: builds the editor when its sources are newer
// than the last build, then serves it on 127.0.0.1.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createStudio } from '../studio/server.ts';
import { UsageError, newestMtime, projectRoot } from '../workspace/files.ts';

const ROOT = projectRoot();
const DIST = join(ROOT, 'dist', 'editor');


/** Builds the editor if dist/editor is missing or older than its sources. */
export async function buildEditorIfNeeded(log: (s: string) => void): Promise<void> {
  const index = join(DIST, 'index.html');
  const sources = Math.max(newestMtime(join(ROOT, 'editor')), newestMtime(join(ROOT, 'dsl')), newestMtime(join(ROOT, 'engine')));
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  log('building the editor…');
  const { build } = await import('vite');
  await build({ configFile: join(ROOT, 'editor', 'vite.config.ts'), logLevel: 'warn' });
}

export async function studioCommand(flags: Record<string, string | true>, io: { out: (s: string) => void; err: (s: string) => void }): Promise<number> {
  const portText = (flags['--port'] as string | undefined) ?? process.env['PORT'] ?? '4870';
  if (!/^\d+$/.test(portText) || Number(portText) > 65535) throw new UsageError('--port takes a port number (0 picks a free one)');
  const rulesetsDir = resolve((flags['--rulesets'] as string | undefined) ?? 'rulesets');
  if (!existsSync(rulesetsDir) || !statSync(rulesetsDir).isDirectory()) throw new UsageError(`no rulesets folder at ${rulesetsDir}`);
  const server = createStudio({ rulesetsDir, staticDir: DIST, port: Number(portText), log: io.err });
  await new Promise<void>((ok, fail) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      // A busy or forbidden port is the user's to change, not a bug: exit 2 with what to do.
      if (e.code === 'EADDRINUSE') fail(new UsageError(`port ${portText} is already in use (another studio?); choose another with --port N, or --port 0 for any free port`));
      else if (e.code === 'EACCES') fail(new UsageError(`port ${portText} needs privileges this user does not have; choose a port above 1023 with --port N`));
      else fail(e);
    });
    server.listen(Number(portText), '127.0.0.1', () => ok());
  });
  // Listening first: a port in use is reported before a build that may take a while.
  await buildEditorIfNeeded(io.err);
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : Number(portText);
  io.out(`payer-rules studio: http://127.0.0.1:${port}/ (editing ${rulesetsDir}; Ctrl+C to stop)`);
  await new Promise<void>((done) => {
    const stop = () => {
      server.close(() => done());
      server.closeAllConnections();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}
