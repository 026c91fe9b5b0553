// Monaco's own editor worker, bundled locally. The entry is `editor.worker` (it starts the worker
// on its first message); `editor.worker.start` only exports `start()` and never answers, which left
// the diff editor without a diff (no highlighted lines, and no other worker-side feature).
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';

(self as unknown as { MonacoEnvironment: unknown }).MonacoEnvironment = {
  getWorker: () => new EditorWorker(),
};
