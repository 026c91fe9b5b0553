// Builds the editor into dist/editor: React + Monaco, all bundled locally (no CDN), the analysis
// worker (dsl/ + engine/) as a module worker. Monaco is a chunk of its own (editor-core.ts,
// imported by boot.ts); the page asks for it in its <head> (modulepreload), so it downloads in
// parallel with the page's own small chunk instead of after it.
import { defineConfig, type Plugin } from 'vite';
import { fileURLToPath } from 'node:url';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** <link rel=modulepreload> for the editor chunk and the chunks it loads, and a preload for its CSS. */
function preloadEditorCore(): Plugin {
  return {
    name: 'preload-editor-core',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const bundle = ctx.bundle;
        if (!bundle) return [];
        const core = Object.values(bundle).find((c) => c.type === 'chunk' && c.facadeModuleId?.endsWith('/editor-core.ts'));
        if (!core || core.type !== 'chunk') return [];
        const files = new Set<string>([core.fileName]);
        const css = new Set<string>();
        const walk = (name: string) => {
          const c = bundle[name];
          // The page's own chunk (and its CSS) is loaded by the page already.
          if (!c || c.type !== 'chunk' || c.isEntry) return void files.delete(name);
          for (const f of c.viteMetadata?.importedCss ?? []) css.add(f);
          // Static imports, and the chunks it loads at once (the lexer for highlighting).
          for (const i of [...c.imports, ...c.dynamicImports]) if (!files.has(i)) (files.add(i), walk(i));
        };
        walk(core.fileName);
        return [
          ...[...files].map((f) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `./${f}` }, injectTo: 'head' as const })),
          ...[...css].map((f) => ({ tag: 'link', attrs: { rel: 'preload', as: 'style', crossorigin: true, href: `./${f}` }, injectTo: 'head' as const })),
        ];
      },
    },
  };
}

export default defineConfig({
  root: here('.'),
  base: './',
  resolve: {
    alias: { 'monaco-esm': here('../node_modules/monaco-editor/esm/vs') },
  },
  oxc: { jsx: { runtime: 'automatic' } },
  worker: { format: 'es' },
  plugins: [preloadEditorCore()],
  build: {
    outDir: here('../dist/editor'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 8000,
    sourcemap: false,
  },
  logLevel: 'warn',
});
