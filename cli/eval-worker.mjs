// Bootstrap for an eval worker thread: the sources are TypeScript, loaded through tsx.
import { register } from 'tsx/esm/api';

register();
await import('./eval-worker.ts');
