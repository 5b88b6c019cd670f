// Every booking setting the provider controls, with the bounds booking-svc enforces (its
// SETTING_BOUNDS and auto-confirm cap; e2e/portal-settings-bounds.spec.ts holds the two together)
// and the help a provider needs to choose. The mode is an admin's (docs/booking-core.md).
import type { BookingSettings } from '../api/types.js';

type KeysOf<T, V> = { [K in keyof T]: T[K] extends V ? K : never }[keyof T];
export type NumericSettingKey = KeysOf<BookingSettings, number>;
/** The mode switch is an admin's, not in the provider's form. */
export type BooleanSettingKey = Exclude<KeysOf<BookingSettings, boolean>, 'modeOverride'>;

export interface NumberField {
  kind: 'number';
  key: NumericSettingKey | 'autoConfirm.maxDailyAutoConfirm';
  label: string;
  help: string;
  min: number;
  max: number;
  step: number;
}

export interface BooleanField {
  kind: 'boolean';
  key: BooleanSettingKey | 'autoConfirm.enabled';
  label: string;
  help: string;
}

export type SettingField = NumberField | BooleanField;

export interface SettingGroup {
  legend: string;
  fields: SettingField[];
}

export const SETTING_GROUPS: SettingGroup[] = [
  {
    legend: 'Automatic confirmation',
    fields: [
      {
        kind: 'boolean',
        key: 'autoConfirm.enabled',
        label: 'Confirm requests automatically',
        help: 'A request is confirmed as soon as the patient’s card is held, up to the daily limit below; beyond it you answer requests yourself.',
      },
      {
        kind: 'number',
        key: 'autoConfirm.maxDailyAutoConfirm',
        label: 'Automatic confirmations per day',
        help: 'From 1 to 100. Counted per day in your time zone.',
        min: 1,
        max: 100,
        step: 1,
      },
    ],
  },
  {
    legend: 'Answering requests',
    fields: [
      {
        kind: 'number',
        key: 'confirmationDeadlineHours',
        label: 'Hours to answer a request',
        help: 'From 4 to 72. An unanswered request then expires and the patient’s card hold is released; you are reminded 4 hours before.',
        min: 4,
        max: 72,
        step: 1,
      },
    ],
  },
  {
    legend: 'When patients can book',
    fields: [
      {
        kind: 'number',
        key: 'minimumNoticeHours',
        label: 'Minimum notice (hours)',
        help: 'From 1 to 168. No booking starts sooner than this.',
        min: 1,
        max: 168,
        step: 1,
      },
      {
        kind: 'number',
        key: 'maximumAdvanceDays',
        label: 'How far ahead (days)',
        help: 'From 7 to 365. Patients see no free time beyond this.',
        min: 7,
        max: 365,
        step: 1,
      },
      {
        kind: 'number',
        key: 'slotDurationMinutes',
        label: 'Slot length (minutes)',
        help: 'From 5 to 240, in steps of 5: how far apart the start times offered are.',
        min: 5,
        max: 240,
        step: 5,
      },
      {
        kind: 'number',
        key: 'bufferMinutes',
        label: 'Buffer after each visit (minutes)',
        help: 'From 0 to 60, in steps of 5: kept free after every booking.',
        min: 0,
        max: 60,
        step: 5,
      },
      {
        kind: 'boolean',
        key: 'allowMultipleServices',
        label: 'Allow several services in one visit',
        help: 'Patients may combine your services in one booking.',
      },
    ],
  },
  {
    legend: 'Rescheduling',
    fields: [
      { kind: 'boolean', key: 'allowReschedule', label: 'Allow rescheduling', help: 'Patients may move a confirmed booking.' },
      { kind: 'number', key: 'maxRescheduleAttempts', label: 'Reschedules per booking', help: 'From 1 to 5.', min: 1, max: 5, step: 1 },
      {
        kind: 'number',
        key: 'rescheduleNoticeHours',
        label: 'Reschedule notice (hours)',
        help: 'From 1 to 168. No rescheduling closer to the visit than this.',
        min: 1,
        max: 168,
        step: 1,
      },
    ],
  },
  {
    legend: 'Cancellation',
    fields: [
      { kind: 'boolean', key: 'allowCancellation', label: 'Allow cancellation', help: 'Patients may cancel a booking themselves.' },
      {
        kind: 'number',
        key: 'cancellationNoticeHours',
        label: 'Free cancellation until (hours before)',
        help: 'From 0 to 168. Later cancellations pay the fee below.',
        min: 0,
        max: 168,
        step: 1,
      },
      {
        kind: 'number',
        key: 'cancellationFeePercent',
        label: 'Late cancellation fee (%)',
        help: 'From 0 to 100 percent of the price.',
        min: 0,
        max: 100,
        step: 1,
      },
    ],
  },
];

export type SettingsDraft = Record<SettingField['key'], string | boolean>;

export function draftOf(settings: BookingSettings): SettingsDraft {
  const draft = {} as SettingsDraft;
  for (const field of SETTING_GROUPS.flatMap((group) => group.fields)) {
    const value = field.key.startsWith('autoConfirm.')
      ? settings.autoConfirm[field.key.slice('autoConfirm.'.length) as keyof BookingSettings['autoConfirm']]
      : settings[field.key as NumericSettingKey | BooleanSettingKey];
    draft[field.key] = field.kind === 'number' ? String(value) : Boolean(value);
  }
  return draft;
}

/** The change to send, or the fields out of bounds (checked here first; the server checks again). */
export function changeOf(draft: SettingsDraft): { change: Record<string, unknown>; errors: Record<string, string> } {
  const change: Record<string, unknown> = {};
  const autoConfirm: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const field of SETTING_GROUPS.flatMap((group) => group.fields)) {
    let value: number | boolean = draft[field.key] as boolean;
    if (field.kind === 'number') {
      const raw = String(draft[field.key]).trim();
      value = Number(raw);
      if (raw === '' || !Number.isInteger(value) || value < field.min || value > field.max || (value - field.min) % field.step !== 0) {
        errors[field.key] = `${field.label}: a whole number from ${field.min} to ${field.max}${field.step > 1 ? `, in steps of ${field.step}` : ''}.`;
        continue;
      }
    }
    if (field.key.startsWith('autoConfirm.')) autoConfirm[field.key.slice('autoConfirm.'.length)] = value;
    else change[field.key] = value;
  }
  return { change: { ...change, autoConfirm }, errors };
}
