// The rulesets folder: one group per payer folder, each file a button (keyboard reachable); the
// open file is marked as current. A click opens the file in the editor with the focus there; Enter
// or Space opens it and leaves the focus on the list (a keyboard user goes on by Tab).
import type { FileEntry } from './api.ts';

export function FileTree(props: { files: FileEntry[]; open: string | undefined; onOpen: (path: string, byPointer: boolean) => void }) {
  const folders = new Map<string, FileEntry[]>();
  for (const f of props.files) {
    const dir = f.path.includes('/') ? f.path.slice(0, f.path.lastIndexOf('/')) : '.';
    folders.set(dir, [...(folders.get(dir) ?? []), f]);
  }
  return (
    <nav className="files" aria-label="files in the rulesets folder">
      {[...folders].map(([dir, fs]) => (
        <section key={dir}>
          <h2 className="dir">{dir}/</h2>
          <ul>
            {fs.map((f) => (
              <li key={f.path}>
                <button className={f.path === props.open ? 'file-item active' : 'file-item'} aria-current={f.path === props.open ? 'page' : undefined} onClick={(e) => props.onOpen(f.path, e.detail > 0)} data-path={f.path}>
                  {f.path.slice(dir.length + 1)}
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </nav>
  );
}
