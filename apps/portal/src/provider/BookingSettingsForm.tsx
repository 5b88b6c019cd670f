import { type FormEvent, useState } from 'react';
import { ApiRequestError } from '../api/client.js';
import { queryKeys, useApiMutation } from '../api/queries.js';
import type { Provider } from '../api/types.js';
import { useAuth } from '../auth/AuthContext.js';
import { FormField } from '../ui/FormField.js';
import { SaveFeedback } from '../ui/SaveFeedback.js';
import { useToast } from '../ui/Toasts.js';
import { SETTING_GROUPS, type SettingsDraft, changeOf, draftOf } from './settings-fields.js';

/** Every booking setting, checked against its bounds here and by the server, saved in one change. */
export function BookingSettingsForm({ provider }: { provider: Provider }) {
  const { api } = useAuth();
  const toast = useToast();
  const [draft, setDraft] = useState<SettingsDraft>(() => draftOf(provider.settings));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const save = useApiMutation(
    (change: Record<string, unknown>) => api.send<Provider>('PATCH', `/api/providers/${encodeURIComponent(provider.id)}/settings`, change),
    () => [queryKeys.provider(provider.id)],
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const { change, errors: found } = changeOf(draft);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      document.getElementById(`setting-${Object.keys(found)[0]!.replace('.', '-')}`)?.focus();
      return;
    }
    save.mutate(change, {
      onSuccess: () => toast('Booking settings saved'),
      onError: (failure) => setErrors(failure instanceof ApiRequestError ? failure.fieldMessages() : {}),
    });
  };

  return (
    <form onSubmit={submit} noValidate aria-busy={save.isPending} aria-labelledby="booking-settings-heading" data-testid="settings-form">
      <h2 id="booking-settings-heading">Booking settings</h2>
      <p>
        Booking mode: <strong>{provider.mode === 'instant' ? 'Instant booking' : 'Request booking'}</strong>
        {provider.settings.modeOverride ? ' (set by an admin)' : provider.calendarConnected ? ' (your calendar is connected)' : ' (no calendar connected)'}.
      </p>
      {SETTING_GROUPS.map((group) => (
        <fieldset key={group.legend}>
          <legend>{group.legend}</legend>
          {group.fields.map((field) => {
            const id = `setting-${field.key.replace('.', '-')}`;
            if (field.kind === 'boolean')
              return (
                <div className="field" key={field.key}>
                  <label className="choice" htmlFor={id}>
                    <input
                      id={id}
                      type="checkbox"
                      checked={draft[field.key] as boolean}
                      onChange={(e) => setDraft({ ...draft, [field.key]: e.target.checked })}
                      aria-describedby={`${id}-help`}
                    />{' '}
                    {field.label}
                  </label>
                  <p id={`${id}-help`} className="help">
                    {field.help}
                  </p>
                </div>
              );
            return (
              <FormField key={field.key} id={id} label={field.label} help={field.help} error={errors[field.key]}>
                {(props) => (
                  <input
                    {...props}
                    type="number"
                    inputMode="numeric"
                    min={field.min}
                    max={field.max}
                    step={field.step}
                    value={draft[field.key] as string}
                    onChange={(e) => setDraft({ ...draft, [field.key]: e.target.value })}
                  />
                )}
              </FormField>
            );
          })}
        </fieldset>
      ))}
      <SaveFeedback mutation={save} label="Save booking settings" fieldsShown />
    </form>
  );
}
