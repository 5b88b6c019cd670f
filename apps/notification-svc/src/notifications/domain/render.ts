import { DateTime } from 'luxon';
import { EN, EN_CONTACT_CODE, EN_DIGEST, type MessageTexts } from './messages.en.js';
import type { NotificationFacts, PlannedNotification } from './notification-types.js';

const CATALOGS: Record<string, typeof EN> = { en: EN };

export interface LinkSettings {
  /** The app's web host for universal links (`https://<host>/booking/:id`). */
  appHost: string;
  /** The app's URL scheme for deep links (`<scheme>://booking/:id`). */
  appScheme: string;
}

export interface RenderedNotification extends MessageTexts {
  /** The universal link the message points at, and the same place in the app's own scheme. */
  link: string;
  appLink: string;
}

/** The spec's deep links: the booking, or its reschedule answer screen. */
export function deepLinks(notification: PlannedNotification, links: LinkSettings): { link: string; appLink: string } {
  const path = `booking/${encodeURIComponent(notification.facts.bookingId)}${notification.template === 'reschedule_proposed' ? '/reschedule' : ''}`;
  return { link: `https://${links.appHost}/${path}`, appLink: `${links.appScheme}://${path}` };
}

/** Formatters of a zone's short name ("GMT+1", "EST") by locale and zone: building one costs far more than using it. */
const zoneNameFormats = new Map<string, Intl.DateTimeFormat>();
const ZONE_NAME_FORMATS_MAX = 1_000;

/**
 * The zone's short name at that instant, as luxon's `ZZZZ` gives it (the same Intl options), from a
 * formatter kept per locale and zone: luxon builds a new one for every call, which was a tenth of
 * notification-svc's CPU.
 */
function zoneName(date: DateTime, zone: string, locale: string): string {
  const key = `${locale}|${zone}`;
  let format = zoneNameFormats.get(key);
  if (!format) {
    if (zoneNameFormats.size >= ZONE_NAME_FORMATS_MAX) zoneNameFormats.clear();
    format = new Intl.DateTimeFormat(locale, {
      timeZoneName: 'short',
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      timeZone: zone,
    });
    zoneNameFormats.set(key, format);
  }
  return format.formatToParts(date.toJSDate()).find((part) => part.type === 'timeZoneName')?.value ?? '';
}

function moment(iso: string | undefined, zone: string, locale: string): string {
  if (!iso) return '';
  const date = DateTime.fromISO(iso, { zone: 'utc' }).setZone(zone).setLocale(locale);
  if (!date.isValid) return date.toFormat("cccc d LLLL yyyy 'at' HH:mm ZZZZ");
  return `${date.toFormat("cccc d LLLL yyyy 'at' HH:mm")} ${zoneName(date, zone, locale)}`;
}

function money(cents: number | undefined, currency: string | undefined, locale: string): string {
  if (cents === undefined) return '';
  return new Intl.NumberFormat(locale, { style: 'currency', currency: (currency ?? 'usd').toUpperCase() }).format(cents / 100);
}

/** Fills a notification's texts for its recipient: their language (English when missing), their time zone, its link. */
export function render(notification: PlannedNotification, links: LinkSettings, locale = 'en'): RenderedNotification {
  const catalog = CATALOGS[locale.split('-')[0] ?? 'en'] ?? EN;
  const texts = catalog[notification.recipient.role][notification.template] ?? EN[notification.recipient.role][notification.template];
  if (!texts) throw new Error(`no ${notification.recipient.role} text for ${notification.template}`);
  const { link, appLink } = deepLinks(notification, links);
  const { facts, recipient } = notification;
  const values: Record<string, string> = {
    bookingNumber: facts.bookingNumber ?? facts.bookingId,
    when: moment(facts.startTime, recipient.timezone, locale),
    deadline: moment(facts.deadline, recipient.timezone, locale),
    amount: money(facts.amountCents, facts.currency, locale),
    link,
  };
  const fill = (text: string) => text.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? '');
  return {
    subject: fill(texts.subject),
    body: fill(texts.body),
    push: { title: fill(texts.push.title), body: fill(texts.push.body) },
    sms: fill(texts.sms),
    link,
    appLink,
  };
}

/** The new requests one digest lists, and the provider's zone and language. */
export interface DigestContents {
  items: Array<Pick<NotificationFacts, 'bookingId' | 'bookingNumber' | 'startTime' | 'deadline'>>;
  timezone: string;
}

/** A provider's digest of new requests: one line per request with its own link; the message links to their bookings list. */
export function renderDigest(digest: DigestContents, links: LinkSettings, locale = 'en'): RenderedNotification {
  const bookingLink = (bookingId: string) => `https://${links.appHost}/booking/${encodeURIComponent(bookingId)}`;
  const fillWith = (values: Record<string, string>) => (text: string) => text.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? '');
  const items = digest.items
    .map((item) =>
      fillWith({
        bookingNumber: item.bookingNumber ?? item.bookingId,
        when: moment(item.startTime, digest.timezone, locale),
        deadline: moment(item.deadline, digest.timezone, locale),
        link: bookingLink(item.bookingId),
      })(EN_DIGEST.item),
    )
    .join('\n');
  const link = `https://${links.appHost}/bookings`;
  const fill = fillWith({ count: String(digest.items.length), items, link });
  return {
    subject: fill(EN_DIGEST.subject),
    body: fill(EN_DIGEST.body),
    push: { title: fill(EN_DIGEST.push.title), body: fill(EN_DIGEST.push.body) },
    sms: fill(EN_DIGEST.sms),
    link,
    appLink: `${links.appScheme}://bookings`,
  };
}

/** The verification code message for a contact; its links lead to the notification settings, where the code is entered. */
export function renderContactCode(code: string, validMinutes: number, links: LinkSettings): RenderedNotification {
  const values: Record<string, string> = { code, minutes: String(validMinutes) };
  const fill = (text: string) => text.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? '');
  return {
    subject: fill(EN_CONTACT_CODE.subject),
    body: fill(EN_CONTACT_CODE.body),
    push: { title: fill(EN_CONTACT_CODE.push.title), body: fill(EN_CONTACT_CODE.push.body) },
    sms: fill(EN_CONTACT_CODE.sms),
    link: `https://${links.appHost}/settings/notifications`,
    appLink: `${links.appScheme}://settings/notifications`,
  };
}
