// Light and dark themes. The page follows the system (prefers-color-scheme) unless the person
// picks one; CSS variables color the page, and two Monaco themes with the same token colors keep
// the editor in step.
import * as monaco from './monaco.ts';

export type ThemeChoice = 'system' | 'light' | 'dark';

const TOKENS = {
  light: { keyword: '0000c0', type: '7a3e9d', constant: '006e6e', number: '09885a', string: 'a31515', comment: '5f6a75', invalid: 'cd3131' },
  dark: { keyword: '79b8ff', type: 'd2a8ff', constant: '56d4dd', number: '7ee787', string: 'ffa198', comment: '9ea7b3', invalid: 'ff7b72' },
};

let defined = false;
function define(): void {
  if (defined) return;
  defined = true;
  for (const [name, base] of [['light', 'vs'], ['dark', 'vs-dark']] as const) {
    const c = TOKENS[name];
    monaco.editor.defineTheme(`payer-${name}`, {
      base,
      inherit: true,
      rules: [
        { token: 'keyword', foreground: c.keyword, fontStyle: 'bold' },
        { token: 'type', foreground: c.type, fontStyle: 'bold' },
        { token: 'constant', foreground: c.constant },
        { token: 'number', foreground: c.number },
        { token: 'string', foreground: c.string },
        { token: 'comment', foreground: c.comment, fontStyle: 'italic' },
        { token: 'invalid', foreground: c.invalid, fontStyle: 'underline' },
      ],
      colors: name === 'dark' ? { 'editor.background': '#0d1117' } : {},
    });
  }
}

const media = () => window.matchMedia('(prefers-color-scheme: dark)');

export function effectiveTheme(choice: ThemeChoice): 'light' | 'dark' {
  return choice === 'system' ? (media().matches ? 'dark' : 'light') : choice;
}

/** Applies a choice to the page and Monaco; returns a function that stops following the system. */
export function applyTheme(choice: ThemeChoice): () => void {
  define();
  const set = () => {
    const t = effectiveTheme(choice);
    document.documentElement.dataset['theme'] = t;
    monaco.editor.setTheme(`payer-${t}`);
  };
  set();
  const m = media();
  m.addEventListener('change', set);
  return () => m.removeEventListener('change', set);
}
