import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'puppeteer-core';
import { GoogleCalendarFake, devToken, waitFor } from '@bp/testing';
import { type WatchedPage, artifactsDir, closePages, launchBrowser, openPage, tabTo } from './support/browser.js';
import { bookingReaches, gatewayCall, patientRequests } from './support/gateway-client.js';
import { auditAndCapture, daytimeZone, devSignIn, onboardProvider, settled } from './support/portal.js';
import { type TestPlatform, portOf, startPlatform } from './support/test-platform.js';

/**
 * The provider portal in a real browser (Debian's Chromium through puppeteer-core) against the real
 * gateway, booking-svc, payment-svc and calendar-svc: requests made by patients through the API are
 * answered in the portal, and the API shows the outcome.
 */
describe('provider portal (real browser)', () => {
  let platform: TestPlatform;
  let browser: Browser;
  let gateway: string;
  let portal: string;
  let adminToken: string;
  const screenshots = artifactsDir('portal');
  const providerId = `portal-provider-${randomUUID().slice(0, 8)}`;
  const timezone = daytimeZone();
  const pages: WatchedPage[] = [];
  const google = new GoogleCalendarFake();

  const patient = async (name: string) => devToken('patient', `patient-${randomUUID()}`, undefined, { name });

  async function providerPage(id = providerId): Promise<Page> {
    const watched = await openPage(browser);
    pages.push(watched);
    await devSignIn(watched.page, portal, 'provider', id);
    return watched.page;
  }

  /** The card of one request on the page, by booking id. */
  const card = (id: string) => `[data-booking-id="${id}"]`;

  beforeAll(async () => {
    // Google's consent screen is a local fake that sends the browser back to the portal's callback page.
    const googleUrl = await google.start();
    const calendarEnv = {
      ...GoogleCalendarFake.calendarEnv(googleUrl),
      CALENDAR_OAUTH_REDIRECT_URI: `http://127.0.0.1:${portOf('gateway', 740)}/portal/calendar/callback`,
    };
    platform = await startPlatform(['gateway', 'booking-svc', 'payment-svc', 'calendar-svc'], { portOffset: 740, env: { 'calendar-svc': calendarEnv } });
    gateway = platform.url('gateway');
    portal = `${gateway}/portal/`;
    adminToken = await devToken('admin', `admin-${randomUUID()}`);
    await onboardProvider(gateway, adminToken, providerId, timezone);
    browser = await launchBrowser();
    console.log(`portal screenshots: ${screenshots}`);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
    await google.stop();
  }, 60_000);

  afterEach(async () => {
    // No page may have been refused anything by its own Content-Security-Policy, nor thrown; each test's pages close with it.
    for (const reported of await closePages(pages)) expect(reported).toEqual({ cspViolations: [], errors: [] });
  });

  it('confirms a patient’s live request from the dashboard widget, and the patient’s booking is confirmed', async () => {
    const token = await patient('Maria Lopez');
    const id = await patientRequests(gateway, token, providerId, 30);
    const page = await providerPage();
    await page.waitForSelector(`[data-testid="pending-widget"] ${card(id)}`);
    // The dashboard's other sections may still be loading: a click aimed before they render lands where the button was.
    await settled(page);
    const text = await page.$eval(card(id), (el) => (el as HTMLElement).innerText);
    expect(text).toContain('Maria Lopez');
    expect(text).toContain('Consultation');
    expect(text).toMatch(/left to answer/);
    expect(await page.$eval(`${card(id)} [aria-live="polite"]`, (el) => el.textContent)).toMatch(/left to answer/);
    await page.click(`${card(id)} button.primary`);
    const confirmed = await bookingReaches(gateway, token, id, 'confirmed').catch(async (error: Error) => {
      // The card shows why a confirmation failed: say it, rather than only that the booking did not move.
      const shown = await page.$eval(`${card(id)} [role="alert"]`, (el) => el.textContent).catch(() => 'no error');
      throw new Error(`${error.message}; the card shows: ${shown}`);
    });
    expect(confirmed.confirmedAt).toEqual(expect.any(String));
    await page.waitForFunction((selector) => !document.querySelector(selector), { timeout: 20_000 }, `[data-testid="pending-widget"] ${card(id)}`);
  }, 120_000);

  it('declines one request with a reason, and proposes another one a new time from the provider’s free slots', async () => {
    const token = await patient('Sam Okafor');
    const declined = await patientRequests(gateway, token, providerId, 40);
    const moved = await patientRequests(gateway, token, providerId, 44);
    const page = await providerPage();
    await page.goto(`${portal}pending`);
    await page.waitForSelector(card(declined));
    await settled(page);

    await page.click(`${card(declined)} button.danger`);
    await page.waitForSelector('[role="dialog"] textarea');
    await page.type('[role="dialog"] textarea', 'Away at a conference that day');
    await page.click('[role="dialog"] button[type="submit"]');
    const afterDecline = await bookingReaches(gateway, token, declined, 'cancelled_provider');
    expect(afterDecline.confirmation).toMatchObject({ responseType: 'declined', declineReason: 'Away at a conference that day' });
    // The API may show the decline before the browser has its answer: the dialog closes on that answer.
    await page.waitForFunction(() => !document.querySelector('[role="dialog"]'));

    await page.waitForSelector(card(moved));
    await page.click(`${card(moved)} button:not(.primary):not(.danger)`);
    await page.waitForSelector('[role="dialog"] input[type="radio"]');
    const chosen = await page.$eval('[role="dialog"] input[type="radio"]:nth-of-type(1)', (el) => (el as HTMLInputElement).value);
    await page.click('[role="dialog"] input[type="radio"]');
    await page.type('[role="dialog"] textarea', 'Could we meet at this time instead?');
    await page.click('[role="dialog"] button[type="submit"]');
    const afterProposal = await bookingReaches(gateway, token, moved, 'reschedule_proposed');
    expect(new Date(afterProposal.reschedule.current.proposedStart).toISOString()).toBe(new Date(chosen).toISOString());
    expect(afterProposal.reschedule.current.message).toBe('Could we meet at this time instead?');
  }, 120_000);

  it('saves booking settings, hours and an override, and reads them back after a reload and through the API', async () => {
    const ownProvider = `portal-settings-${randomUUID().slice(0, 8)}`;
    await onboardProvider(gateway, adminToken, ownProvider, timezone);
    const page = await providerPage(ownProvider);
    await page.goto(`${portal}settings`);
    await settled(page);
    const setValue = async (selector: string, value: string) => {
      await page.$eval(selector, (el) => ((el as HTMLInputElement).value = ''));
      await page.type(selector, value);
    };

    // Out of bounds: refused before sending, the message tied to its field.
    await setValue('#setting-minimumNoticeHours', '0');
    await page.click('[data-testid="settings-form"] button[type="submit"]');
    await page.waitForSelector('#setting-minimumNoticeHours[aria-invalid="true"]');
    expect(await page.$eval('#setting-minimumNoticeHours', (el) => el.getAttribute('aria-describedby'))).toContain('setting-minimumNoticeHours-error');
    expect(await page.$eval('#setting-minimumNoticeHours-error', (el) => el.textContent)).toMatch(/from 1 to 168/);

    await setValue('#setting-minimumNoticeHours', '2');
    await setValue('#setting-confirmationDeadlineHours', '48');
    await setValue('#setting-bufferMinutes', '10');
    if (!(await page.$eval('#setting-autoConfirm-enabled', (el) => (el as HTMLInputElement).checked))) await page.click('#setting-autoConfirm-enabled');
    await setValue('#setting-autoConfirm-maxDailyAutoConfirm', '5');
    await page.click('[data-testid="settings-form"] button[type="submit"]');
    await page.waitForFunction(() => document.querySelector('.toasts')?.textContent?.includes('Booking settings saved'), { timeout: 20_000 });

    await page.type('#override-new-date', '12312031'); // the date input takes the digits in the page's locale order (en-US)
    await page.click('[data-testid="add-override"]');
    await page.click('[data-testid="schedule-form"] button[type="submit"]');
    await page.waitForFunction(() => document.querySelector('.toasts')?.textContent?.includes('Hours saved'), { timeout: 20_000 });

    await page.reload();
    await settled(page);
    const values = await page.evaluate(() =>
      Object.fromEntries(
        ['minimumNoticeHours', 'confirmationDeadlineHours', 'bufferMinutes', 'autoConfirm-maxDailyAutoConfirm'].map((k) => [
          k,
          (document.getElementById(`setting-${k}`) as HTMLInputElement).value,
        ]),
      ),
    );
    expect(values).toEqual({ minimumNoticeHours: '2', confirmationDeadlineHours: '48', bufferMinutes: '10', 'autoConfirm-maxDailyAutoConfirm': '5' });
    expect(await page.$eval('#setting-autoConfirm-enabled', (el) => (el as HTMLInputElement).checked)).toBe(true);
    expect(await page.$$eval('[data-testid="schedule-form"] legend', (els) => els.map((el) => el.textContent))).toContain('2031-12-31');

    const stored = (await gatewayCall(gateway, adminToken, 'GET', `/api/providers/${ownProvider}`)).body.data;
    expect(stored.settings).toMatchObject({
      minimumNoticeHours: 2,
      confirmationDeadlineHours: 48,
      bufferMinutes: 10,
      autoConfirm: { enabled: true, maxDailyAutoConfirm: 5 },
    });
    expect(stored.schedule.overrides).toEqual([{ date: '2031-12-31', windows: [] }]);
  }, 120_000);

  it('walks a keyboard-only provider through confirming a request, with the decline dialog trapping and returning focus', async () => {
    const token = await patient('Kim Park');
    const id = await patientRequests(gateway, token, providerId, 50);
    const page = await providerPage();
    await page.goto(`${portal}pending`);
    await page.waitForSelector(card(id));

    // The first Tab reaches the skip link, which takes focus to the main region.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to main content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');

    // Decline opens a dialog that keeps focus inside and gives it back on Escape.
    expect(await tabTo(page, `${card(id)} button.danger`)).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForSelector('[role="dialog"]');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('TEXTAREA');
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => Boolean(document.activeElement?.closest('[role="dialog"]')))).toBe(true);
    }
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('[role="dialog"]'));
    expect(await page.evaluate((s) => document.activeElement?.matches(s), `${card(id)} button.danger`)).toBe(true);

    // Confirm with the keyboard; the focused button shows a visible 3 px outline.
    await page.keyboard.down('Shift');
    expect(await tabTo(page, `${card(id)} button.primary`, 5)).toBe(true);
    await page.keyboard.up('Shift');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineWidth);
    expect(outline).toBe('3px');
    await page.keyboard.press('Enter');
    await bookingReaches(gateway, token, id, 'confirmed');
  }, 120_000);

  it('takes today’s visit from check-in through start to completion', async () => {
    const token = await patient('Ana Silva');
    const id = await patientRequests(gateway, token, providerId, 2);
    const providerToken = await devToken('provider', providerId);
    expect((await gatewayCall(gateway, providerToken, 'POST', `/api/bookings/${id}/confirm`, {})).status).toBe(200);
    const page = await providerPage();
    await page.goto(`${portal}bookings`);
    for (const [button, status] of [
      ['Check in', 'checked_in'],
      ['Start visit', 'in_progress'],
      ['Complete visit', 'completed'],
    ] as const) {
      const selector = `[data-testid="today-visits"] ${card(id)} button`;
      await page.waitForFunction((s, label) => [...document.querySelectorAll(s)].some((b) => b.textContent === label), { timeout: 20_000 }, selector, button);
      await page.evaluate(
        (s, label) => ([...document.querySelectorAll(s)].find((b) => b.textContent === label) as HTMLButtonElement).click(),
        selector,
        button,
      );
      await bookingReaches(gateway, token, id, status);
    }
  }, 120_000);

  it('connects Google Calendar through its consent screen as an onboarding step, and the provider switches to instant booking', async () => {
    const ownProvider = `portal-calendar-${randomUUID().slice(0, 8)}`;
    await onboardProvider(gateway, adminToken, ownProvider, timezone);
    const page = await providerPage(ownProvider);
    await page.waitForSelector('a[href="/portal/onboarding/calendar"]'); // the dashboard offers the step
    await page.goto(`${portal}onboarding/calendar`);
    await settled(page);
    expect(await page.$eval('[data-testid="calendar-status"]', (el) => el.textContent)).toMatch(/No calendar is connected/);
    const [connectGoogle] = await page.$$('xpath/.//button[contains(., "Connect Google Calendar")]');
    await connectGoogle!.click();
    await page.waitForFunction(() => document.body.textContent?.includes('Your calendar is connected'), { timeout: 30_000 });
    expect(new URL(page.url()).pathname).toBe('/portal/calendar/callback');
    const token = await devToken('provider', ownProvider);
    expect((await gatewayCall(gateway, token, 'GET', `/api/providers/${ownProvider}/calendar`)).body.data).toMatchObject({
      connected: true,
      calendarProvider: 'google',
    });
    // booking-svc follows the connection (CalendarConnectionChanged over Kafka): instant booking.
    await waitFor(
      async () => (await gatewayCall(gateway, token, 'GET', `/api/providers/${ownProvider}`)).body.data.mode === 'instant',
      30_000,
      () => 'the provider in instant mode',
    );
    await page.goto(`${portal}onboarding/calendar`);
    await page.waitForFunction(() => document.querySelector('[data-testid="calendar-status"]')?.textContent?.startsWith('Connected: Google Calendar'));
  }, 120_000);

  it('shows a patient’s new request without a reload, over the live connection', async () => {
    const page = await providerPage();
    await page.goto(`${portal}pending`);
    await page.waitForFunction(() => document.querySelector('.live-status')?.getAttribute('data-live') === 'live', { timeout: 30_000 });
    const token = await patient('Lee Chen');
    const id = await patientRequests(gateway, token, providerId, 60);
    await page.waitForFunction(() => document.querySelector('.toasts')?.textContent?.includes('New booking request received'), { timeout: 30_000 });
    await page.waitForSelector(card(id), { timeout: 30_000 });
    expect(await page.$eval('[data-testid="pending-count"]', (el) => el.textContent)).toMatch(/^\d+ waiting$/);
  }, 120_000);

  it('reconnects by itself when the gateway restarts, and goes on updating without a reload', async () => {
    const page = await providerPage();
    await page.goto(`${portal}pending`);
    await page.waitForFunction(() => document.querySelector('.live-status')?.getAttribute('data-live') === 'live', { timeout: 30_000 });
    // Noted by the page itself: the restart may be over, and the portal live again, before the test looks.
    await page.evaluate(() => {
      const status = document.querySelector('.live-status')!;
      new MutationObserver(() => {
        if (status.getAttribute('data-live') !== 'live') (window as unknown as { liveDropped: boolean }).liveDropped = true;
      }).observe(status, { attributes: true });
    });
    await platform.restart('gateway'); // closes live sockets with 1012 on its way down
    await page.waitForFunction(() => (window as unknown as { liveDropped?: boolean }).liveDropped === true, { timeout: 30_000 });
    await page.waitForFunction(() => document.querySelector('.live-status')?.getAttribute('data-live') === 'live', { timeout: 60_000 });
    const token = await patient('Ravi Menon');
    const id = await patientRequests(gateway, token, providerId, 64);
    await page.waitForFunction(() => document.querySelector('.toasts')?.textContent?.includes('New booking request received'), { timeout: 30_000 });
    await page.waitForSelector(card(id), { timeout: 30_000 });
  }, 180_000);

  it('passes an axe-core WCAG 2.1 AA scan with zero violations on every page and dialog, and writes a screenshot of each', async () => {
    const token = await patient('Noor Haddad');
    const id = await patientRequests(gateway, token, providerId, 70);
    const violations: string[] = [];
    const signedOut = await openPage(browser);
    pages.push(signedOut);
    await signedOut.page.goto(`${portal}sign-in`);
    await signedOut.page.waitForSelector('#dev-user-id');
    violations.push(...(await auditAndCapture(signedOut.page, screenshots, 'sign-in')));

    const page = await providerPage();
    for (const [path, name] of [
      ['dashboard', 'dashboard'],
      ['pending', 'pending-requests'],
      ['bookings', 'bookings'],
      ['settings', 'settings'],
      ['onboarding/calendar', 'calendar-step'],
      ['calendar/callback?error=access_denied', 'calendar-callback'],
    ] as const) {
      await page.goto(`${portal}${path}`);
      await settled(page);
      violations.push(...(await auditAndCapture(page, screenshots, name)));
    }
    await page.goto(`${portal}pending`);
    await page.waitForSelector(card(id));
    await page.click(`${card(id)} button.danger`);
    await page.waitForSelector('[role="dialog"]');
    violations.push(...(await auditAndCapture(page, screenshots, 'decline-dialog')));
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('[role="dialog"]'));
    await page.click(`${card(id)} button:not(.primary):not(.danger)`);
    await page.waitForSelector('[role="dialog"] input[type="radio"]');
    violations.push(...(await auditAndCapture(page, screenshots, 'propose-time-dialog')));

    const admin = await openPage(browser);
    pages.push(admin);
    await devSignIn(admin.page, portal, 'admin', `admin-${randomUUID().slice(0, 8)}`);
    await settled(admin.page);
    violations.push(...(await auditAndCapture(admin.page, screenshots, 'admin-home')));
    expect(violations).toEqual([]);
  }, 180_000);
});
