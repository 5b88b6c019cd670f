import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'puppeteer-core';
import { devToken, waitFor } from '@bp/testing';
import { type WatchedPage, artifactsDir, closePages, launchBrowser, openPage } from './support/browser.js';
import { bookingReaches, gatewayCall, patientRequests } from './support/gateway-client.js';
import { sendStripeWebhook, stripeEvent } from './support/stripe-webhooks.js';
import { auditAndCapture, daytimeZone, devSignIn, onboardProvider, settled } from './support/portal.js';
import { type TestPlatform, startPlatform } from './support/test-platform.js';

/**
 * The admin booking-health dashboard in a real browser (Debian's Chromium through puppeteer-core)
 * against the real gateway, booking-svc, payment-svc (on stripe-mock), calendar-svc and
 * notification-svc: what the dashboard shows is what the API answers, and what an admin does in the
 * portal (override, refund, a feature flag) is what the API then shows.
 */
describe('admin dashboard (real browser)', () => {
  let platform: TestPlatform;
  let browser: Browser;
  let gateway: string;
  let portal: string;
  let adminToken: string;
  const screenshots = artifactsDir('portal');
  const providerId = `admin-provider-${randomUUID().slice(0, 8)}`;
  const pages: WatchedPage[] = [];

  const patient = async (name: string) => devToken('patient', `patient-${randomUUID()}`, undefined, { name });
  const adminApi = async (path: string) => (await gatewayCall(gateway, adminToken, 'GET', path)).body.data;

  async function adminPage(): Promise<Page> {
    const watched = await openPage(browser);
    pages.push(watched);
    await devSignIn(watched.page, portal, 'admin', `admin-${randomUUID().slice(0, 8)}`);
    return watched.page;
  }

  /** Waits (generously) until the admin API shows something about a booking; resolves to the booking. */
  async function adminBookingWhere(id: string, done: (booking: any) => boolean, what: string): Promise<any> {
    let last: any;
    return waitFor(
      async () => {
        last = await adminApi(`/api/admin/bookings/${id}`);
        return last && done(last) ? last : undefined;
      },
      30_000,
      () => `booking ${id}: ${what} (last: ${JSON.stringify(last?.paymentRecord ?? last?.status)})`,
    );
  }

  /** A request the provider confirmed through the API: its payment captured. Each takes its own hour, after the fixed ones the tests use. */
  let capturedHour = 60;
  async function capturedBooking(name: string): Promise<string> {
    const token = await patient(name);
    const id = await patientRequests(gateway, token, providerId, capturedHour++);
    expect((await gatewayCall(gateway, await devToken('provider', providerId), 'POST', `/api/bookings/${id}/confirm`, {})).status).toBe(200);
    await bookingReaches(gateway, token, id, 'confirmed');
    await adminBookingWhere(id, (b) => b.paymentRecord?.status === 'captured', 'the capture');
    return id;
  }

  /** What the dashboard's figure cards and aging chart say, by name. */
  const shownFigures = (page: Page) =>
    page.evaluate(() => ({
      ...Object.fromEntries(
        [...document.querySelectorAll('[data-testid^="metric-"]')].map((el) => [
          el.getAttribute('data-testid')!.slice('metric-'.length),
          el.querySelector('.metric-value')!.textContent,
        ]),
      ),
      aging: [...document.querySelectorAll('[data-testid="holds-aging"] .bar-value')].map((el) => Number(el.getAttribute('data-value'))),
    }));

  beforeAll(async () => {
    platform = await startPlatform(['gateway', 'booking-svc', 'payment-svc', 'calendar-svc', 'notification-svc'], { portOffset: 770 });
    gateway = platform.url('gateway');
    portal = `${gateway}/portal/`;
    adminToken = await devToken('admin', `admin-${randomUUID()}`);
    await onboardProvider(gateway, adminToken, providerId, daytimeZone());
    browser = await launchBrowser();
    console.log(`portal screenshots: ${screenshots}`);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  }, 60_000);

  afterEach(async () => {
    // No page may have been refused anything by its own Content-Security-Policy, nor thrown; each test's pages close with it.
    for (const reported of await closePages(pages)) expect(reported).toEqual({ cspViolations: [], errors: [] });
  });

  it('shows the figures GET /api/admin/bookings/health answers, including a request the test made', async () => {
    const id = await patientRequests(gateway, await patient('Maria Lopez'), providerId, 20);
    await adminBookingWhere(id, (b) => b.paymentRecord?.status === 'held', 'the hold');
    const page = await adminPage();
    await settled(page);

    // The page refreshes on every booking update: compare it with the API until both say the same (a generous wait, no fixed sleep).
    let api: any;
    let shown: any;
    let expected: any;
    await waitFor(
      async () => {
        api = await adminApi('/api/admin/bookings/health');
        shown = await shownFigures(page);
        expected = {
          pendingCount: String(api.pendingCount),
          expiringSoonCount: String(api.expiringSoonCount),
          expiredToday: String(api.expiredToday),
          needsAdmin: String(api.needsAdmin.count),
          activeHoldsCount: String(api.activeHoldsCount),
          activeHoldsAmount: Object.entries(api.activeHoldsAmountCents as Record<string, number>)
            .map(([currency, cents]) => new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).format(cents / 100))
            .join(', '),
          expiringWithin24h: String(api.expiringWithin24h),
          capturesDeferred: String(api.capturesDeferred),
          aging: [api.holdsAging.under24h, api.holdsAging.days1to3, api.holdsAging.days3to5, api.holdsAging.days5to7, api.holdsAging.over7days],
        };
        return JSON.stringify(shown) === JSON.stringify(expected);
      },
      30_000,
      () => `the dashboard ${JSON.stringify(shown)} to show the API's ${JSON.stringify(expected)}`,
    );
    expect(api.thresholds).toEqual({ pendingCount: 50, expiringSoonCount: 10, expiredToday: 5 });
    expect(api.pendingCount).toBeGreaterThanOrEqual(1);
    expect(api.activeHoldsCount).toBeGreaterThanOrEqual(1);

    // The provider's row on the leaderboard and the critical-alert banner are the API's too.
    const row = api.providerStats.find((r: any) => r.providerId === providerId);
    expect(row.pendingCount).toBeGreaterThanOrEqual(1);
    const shownRow = await page.$eval(`[data-testid="leaderboard"] tr[data-provider-id="${providerId}"]`, (el) =>
      [...el.children].map((cell) => (cell as HTMLElement).innerText),
    );
    expect(shownRow[0]).toBe('Dr. Portal Test');
    expect(shownRow[1]).toBe(String(row.pendingCount));
    const banner = await page.$eval('[data-testid="critical-alerts"]', (el) => (el as HTMLElement).innerText);
    if (api.criticalAlerts.length === 0) expect(banner).toBe('No critical issues.');
    else for (const alert of api.criticalAlerts) expect(banner).toContain(alert);
  }, 120_000);

  it('finds a booking made through the API by provider and status, and its detail shows the audit trail and payment', async () => {
    const id = await patientRequests(gateway, await patient('Sam Okafor'), providerId, 26);
    const stored = await adminBookingWhere(id, (b) => b.paymentRecord?.status === 'held', 'the hold');
    const page = await adminPage();
    await page.goto(`${portal}admin/bookings`);
    await settled(page);
    await page.type('#filter-provider', providerId);
    await page.select('#filter-status', 'pending_confirmation');
    await page.click('[role="search"] button[type="submit"]');
    await page.waitForSelector(`[data-testid="search-results"] tr[data-booking-id="${id}"]`, { timeout: 20_000 });
    expect(await page.$eval('[data-testid="results-summary"]', (el) => el.getAttribute('aria-live'))).toBe('polite');
    expect(await page.$$eval('[data-testid="search-results"] tbody [data-status]', (els) => els.map((el) => el.getAttribute('data-status')))).toEqual(
      expect.arrayContaining(['pending_confirmation']),
    );
    expect(new Set(await page.$$eval('[data-testid="search-results"] tbody [data-status]', (els) => els.map((el) => el.getAttribute('data-status'))))).toEqual(
      new Set(['pending_confirmation']),
    );

    await page.click(`tr[data-booking-id="${id}"] a`);
    await page.waitForSelector('[data-testid="audit-trail"] li');
    await settled(page);
    expect(await page.$eval('h1', (el) => el.textContent)).toBe(`Booking ${stored.bookingNumber}`);
    const shownEvents = await page.$$eval('[data-testid="audit-trail"] li', (els) => els.map((el) => el.getAttribute('data-event-type')));
    expect(shownEvents).toEqual(stored.audit.map((event: any) => event.eventType));
    expect(shownEvents.length).toBeGreaterThan(0);
    expect(await page.$eval('[data-payment-status]', (el) => el.getAttribute('data-payment-status'))).toBe('held');
    expect(await page.$eval('[data-testid="payment-terms"]', (el) => (el as HTMLElement).innerText)).toContain('$100.00');
  }, 120_000);

  it('shows a booking made meanwhile in an open search without a reload, over the live connection (admins receive every update)', async () => {
    const page = await adminPage();
    await page.goto(`${portal}admin/bookings?providerId=${providerId}`);
    await settled(page);
    // While live, nothing polls: the new row can only come from the booking update.
    await page.waitForFunction(() => document.querySelector('.live-status')?.getAttribute('data-live') === 'live', { timeout: 30_000 });
    const id = await patientRequests(gateway, await patient('Lee Chen'), providerId, 36);
    await page.waitForSelector(`[data-testid="search-results"] tr[data-booking-id="${id}"]`, { timeout: 30_000 });
    expect(await page.$eval('[data-testid="results-summary"]', (el) => el.textContent)).toMatch(/^\d+ bookings? on page 1/);
  }, 120_000);

  it('overrides a booking’s status with a reason, after showing the error tied to an empty reason', async () => {
    const id = await patientRequests(gateway, await patient('Kim Park'), providerId, 32);
    const page = await adminPage();
    await page.goto(`${portal}admin/bookings/${id}`);
    await settled(page);
    await page.click('[data-testid="booking-summary"] ~ .actions button.danger');
    await page.waitForSelector('[role="dialog"] #override-status');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('override-status');
    await page.select('#override-status', 'cancelled_admin');
    await page.click('[data-testid="override-form"] button[type="submit"]');
    await page.waitForSelector('#override-reason[aria-invalid="true"]');
    expect(await page.$eval('#override-reason', (el) => el.getAttribute('aria-describedby'))).toContain('override-reason-error');
    expect(await page.$eval('#override-reason-error', (el) => el.textContent)).toMatch(/reason/i);
    expect((await adminApi(`/api/admin/bookings/${id}`)).status).toBe('pending_confirmation');

    await page.type('#override-reason', 'Patient asked support to cancel by phone');
    await page.click('[data-testid="override-form"] button[type="submit"]');
    const overridden = await adminBookingWhere(id, (b) => b.status === 'cancelled_admin', 'the override');
    expect(overridden.audit).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          eventType: 'admin_override',
          newStatus: 'cancelled_admin',
          data: expect.objectContaining({ reason: 'Patient asked support to cancel by phone' }),
        }),
      ]),
    );
    // The dialog closes, focus returns to its opener, and the page shows the new status.
    await page.waitForFunction(() => !document.querySelector('[role="dialog"]'), { timeout: 20_000 });
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Override status');
    await page.waitForSelector('[data-testid="booking-summary"] [data-status="cancelled_admin"]', { timeout: 20_000 });
  }, 120_000);

  it('records a partial refund of a captured booking, with its reason', async () => {
    const id = await capturedBooking('Ana Silva');
    const page = await adminPage();
    await page.goto(`${portal}admin/bookings/${id}`);
    await settled(page);
    await page.waitForSelector('[data-payment-status="captured"]');
    await page.click('[data-testid="booking-summary"] ~ .actions button:not(.danger)');
    await page.waitForSelector('[data-testid="refund-form"]');
    await page.click('input[name="refund-extent"][value="part"]');
    await page.waitForSelector('#refund-amount');
    await page.type('#refund-amount', '40');
    await page.type('#refund-reason', 'Visit started late');
    await page.click('[data-testid="refund-form"] button[type="submit"]');
    const refunded = await adminBookingWhere(id, (b) => b.paymentRecord?.refundedCents === 4_000, 'the refund');
    expect(refunded.paymentRecord).toMatchObject({ status: 'partial_refund', capturedCents: 10_000 });
    expect(refunded.paymentRecord.refunds).toEqual([expect.objectContaining({ amountCents: 4_000, reason: 'Visit started late', initiatedBy: 'admin' })]);
    await page.waitForFunction(() => document.querySelector('[data-testid="refunds"]')?.textContent?.includes('Visit started late'), { timeout: 20_000 });
  }, 120_000);

  it('raises a booking whose charge is disputed in the banner and the waiting list, and an acknowledgement with a note clears it', async () => {
    const id = await capturedBooking('Ravi Iyer');
    const { paymentIntentId } = (await adminApi(`/api/admin/bookings/${id}`)).paymentRecord;
    const dispute = { id: `dp_${randomUUID()}`, object: 'dispute', amount: 4_000, reason: 'product_not_received', status: 'needs_response', metadata: {} };
    const event = stripeEvent('charge.dispute.created', { ...dispute, charge: 'ch_disputed', payment_intent: paymentIntentId });
    expect((await sendStripeWebhook(platform.url('payment-svc'), event)).status).toBe(200);
    await adminBookingWhere(id, (b) => b.needsAdmin === true, 'the flag for an admin');

    const page = await adminPage();
    await settled(page);
    const violations: string[] = [];
    const item = `[data-testid="needs-admin"] li[data-booking-id="${id}"]`;
    await page.waitForSelector(item, { timeout: 30_000 });
    const alerts = (await adminApi('/api/admin/bookings/health')).criticalAlerts as string[];
    const waiting = alerts.find((alert) => alert.includes('wait for an admin'));
    expect(waiting).toEqual(expect.any(String));
    await page.waitForFunction((text) => document.querySelector('[data-testid="critical-alerts"]')?.textContent?.includes(text), { timeout: 30_000 }, waiting!);

    // Its figure card says so in words, not colour alone.
    await page.waitForFunction(() => document.querySelector('[data-testid="metric-needsAdmin"] .metric-note')?.textContent?.startsWith('Critical'), {
      timeout: 30_000,
    });
    await page.click(`${item} button`);
    await page.waitForSelector('[role="dialog"] #acknowledge-note');
    await page.click('[role="dialog"] button[type="submit"]');
    await page.waitForSelector('#acknowledge-note[aria-invalid="true"]');
    expect(await page.$eval('#acknowledge-note', (el) => el.getAttribute('aria-describedby'))).toContain('acknowledge-note-error');
    violations.push(...(await auditAndCapture(page, screenshots, 'admin-acknowledge-dialog')));
    await page.type('#acknowledge-note', 'Sent the evidence to Stripe');
    await page.click('[role="dialog"] button[type="submit"]');
    const cleared = await adminBookingWhere(id, (b) => !b.needsAdmin, 'the acknowledgement');
    expect(cleared.audit).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ eventType: 'admin_acknowledged', data: expect.objectContaining({ note: 'Sent the evidence to Stripe' }) }),
      ]),
    );
    await page.waitForFunction((s) => !document.querySelector(s), { timeout: 30_000 }, item);
    expect(violations).toEqual([]);
  }, 120_000);

  it('saves a feature flag’s provider override and reads it back, in the API and after a reload', async () => {
    const flagged = `flag-provider-${randomUUID().slice(0, 8)}`;
    const flag = '[data-flag="booking.payment_holds_enabled"]';
    const page = await adminPage();
    await page.goto(`${portal}admin/feature-flags`);
    await settled(page);
    await page.waitForSelector(`${flag} [data-testid="add-provider-override"]`);
    // Whatever overrides earlier runs left: remove them, then add this run's provider, off.
    while ((await page.$$(`${flag} [data-testid="provider-override"]`)).length > 0) await page.click(`${flag} [data-testid="provider-override"] button`);
    await page.click(`${flag} [data-testid="add-provider-override"]`);
    await page.type(`${flag} [data-testid="provider-override"] input`, flagged);
    await page.select(`${flag} [data-testid="provider-override"] select`, 'off');
    await page.click(`${flag} button[type="submit"]`);
    await page.waitForFunction((s) => document.querySelector(`${s} [role="status"]`)?.textContent === 'Saved.', { timeout: 20_000 }, flag);

    // Every service (the gateway too) learns it from the flags topic: wait for the API to read it back.
    const setting = await waitFor(async () => {
      const stored = (await adminApi('/api/admin/feature-flags')).find((f: any) => f.name === 'booking.payment_holds_enabled').setting;
      return stored?.providerOverrides?.[flagged] === false ? stored : undefined;
    }, 30_000);
    expect(setting).toMatchObject({ enabled: true, providerOverrides: { [flagged]: false } });
    await page.reload();
    await settled(page);
    await page.waitForSelector(`${flag} [data-testid="provider-override"] input`);
    expect(await page.$eval(`${flag} [data-testid="provider-override"] input`, (el) => (el as HTMLInputElement).value)).toBe(flagged);
    expect(await page.$eval(`${flag} [data-testid="provider-override"] select`, (el) => (el as HTMLSelectElement).value)).toBe('off');
  }, 120_000);

  it('asks before switching a kill switch on, and sends nothing when the admin cancels', async () => {
    const flag = '[data-flag="booking.disable_all_bookings"]';
    const stored = async () => (await adminApi('/api/admin/feature-flags')).find((f: any) => f.name === 'booking.disable_all_bookings');
    const before = await stored();
    expect(before.value).toBe(false);
    const page = await adminPage();
    await page.goto(`${portal}admin/feature-flags`);
    await settled(page);
    await page.waitForSelector(`${flag} input[type="checkbox"]`);
    await page.click(`${flag} input[type="checkbox"]`);
    await page.click(`${flag} button[type="submit"]`);
    const dialog = await page.waitForSelector('[role="dialog"]');
    expect(await dialog!.evaluate((el) => el.textContent)).toContain('Switch booking.disable_all_bookings on?');
    expect(await dialog!.evaluate((el) => el.textContent)).toContain('every provider and patient');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('[role="dialog"]'), { timeout: 10_000 });
    // Nothing was sent: the switch is as it was, in the API and on the page.
    expect(await page.$eval(`${flag} [role="status"]`, (el) => el.textContent).catch(() => null)).not.toBe('Saved.');
    expect(await stored()).toEqual(before);
  }, 120_000);

  it('passes an axe-core WCAG 2.1 AA scan with zero violations on every admin page and dialog, and writes a screenshot of each', async () => {
    const pending = await patientRequests(gateway, await patient('Noor Haddad'), providerId, 50);
    const captured = await capturedBooking('Lee Chen');
    const page = await adminPage();
    const violations: string[] = [];
    const scan = async (path: string, name: string, ready: string) => {
      await page.goto(`${portal}${path}`);
      await page.waitForSelector(ready);
      await settled(page);
      violations.push(...(await auditAndCapture(page, screenshots, name)));
    };
    await scan('admin', 'admin-booking-health', `tr[data-provider-id="${providerId}"]`);
    await scan(`admin/bookings?providerId=${providerId}`, 'admin-bookings', `tr[data-booking-id="${pending}"]`);
    await scan(`admin/bookings/${pending}`, 'admin-booking-detail', '[data-testid="audit-trail"] li');
    await page.click('[data-testid="booking-summary"] ~ .actions button.danger');
    await page.waitForSelector('[role="dialog"]');
    await page.click('[data-testid="override-form"] button[type="submit"]');
    await page.waitForSelector('#override-reason[aria-invalid="true"]');
    violations.push(...(await auditAndCapture(page, screenshots, 'admin-override-dialog')));
    await page.keyboard.press('Escape');
    await scan(`admin/bookings/${captured}`, 'admin-booking-detail-captured', '[data-payment-status="captured"]');
    await page.click('[data-testid="booking-summary"] ~ .actions button:not(.danger)');
    await page.waitForSelector('[data-testid="refund-form"]');
    await page.click('input[name="refund-extent"][value="part"]');
    await page.waitForSelector('#refund-amount');
    violations.push(...(await auditAndCapture(page, screenshots, 'admin-refund-dialog')));
    await page.keyboard.press('Escape');
    await scan('admin/feature-flags', 'admin-feature-flags', '[data-flag]');
    await page.click('[data-flag="booking.disable_all_bookings"] input[type="checkbox"]');
    await page.click('[data-flag="booking.disable_all_bookings"] button[type="submit"]');
    await page.waitForSelector('[role="dialog"]');
    violations.push(...(await auditAndCapture(page, screenshots, 'admin-kill-switch-dialog')));
    await page.keyboard.press('Escape');
    expect(violations).toEqual([]);
  }, 180_000);
});
