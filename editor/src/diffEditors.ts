// Monaco diff editors are made once and never disposed while the page lives. Disposing one leaves
// Monaco's global hover factory holding the disposed editor's services (microsoft/monaco-editor
// #4612) and races contributions Monaco has scheduled with setTimeout; later hovers and lists in
// the main editor then throw "InstantiationService has been disposed". So each place that shows
// a diff (the diff panel, the save-conflict comparison) borrows its own editor: it lives in a
// <div> of its own, is moved into whichever host shows it, and is taken out, emptied, when done.
import type * as Monaco from './monaco.ts';

type Options = Monaco.editor.IStandaloneDiffEditorConstructionOptions;

interface Slot {
  box: HTMLDivElement;
  editor: Monaco.editor.IStandaloneDiffEditor;
  lent: boolean;
}

const slots = new Map<string, Slot>();

export interface Borrowed {
  editor: Monaco.editor.IStandaloneDiffEditor;
  /** Shows `original` and `modified`; the editor lets go of them on return, and the caller keeps ownership. */
  show(original: Monaco.editor.ITextModel, modified: Monaco.editor.ITextModel): void;
  /** Empties the editor and takes it out of the page; the caller may dispose its models after. */
  giveBack(): void;
}

/** The diff editor for `slot`, moved into `host` with `options` applied. One borrower per slot at a time. */
export function borrowDiffEditor(monaco: typeof Monaco, slot: string, host: HTMLElement, options: Options): Borrowed {
  let s = slots.get(slot);
  if (!s) {
    const box = document.createElement('div');
    box.className = 'diff-editor-box';
    box.style.width = '100%';
    box.style.height = '100%';
    host.appendChild(box);
    s = { box, editor: monaco.editor.createDiffEditor(box, { automaticLayout: true, ...options }), lent: false };
    slots.set(slot, s);
  } else {
    if (s.lent) throw new Error(`diff editor ${slot} is already shown`);
    host.appendChild(s.box);
    s.editor.updateOptions(options);
    s.editor.layout();
  }
  const lent = s;
  lent.lent = true;
  return {
    editor: lent.editor,
    show(original, modified) {
      lent.editor.setModel({ original, modified });
    },
    giveBack() {
      if (!lent.lent) return;
      lent.editor.setModel(null);
      lent.box.remove();
      lent.lent = false;
    },
  };
}
