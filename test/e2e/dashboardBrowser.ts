import { accessSync, constants } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

/** The Chromium the dashboard test drives: Debian's package, or CHROMIUM_PATH. */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/**
 * Launches headless Chromium with playwright-core (the system binary; `npx playwright install` is not used).
 * @throws {Error} naming what to install when the binary is missing, so the test fails instead of skipping.
 */
export async function launchChromium(timeoutMs: number): Promise<Browser> {
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK);
  } catch {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}: the dashboard test needs it. Run "npx tsx scripts/ensureChromium.ts" ` +
        '(installs the Debian package "chromium" when run as root), or "sudo apt-get install -y chromium", or set CHROMIUM_PATH.',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    timeout: timeoutMs,
  });
}

/** POSTs one operation to a node and returns its data. @throws {Error} on HTTP or GraphQL errors. */
export async function askNode<T>(url: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors !== undefined || body.data === undefined)
    throw new Error(`${url}: ${JSON.stringify(body.errors ?? body)}`);
  return body.data;
}

/** Records in `problems` every uncaught error of `page` and every Content-Security-Policy violation it reports. */
export function watchPageProblems(page: Page, problems: string[]): void {
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (/Content[- ]Security[- ]Policy/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
  });
}
