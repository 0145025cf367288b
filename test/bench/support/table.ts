/** Plain-text tables for stdout: first column left-aligned, numbers right-aligned. */
import type { Table, Target } from './benchmark.js';

export function renderTable(table: Table): string {
  const all = [table.columns, ...table.rows];
  const widths = table.columns.map((_, c) => Math.max(...all.map((row) => (row[c] ?? '').length)));
  const line = (row: string[]) =>
    row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  return [table.title, line(table.columns), rule, ...table.rows.map(line)].join('\n');
}

export function renderTargets(targets: Target[]): string {
  return renderTable({
    title: 'Targets',
    columns: ['target', 'required', 'measured', 'result'],
    rows: targets.map((t) => [t.name, t.required, t.measured, t.pass ? 'PASS' : 'FAIL']),
  });
}
