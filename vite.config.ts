// Vite builds the editor (editor/); Vitest runs every suite under test/.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // CLI and property suites spawn processes and run thousands of inputs; correctness, not speed,
    // is what tests check (speed lives in `npm run bench`), so give a busy 2-core machine room.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
