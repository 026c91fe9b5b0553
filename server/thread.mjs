// Bootstrap for a service thread when it cannot be bundled: the sources are TypeScript, loaded through tsx.
import { register } from 'tsx/esm/api';

register();
await import('./thread.ts');
