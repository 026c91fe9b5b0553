// Monaco, bundled locally (never from a CDN): the editor API plus only the contributions the
// studio uses, and none of Monaco's languages (the rules language registers its own tokenizer,
// YAML and JSON get small Monarch grammars). The full list is in
// monaco-editor/esm/vs/editor/editor.main.js; what is left out here (inline completions, sticky
// scroll, color picker, code lens, inlay hints, rename, links, drag and drop, paste-as, semantic
// tokens, parameter hints, …) serves languages or providers the studio does not have, and made
// up most of the 4.4 MB bundle the first load had to parse.
/* eslint-disable */
import 'monaco-esm/base/browser/ui/codicons/codicon/codicon.css';
import 'monaco-esm/base/browser/ui/codicons/codicon/codicon-modifiers.css';
import 'monaco-esm/editor/browser/widget/codeEditor/codeEditorWidget.js';
import 'monaco-esm/editor/browser/coreCommands.js';
import 'monaco-esm/editor/common/standaloneStrings.js';
// Editing.
import 'monaco-esm/editor/contrib/bracketMatching/browser/bracketMatching.js';
import 'monaco-esm/editor/contrib/clipboard/browser/clipboard.js';
import 'monaco-esm/editor/contrib/comment/browser/comment.js';
import 'monaco-esm/editor/contrib/contextmenu/browser/contextmenu.js';
import 'monaco-esm/editor/contrib/cursorUndo/browser/cursorUndo.js';
import 'monaco-esm/editor/contrib/indentation/browser/indentation.js';
import 'monaco-esm/editor/contrib/lineSelection/browser/lineSelection.js';
import 'monaco-esm/editor/contrib/linesOperations/browser/linesOperations.js';
import 'monaco-esm/editor/contrib/multicursor/browser/multicursor.js';
import 'monaco-esm/editor/contrib/wordOperations/browser/wordOperations.js';
import 'monaco-esm/editor/contrib/folding/browser/folding.js';
import 'monaco-esm/editor/contrib/wordHighlighter/browser/wordHighlighter.js';
// Find (Ctrl+F) and the language features the worker answers: completion, hover, go to
// definition (F12, Ctrl+click), format, quick fixes, markers (F8), the outline (Ctrl+Shift+O).
import 'monaco-esm/editor/contrib/find/browser/findController.js';
import 'monaco-esm/editor/contrib/suggest/browser/suggestController.js';
import 'monaco-esm/editor/contrib/hover/browser/hoverContribution.js';
import 'monaco-esm/editor/contrib/gotoSymbol/browser/goToCommands.js';
import 'monaco-esm/editor/contrib/gotoSymbol/browser/link/goToDefinitionAtPosition.js';
import 'monaco-esm/editor/contrib/format/browser/formatActions.js';
import 'monaco-esm/editor/contrib/codeAction/browser/codeActionContributions.js';
import 'monaco-esm/editor/contrib/gotoError/browser/gotoError.js';
import 'monaco-esm/editor/contrib/gotoError/browser/markerSelectionStatus.js';
import 'monaco-esm/editor/contrib/documentSymbols/browser/documentSymbols.js';
// The command palette (F1, where the studio's commands are), go to line (Ctrl+G), go to a rule.
import 'monaco-esm/editor/standalone/browser/quickAccess/standaloneCommandsQuickAccess.js';
import 'monaco-esm/editor/standalone/browser/quickAccess/standaloneGotoLineQuickAccess.js';
import 'monaco-esm/editor/standalone/browser/quickAccess/standaloneGotoSymbolQuickAccess.js';
// Safety and accessibility: invisible and bidirectional characters are highlighted ("Trojan
// Source"), odd line terminators reported, Ctrl+M lets Tab move the focus, read-only notes.
import 'monaco-esm/editor/contrib/unicodeHighlighter/browser/unicodeHighlighter.js';
import 'monaco-esm/editor/contrib/unusualLineTerminators/browser/unusualLineTerminators.js';
import 'monaco-esm/editor/contrib/toggleTabFocusMode/browser/toggleTabFocusMode.js';
import 'monaco-esm/editor/contrib/readOnlyMessage/browser/contribution.js';
export * from 'monaco-esm/editor/editor.api.js';
