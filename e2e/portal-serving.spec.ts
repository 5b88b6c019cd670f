import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Browser } from 'puppeteer-core';
import { devToken, workspaceRoot } from '@bp/testing';
import { launchBrowser, openPage } from './support/browser.js';
import { type TestPlatform, startPlatform } from './support/test-platform.js';

const PORTAL_CSP =
  /^default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self' ws:\/\/127\.0\.0\.1:\d+ wss:\/\/127\.0\.0\.1:\d+; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'$/;

async function devSignIn(gateway: string, body: unknown, key: string | null = `k-${randomUUID()}`) {
  const response = await fetch(`${gateway}/api/dev/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { 'x-idempotency-key': key } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json().catch(() => null)) as any };
}

/** How the gateway serves the portal (CSP, caching, client routes) and where the development sign-in exists: never in production. */
describe('portal serving and development sign-in', () => {
  let development: TestPlatform;
  let production: TestPlatform;
  let browser: Browser;

  beforeAll(async () => {
    [development, production] = await Promise.all([
      startPlatform(['gateway'], { portOffset: 750 }),
      startPlatform(['gateway'], {
        portOffset: 760,
        env: {
          gateway: {
            NODE_ENV: 'production',
            ALLOW_DEVELOPMENT_SECRETS: 'true', // the repository's development secrets, which production refuses otherwise
            JWT_ISSUER: 'https://id.example.health/',
            JWT_AUDIENCE: 'booking-platform-api',
          },
        },
      }),
    ]);
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([development?.stop(), production?.stop()]);
  }, 60_000);

  it('mints a short-lived provider or admin token locally that the gateway then accepts, and refuses other roles', async () => {
    const gateway = development.url('gateway');
    const signedIn = await devSignIn(gateway, { role: 'provider', userId: 'demo-request-london' });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.data).toMatchObject({ role: 'provider', userId: 'demo-request-london', token: expect.any(String) });
    const lifetime = new Date(signedIn.body.data.expiresAt).getTime() - Date.now();
    expect(lifetime).toBeGreaterThan(25 * 60_000);
    expect(lifetime).toBeLessThanOrEqual(30 * 60_000);
    // Accepted as a provider: a patient-only route answers 403 (a token that did not verify would be 401).
    const asProvider = await fetch(`${gateway}/api/bookings/patient`, { headers: { authorization: `Bearer ${signedIn.body.data.token}` } });
    expect(asProvider.status).toBe(403);

    expect((await devSignIn(gateway, { role: 'patient', userId: 'someone' })).status).toBe(400);
    expect((await devSignIn(gateway, { role: 'admin', userId: 'no spaces allowed' })).status).toBe(400);
    expect((await devSignIn(gateway, { role: 'admin', userId: 'ops-1' }, null)).body.error.code).toBe('IDEMPOTENCY_KEY_REQUIRED');
  });

  it('has no development sign-in in production: the route answers 404, and the sign-in page offers only the identity provider’s token', async () => {
    const gateway = production.url('gateway');
    const refused = await devSignIn(gateway, { role: 'admin', userId: 'intruder' });
    expect(refused.status).toBe(404);

    const { page, cspViolations, errors } = await openPage(browser);
    const probe = page.waitForResponse((response) => response.url().endsWith('/api/dev/sign-in'));
    await page.goto(`${gateway}/portal/sign-in`);
    expect((await probe).status()).toBe(404);
    await page.waitForSelector('#token');
    await page.waitForNetworkIdle();
    expect(await page.$('#dev-heading')).toBeNull();
    expect({ cspViolations, errors }).toEqual({ cspViolations: [], errors: [] });
    await page.close();
  });

  it('takes the identity provider’s token from the URL fragment, keeps it in this tab’s sessionStorage only, and forgets it on sign-out', async () => {
    const gateway = production.url('gateway');
    const token = await devToken('provider', 'provider-from-idp', undefined, {
      iss: 'https://id.example.health/',
      aud: 'booking-platform-api',
      name: 'Dr. Idp',
    });
    const { page, cspViolations, errors } = await openPage(browser);
    await page.goto(`${gateway}/portal/sign-in#id_token=${token}`);
    await page.waitForFunction(() => location.pathname === '/portal/dashboard');
    expect(await page.evaluate(() => location.hash)).toBe('');
    expect(await page.$eval('.who', (el) => el.textContent)).toContain('Dr. Idp');
    const stored = await page.evaluate(() => ({ session: Object.values(sessionStorage), local: Object.values(localStorage) }));
    expect(stored.session).toEqual([token]);
    expect(stored.local.join()).not.toContain(token);

    const [signOut] = await page.$$('xpath/.//button[contains(., "Sign out")]');
    await signOut!.click();
    await page.waitForFunction(() => location.pathname === '/portal/sign-in');
    expect(await page.evaluate(() => Object.values(sessionStorage))).toEqual([]);
    expect({ cspViolations, errors }).toEqual({ cspViolations: [], errors: [] });
    await page.close();
  });

  it('serves the portal under a strict CSP: index.html uncached for every client route, hashed assets cached for a year, no inline script', async () => {
    for (const platform of [development, production]) {
      const gateway = platform.url('gateway');
      const index = await fetch(`${gateway}/portal/`);
      expect(index.status).toBe(200);
      expect(index.headers.get('content-security-policy')).toMatch(PORTAL_CSP);
      expect(index.headers.get('x-content-type-options')).toBe('nosniff');
      expect(index.headers.get('cache-control')).toBe('no-cache');
      const html = await index.text();
      expect([...html.matchAll(/<script\b[^>]*>/g)].map(([tag]) => /\ssrc="\/portal\/assets\/[^"]+\.js"/.test(tag))).toEqual([true]);
      expect(html).not.toMatch(/<style\b|\sstyle="/);

      const clientRoute = await fetch(`${gateway}/portal/settings`);
      expect(clientRoute.status).toBe(200);
      expect(await clientRoute.text()).toBe(html);
      expect(clientRoute.headers.get('content-security-policy')).toMatch(PORTAL_CSP);

      const asset = readdirSync(join(workspaceRoot, 'dist/apps/portal/assets')).find((name) => name.endsWith('.js'))!;
      const script = await fetch(`${gateway}/portal/assets/${asset}`);
      expect(script.status).toBe(200);
      expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(script.headers.get('content-type')).toMatch(/javascript/);
      expect((await fetch(`${gateway}/portal/assets/missing-0000.js`)).status).toBe(404);

      const bare = await fetch(`${gateway}/portal`, { redirect: 'manual' });
      expect([bare.status, bare.headers.get('location')]).toEqual([301, '/portal/']);
    }
  });
});
