import type { BenchResult } from './bench-result.js';

function formatNumber(value: number): string {
  if (Number.isInteger(value)) return value.toLocaleString('en');
  return value.toLocaleString('en', { maximumFractionDigits: 3 });
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ');
  return [
    line(header),
    widths.map((width) => '-'.repeat(width)).join('-|-'),
    ...rows.map(line),
  ].join('\n');
}

/** The figures of every benchmark, then every ratio with its target. */
export function formatTable(results: readonly BenchResult[]): string {
  const figures = results.flatMap((result) =>
    result.figures.map((figure) => [
      result.name,
      figure.label,
      formatNumber(figure.value),
      figure.unit,
    ]),
  );
  const ratios = results.flatMap((result) =>
    result.ratios.map((ratio) => [
      result.name,
      ratio.label,
      formatNumber(ratio.value),
      ratio.target ?? '',
      ratio.met === null ? '' : ratio.met ? 'met' : 'MISSED',
    ]),
  );
  return [
    table(['benchmark', 'figure', 'value', 'unit'], figures),
    '',
    table(['benchmark', 'ratio', 'value', 'target', ''], ratios),
  ].join('\n');
}
