import './admin.css';
import { type FormEvent, useState } from 'react';
import { ApiRequestError } from '../api/client.js';
import { DialogActions } from '../ui/DialogActions.js';
import { FormField } from '../ui/FormField.js';
import { Modal } from '../ui/Modal.js';
import { QueryStatus } from '../ui/QueryStatus.js';
import { SaveFeedback } from '../ui/SaveFeedback.js';
import { useToast } from '../ui/Toasts.js';
import { useFeatureFlags, useSetFeatureFlag } from './queries.js';
import type { FeatureFlag } from './types.js';

/** The flags that stop the business when on: switching one on asks for a confirmation first. */
const KILL_SWITCHES: ReadonlySet<FeatureFlag['name']> = new Set(['booking.disable_all_bookings', 'payment.disable_captures']);

/** What switching a kill switch on does, said before it is done. */
function KillSwitchConfirmation({ flag, onConfirm, onClose }: { flag: FeatureFlag; onConfirm: () => void; onClose: () => void }) {
  return (
    <Modal title={`Switch ${flag.name} on?`} onClose={onClose}>
      <p>{flag.description}.</p>
      <p>It acts on every service within seconds, for every provider and patient, until it is switched off again.</p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          onConfirm();
        }}
      >
        <DialogActions label="Switch it on" pendingLabel="Saving…" pending={false} onCancel={onClose} danger />
      </form>
    </Modal>
  );
}

interface OverrideRow {
  key: number;
  providerId: string;
  enabled: boolean;
}

/** One flag's setting: on/off or a rollout percentage, and providers who get it otherwise. */
function FlagForm({ flag }: { flag: FeatureFlag }) {
  const slug = flag.name.replaceAll('.', '-');
  const [enabled, setEnabled] = useState(flag.setting?.enabled ?? flag.value);
  const [percentage, setPercentage] = useState(String(flag.setting?.percentage ?? flag.default));
  const [overrides, setOverrides] = useState<OverrideRow[]>(() =>
    Object.entries(flag.setting?.providerOverrides ?? {}).map(([providerId, on], key) => ({ key, providerId, enabled: on })),
  );
  const [localError, setLocalError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const save = useSetFeatureFlag();
  const toast = useToast();
  const serverErrors = save.error instanceof ApiRequestError ? save.error.fieldMessages() : {};
  const percentageError = localError ?? serverErrors['percentage'] ?? null;

  const change = (key: number, patch: Partial<OverrideRow>) => setOverrides(overrides.map((row) => (row.key === key ? { ...row, ...patch } : row)));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const value = Number(percentage);
    if (flag.kind === 'percentage' && (!Number.isInteger(value) || value < 0 || value > 100)) return setLocalError('A whole number from 0 to 100.');
    setLocalError(null);
    if (KILL_SWITCHES.has(flag.name) && enabled && !flag.value) return setConfirming(true);
    send();
  };

  const send = () => {
    setConfirming(false);
    const value = Number(percentage);
    const providerOverrides = Object.fromEntries(overrides.filter((row) => row.providerId.trim()).map((row) => [row.providerId.trim(), row.enabled]));
    save.mutate(
      { name: flag.name, body: { ...(flag.kind === 'percentage' ? { percentage: value } : { enabled }), providerOverrides } },
      { onSuccess: () => toast(`${flag.name} saved; every service applies it within seconds`) },
    );
  };

  return (
    <li className="card" data-flag={flag.name}>
      <form onSubmit={submit} noValidate aria-labelledby={`${slug}-heading`} aria-busy={save.isPending}>
        <h2 id={`${slug}-heading`}>
          <code>{flag.name}</code>
        </h2>
        <p>{flag.description}</p>
        <p className="help">
          Now:{' '}
          <strong data-testid="flag-value">{flag.kind === 'percentage' ? `${flag.setting?.percentage ?? flag.default} %` : flag.value ? 'On' : 'Off'}</strong>{' '}
          (default {flag.kind === 'percentage' ? `${String(flag.default)} %` : flag.default ? 'on' : 'off'})
        </p>
        {flag.kind === 'percentage' ? (
          <FormField
            id={`${slug}-percentage`}
            label="Providers in the rollout (%)"
            help="By a stable hash of the provider’s id: a provider stays in as it grows."
            error={percentageError}
          >
            {(props) => <input {...props} type="number" min={0} max={100} step={1} value={percentage} onChange={(e) => setPercentage(e.target.value)} />}
          </FormField>
        ) : (
          <label className="choice">
            <input type="checkbox" id={`${slug}-enabled`} checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> On for everyone (unless overridden
            below)
          </label>
        )}
        <fieldset>
          <legend>Provider overrides</legend>
          {overrides.length === 0 && <p className="help">None: every provider gets the value above.</p>}
          {overrides.map((row, index) => (
            <div key={row.key} className="inline-fields" data-testid="provider-override">
              <FormField id={`${slug}-override-${row.key}`} label={`Provider id ${index + 1}`}>
                {(props) => <input {...props} value={row.providerId} maxLength={64} onChange={(e) => change(row.key, { providerId: e.target.value })} />}
              </FormField>
              <FormField id={`${slug}-override-${row.key}-value`} label={`Provider ${index + 1} gets it`}>
                {(props) => (
                  <select {...props} value={row.enabled ? 'on' : 'off'} onChange={(e) => change(row.key, { enabled: e.target.value === 'on' })}>
                    <option value="on">On</option>
                    <option value="off">Off</option>
                  </select>
                )}
              </FormField>
              <button type="button" className="button" onClick={() => setOverrides(overrides.filter((other) => other.key !== row.key))}>
                Remove override {index + 1}
              </button>
            </div>
          ))}
          <button
            type="button"
            className="button"
            data-testid="add-provider-override"
            onClick={() => setOverrides([...overrides, { key: Math.max(-1, ...overrides.map((row) => row.key)) + 1, providerId: '', enabled: true }])}
          >
            Add a provider override
          </button>
        </fieldset>
        <SaveFeedback mutation={save} label={`Save ${flag.name}`} fieldsShown />
      </form>
      {confirming && <KillSwitchConfirmation flag={flag} onConfirm={send} onClose={() => setConfirming(false)} />}
    </li>
  );
}

/** The spec's feature flags and kill switches, each editable; a change reaches every service within seconds. */
export function FeatureFlagsPage() {
  const flags = useFeatureFlags();
  return (
    <>
      <h1>Feature flags</h1>
      <p>Kill switches act at once: all new bookings refused, or captures held until switched back.</p>
      <div aria-busy={flags.isLoading}>
        <QueryStatus query={flags} what="the feature flags" />
        <ul className="list" data-testid="feature-flags">
          {flags.data?.map((flag) => (
            <FlagForm key={flag.name} flag={flag} />
          ))}
        </ul>
      </div>
    </>
  );
}
