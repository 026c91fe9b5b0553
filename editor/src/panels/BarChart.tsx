// A horizontal bar chart (Chart.js, bundled; only the bar parts are registered). A click on a bar
// selects it; the same data is a table of buttons under "as a table" for keyboard and screen
// reader users.
import { useEffect, useRef } from 'react';
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

export function BarChart(props: { title: string; data: [string, number][]; selected: string | undefined; onSelect: (label: string | undefined) => void; testId: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart<'bar'> | null>(null);
  const onSelect = useRef(props.onSelect);
  onSelect.current = props.onSelect;
  useEffect(() => {
    if (!canvas.current) return;
    const fg = cssVar('--fg');
    const c = new Chart(canvas.current, {
      type: 'bar',
      data: { labels: [], datasets: [{ data: [], backgroundColor: [] }] },
      options: {
        indexAxis: 'y',
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { tooltip: { enabled: true } },
        scales: { x: { ticks: { color: fg, precision: 0 }, grid: { color: cssVar('--border') } }, y: { ticks: { color: fg, autoSkip: false, font: { size: 11 } }, grid: { display: false } } },
        onClick: (_e, els) => {
          const i = els[0]?.index;
          const label = i === undefined ? undefined : (c.data.labels?.[i] as string | undefined);
          onSelect.current(label);
        },
      },
    });
    chart.current = c;
    return () => c.destroy();
  }, []);
  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    c.data.labels = props.data.map(([k]) => k);
    c.data.datasets[0]!.data = props.data.map(([, v]) => v);
    c.data.datasets[0]!.backgroundColor = props.data.map(([k]) => (k === props.selected ? cssVar('--accent-strong') : cssVar('--accent')));
    c.update();
  }, [props.data, props.selected]);
  return (
    <figure className="chart" data-testid={props.testId}>
      <figcaption>{props.title}</figcaption>
      <div className="chart-box" style={{ maxHeight: Math.max(90, props.data.length * 20 + 30) }}>
        <canvas ref={canvas} role="img" aria-label={`${props.title}: ${props.data.map(([k, v]) => `${k} ${v}`).join(', ')}`} />
      </div>
      <details>
        <summary>as a table</summary>
        <table>
          <tbody>
            {props.data.map(([k, v]) => (
              <tr key={k}>
                <td>
                  <button className="link" aria-pressed={props.selected === k} onClick={() => props.onSelect(props.selected === k ? undefined : k)}>
                    {k}
                  </button>
                </td>
                <td>{v}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
