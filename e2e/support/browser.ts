import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { workspaceRoot } from '@bp/testing';

/** Debian's Chromium (scripts/ensure-browser.sh installs it); CHROMIUM_PATH points elsewhere. */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** Where the browser specs leave their screenshots (git-ignored), one folder per spec. */
export function artifactsDir(name: string): string {
  const dir = join(workspaceRoot, 'e2e/.artifacts', name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export async function launchBrowser(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // Root in CI has no user namespace for the sandbox; /dev/shm is small in containers.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--window-size=1280,900'],
    defaultViewport: { width: 1280, height: 900 },
  });
}

export interface WatchedPage {
  page: Page;
  /** Content-Security-Policy violations the page reported (there must be none). */
  cspViolations: string[];
  /** Uncaught errors in the page. */
  errors: string[];
}

/** A new page that records CSP violations (from inside the page, before any of its scripts) and uncaught errors. */
export async function openPage(browser: Browser): Promise<WatchedPage> {
  const page = await browser.newPage();
  const cspViolations: string[] = [];
  const errors: string[] = [];
  await page.exposeFunction('__reportCspViolation', (text: string) => cspViolations.push(text));
  await page.evaluateOnNewDocument(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      (window as unknown as { __reportCspViolation(text: string): void }).__reportCspViolation(`${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  page.setDefaultTimeout(20_000);
  return { page, cspViolations, errors };
}

/**
 * Closes the pages a test opened (every open page holds a live connection, and a user may hold five)
 * and answers what each reported: a spec expects no CSP violation and no uncaught error from any.
 */
export async function closePages(pages: WatchedPage[]): Promise<Array<Pick<WatchedPage, 'cspViolations' | 'errors'>>> {
  const used = pages.splice(0);
  await Promise.all(used.map(({ page }) => page.close()));
  return used.map(({ cspViolations, errors }) => ({ cspViolations, errors }));
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core (WCAG 2.0/2.1 A and AA rules) on the page as it is. axe is evaluated through the
 * DevTools protocol, which the page's CSP does not govern, so the page keeps its real policy.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: any[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n: any) => String(n.target)) }));
  });
}

/** Presses Tab until the focused element matches, and answers whether it got there within `maxTabs`: a keyboard user's way to a control. */
export async function tabTo(page: Page, selector: string, maxTabs = 60): Promise<boolean> {
  for (let i = 0; i < maxTabs; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return true;
    await page.keyboard.press('Tab');
  }
  return page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector);
}
