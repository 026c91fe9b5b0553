// A save refused because the file changed on disk: the person's text stays in the editor; they
// keep theirs, take the disk's, or compare the two side by side.
import { useEffect, useRef, useState, type RefObject } from 'react';
import type * as Monaco from './monaco.ts';
import { borrowDiffEditor } from './diffEditors.ts';

export interface Conflict {
  path: string;
  theirs: string | null;
  theirsVersion: string | null;
}

export function ConflictBar(props: { conflict: Conflict; monaco: typeof Monaco; editor: RefObject<Monaco.editor.IStandaloneCodeEditor | null>; onKeepMine: () => void; onTakeTheirs: () => void }) {
  const { monaco } = props;
  const [comparing, setComparing] = useState(false);
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!comparing || !host.current) return;
    const mine = props.editor.current!.getModel()!;
    const theirs = monaco.editor.createModel(props.conflict.theirs ?? '', mine.getLanguageId());
    const copy = monaco.editor.createModel(mine.getValue(), mine.getLanguageId());
    const diff = borrowDiffEditor(monaco, 'conflict', host.current, { readOnly: true, renderSideBySide: true });
    diff.show(theirs, copy);
    return () => {
      diff.giveBack();
      theirs.dispose();
      copy.dispose();
    };
  }, [comparing, props.conflict, props.editor, monaco]);
  return (
    <div className="conflict" role="alertdialog" aria-labelledby="conflict-title" data-testid="conflict">
      <p id="conflict-title">
        <strong>{props.conflict.path}</strong> changed on disk since you opened it. Your changes are still in the editor.
      </p>
      <button onClick={props.onKeepMine} data-testid="keep-mine">Keep mine</button>
      <button onClick={props.onTakeTheirs} data-testid="take-theirs">Take theirs</button>
      <button onClick={() => setComparing((c) => !c)} data-testid="compare">{comparing ? 'Hide comparison' : 'Compare'}</button>
      {comparing && <div className="diff-editor" ref={host} data-testid="compare-view" />}
    </div>
  );
}
