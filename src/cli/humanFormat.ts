/** How hashes, rates, counts and times are shown to people (the `--json` output keeps the raw values). */

/** The first 16 hex characters of a hash, enough to tell blocks apart on a screen. */
export function shortHash(hash: string): string {
  return hash.length > 16 ? `${hash.slice(0, 16)}…` : hash;
}

/** A count with a metric prefix: 950, 12.3 k, 4.5 M, 1.2 G. */
export function formatCount(value: number): string {
  const units = [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ] as const;
  for (const [size, unit] of units) if (Math.abs(value) >= size) return `${(value / size).toFixed(1)} ${unit}`;
  return String(Math.round(value));
}

/** Proofs per second, e.g. "16.7 MH/s". */
export function formatHashrate(perSecond: number): string {
  return `${formatCount(perSecond)}H/s`.replace(/^(\d+)H/, '$1 H');
}

/** Milliseconds as seconds with one decimal, e.g. "2.3 s". */
export function formatDuration(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** A millisecond timestamp in ISO 8601 (UTC). */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}

/** Lays out rows as left-aligned columns separated by two spaces (the last column is not padded). */
export function formatTable(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '));
}

/** "1 block", "2 blocks". */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
