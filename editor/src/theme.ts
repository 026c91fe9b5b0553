// Light and dark themes. The page follows the system (prefers-color-scheme) unless the person
// picks one; CSS variables color the page. The editor's themes (same token colors) live with
// Monaco in editor-core.ts, which registers itself here once it has loaded, so the page can be
// themed before Monaco arrives.

export type ThemeChoice = 'system' | 'light' | 'dark';
export type Theme = 'light' | 'dark';

const media = () => window.matchMedia('(prefers-color-scheme: dark)');

export function effectiveTheme(choice: ThemeChoice): Theme {
  return choice === 'system' ? (media().matches ? 'dark' : 'light') : choice;
}

let current: Theme = 'light';
let editorThemer: ((t: Theme) => void) | undefined;

/** The editor's own theme follows the page's from now on (called once Monaco has loaded). */
export function followTheme(set: (t: Theme) => void): void {
  editorThemer = set;
  set(current);
}

/** Applies a choice to the page (and the editor, once loaded); returns a function that stops following the system. */
export function applyTheme(choice: ThemeChoice): () => void {
  const set = () => {
    current = effectiveTheme(choice);
    document.documentElement.dataset['theme'] = current;
    editorThemer?.(current);
  };
  set();
  const m = media();
  m.addEventListener('change', set);
  return () => m.removeEventListener('change', set);
}
