// The studio server moved to studio/server.ts (a stage of its own). This re-export keeps older
// imports working until they are updated.
export { createStudio, versionOf, MAX_BODY_BYTES } from '../studio/server.ts';
