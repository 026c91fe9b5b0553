// The studio's own commands: one table feeds the command palette (F1), the keyboard bindings and
// the shortcut sheet, so a shortcut shown is a shortcut that works. Monaco's key codes are only
// named here (its enums are inlined constants); Monaco itself loads after the page.
import { KeyCode, KeyMod } from './monaco-keys.ts';

export type CommandId = 'save' | 'run' | 'tests' | 'format' | 'newVersion' | 'newFile' | 'gotoRule' | 'batch' | 'tables' | 'shortcuts';

export interface CommandInfo {
  id: CommandId;
  label: string;
  /** As shown to people. */
  keys?: string;
  /** Monaco keybinding (while the editor has focus; the page binds the same keys elsewhere). */
  binding?: number;
}

export const COMMANDS: readonly CommandInfo[] = [
  { id: 'save', label: 'Save the file', keys: 'Ctrl/Cmd+S', binding: KeyMod.CtrlCmd | KeyCode.KeyS },
  { id: 'run', label: 'Run the claim against this ruleset', keys: 'Ctrl/Cmd+Enter', binding: KeyMod.CtrlCmd | KeyCode.Enter },
  { id: 'tests', label: 'Run the test cases', keys: 'Alt+T', binding: KeyMod.Alt | KeyCode.KeyT },
  { id: 'format', label: 'Format the ruleset', keys: 'Shift+Alt+F' },
  { id: 'gotoRule', label: 'Go to a rule or code set…', keys: 'Ctrl/Cmd+Shift+O' },
  { id: 'newVersion', label: 'New version of this ruleset…', keys: 'Alt+N', binding: KeyMod.Alt | KeyCode.KeyN },
  { id: 'newFile', label: 'New file…' },
  { id: 'batch', label: 'Check a batch of claims…', keys: 'Alt+B', binding: KeyMod.Alt | KeyCode.KeyB },
  { id: 'tables', label: 'Search the reference tables…', keys: 'Alt+R', binding: KeyMod.Alt | KeyCode.KeyR },
  { id: 'shortcuts', label: 'Keyboard shortcuts', keys: 'Alt+K', binding: KeyMod.Alt | KeyCode.KeyK },
];

/** Monaco's own keys worth knowing, shown on the sheet beside the studio's. */
export const EDITOR_KEYS: readonly [string, string][] = [
  ['F1', 'all commands (the command palette)'],
  ['Ctrl+Space', 'completion'],
  ['F12', 'go to definition (code set, extended ruleset)'],
  ['Ctrl/Cmd+.', 'quick fix ("did you mean")'],
  ['F8', 'next problem'],
  ['Ctrl/Cmd+F', 'find'],
  ['Ctrl/Cmd+M', 'Tab moves focus out of the editor (keyboard users)'],
];

/** The page-level key for a command (outside the editor), from the same table. */
export function commandForKey(e: KeyboardEvent): CommandId | undefined {
  const ctrl = e.ctrlKey || e.metaKey;
  if (ctrl && !e.altKey && e.key.toLowerCase() === 's') return 'save';
  if (ctrl && e.key === 'Enter') return 'run';
  if (e.altKey && !ctrl) {
    const k = e.code;
    if (k === 'KeyT') return 'tests';
    if (k === 'KeyN') return 'newVersion';
    if (k === 'KeyB') return 'batch';
    if (k === 'KeyR') return 'tables';
    if (k === 'KeyK') return 'shortcuts';
  }
  return undefined;
}
