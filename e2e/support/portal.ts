import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { ROUND_THE_CLOCK } from './internal-api.js';
import { gatewayCall } from './gateway-client.js';
import { axeViolations } from './browser.js';

/** A zone where it is now between 02:00 and 18:00, so a visit a couple of hours ahead is still today there. */
export function daytimeZone(now = new Date()): string {
  const zones = ['Pacific/Honolulu', 'America/Los_Angeles', 'America/New_York', 'UTC', 'Europe/Berlin', 'Asia/Kolkata', 'Asia/Tokyo', 'Pacific/Auckland'];
  const hour = (zone: string) => Number(new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', hourCycle: 'h23' }).format(now));
  return zones.find((zone) => hour(zone) >= 2 && hour(zone) <= 18) ?? 'UTC';
}

/** A request-booking provider (no calendar) open around the clock, onboarded by an admin through the API. */
export async function onboardProvider(gateway: string, adminToken: string, id: string, timezone: string): Promise<void> {
  const created = await gatewayCall(gateway, adminToken, 'PUT', `/api/providers/${id}`, {
    displayName: 'Dr. Portal Test',
    timezone,
    services: [{ id: 'svc-consult', name: 'Consultation', category: 'general', durationMinutes: 30, priceCents: 10_000, currency: 'usd' }],
    weeklyHours: ROUND_THE_CLOCK,
    overrides: [],
    settings: { minimumNoticeHours: 1, bufferMinutes: 0 },
  });
  if (created.status !== 201) throw new Error(`provider not created: ${created.status} ${JSON.stringify(created.body)}`);
}

/** Signs in through the portal's development sign-in, as a person would, and waits for the landing page. */
export async function devSignIn(page: Page, portal: string, role: 'provider' | 'admin', userId: string): Promise<void> {
  await page.goto(`${portal}sign-in`, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('#dev-user-id');
  if (role === 'admin') await page.click('input[name="role"][value="admin"]');
  await page.type('#dev-user-id', userId);
  await page.click('#dev-heading ~ form button[type="submit"]');
  await page.waitForFunction((path) => location.pathname === path, { timeout: 20_000 }, role === 'admin' ? '/portal/admin' : '/portal/dashboard');
}

/** Waits until nothing on the page is loading (no aria-busy="true" left). */
export async function settled(page: Page): Promise<void> {
  await page.waitForSelector('h1');
  await page.waitForFunction(() => document.querySelectorAll('[aria-busy="true"]').length === 0, { timeout: 20_000 });
}

/** The page as it is: axe's WCAG A/AA violations (expected none) and a full-page screenshot named for it. */
export async function auditAndCapture(page: Page, dir: string, name: string): Promise<string[]> {
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
  return (await axeViolations(page)).map((v) => `${name}: ${v.id} (${v.impact}) ${v.help} at ${v.targets.join(', ')}`);
}
