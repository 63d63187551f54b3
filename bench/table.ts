/** Prints a Markdown table (numbers get thousands separators and at most two decimals). */
export function printTable(
  title: string,
  headers: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | number>>,
): void {
  const format = (cell: string | number) =>
    typeof cell === 'number' ? cell.toLocaleString('en-US', { maximumFractionDigits: 2 }) : cell;
  const cells = [headers.map(String), ...rows.map((row) => row.map(format))];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => String(row[i]).length)));
  const line = (row: readonly string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(`\n${title}\n${line(cells[0]!)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of cells.slice(1)) console.log(line(row));
}

/** The p-th percentile (0–100) of ascending `sorted`. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
