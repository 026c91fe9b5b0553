// Builds the editor into dist/editor: React + Monaco, all bundled locally (no CDN), the analysis
// worker (dsl/ + engine/) as a module worker.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: './',
  resolve: {
    alias: { 'monaco-esm': here('../node_modules/monaco-editor/esm/vs') },
  },
  oxc: { jsx: { runtime: 'automatic' } },
  worker: { format: 'es' },
  build: {
    outDir: here('../dist/editor'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 8000,
    sourcemap: false,
  },
  logLevel: 'warn',
});
