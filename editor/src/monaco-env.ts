// Monaco's own editor worker, bundled locally.
import EditorWorker from 'monaco-editor/editor/editor.worker.start?worker';

(self as unknown as { MonacoEnvironment: unknown }).MonacoEnvironment = {
  getWorker: () => new EditorWorker(),
};
