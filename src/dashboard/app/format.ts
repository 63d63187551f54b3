/** How the dashboard writes numbers, hashes and times: short, readable, stable in width. */

const INTEGER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const COMPACT = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const HASHRATE_UNITS = ['H/s', 'kH/s', 'MH/s', 'GH/s', 'TH/s', 'PH/s'];

/** 1234567 → "1,234,567". */
export function formatInteger(value: number): string {
  return INTEGER.format(value);
}

/** Proofs per second with a unit: 0 → "0 H/s", 16_700_000 → "16.7 MH/s". */
export function formatHashrate(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return '0 H/s';
  let value = perSecond;
  let unit = 0;
  while (value >= 1000 && unit < HASHRATE_UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = value >= 100 || unit === 0 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${HASHRATE_UNITS[unit]}`;
}

/** A count with SI prefixes for chart axes: 12_300 → "12.3k". */
export function formatCompact(value: number): string {
  return COMPACT.format(value);
}

/** A duration in seconds: 0.4 → "0.4 s", 75 → "1 min 15 s", 7_300 → "2 h 1 min". */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '–';
  if (seconds === 0) return '0 s';
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) {
    const minutes = Math.floor(seconds / 60);
    const rest = Math.round(seconds % 60);
    return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
  }
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.round((seconds % 3600) / 60);
  return minutes === 0 ? `${hours} h` : `${hours} h ${minutes} min`;
}

/** How long ago `at` (ms since the epoch) was, seen from `now`: "just now", "12 s ago", "3 min ago", "2 d ago". */
export function formatAgo(at: number, now: number): string {
  const seconds = Math.max(0, (now - at) / 1000);
  if (seconds < 2) return 'just now';
  if (seconds < 60) return `${Math.floor(seconds)} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
}

/** The first and last characters of a hash or address: "00a3f1…9c2e". */
export function shortHash(hash: string, head = 6, tail = 4): string {
  return hash.length <= head + tail + 1 ? hash : `${hash.slice(0, head)}…${hash.slice(-tail)}`;
}

/** A local date and time with seconds: "2025-11-22 05:14:03". */
export function formatTimestamp(at: number): string {
  const date = new Date(at);
  const pad = (value: number) => String(value).padStart(2, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}
