import { type FormEvent, useState } from 'react';
import { queryKeys, useApiMutation } from '../api/queries.js';
import type { Provider, ReplaceScheduleRequest, TimeWindowRequest, WeeklyHours } from '../api/types.js';
import { useAuth } from '../auth/AuthContext.js';
import { FormField } from '../ui/FormField.js';
import { SaveFeedback } from '../ui/SaveFeedback.js';
import { useToast } from '../ui/Toasts.js';

const WEEKDAYS = [
  ['1', 'Monday'],
  ['2', 'Tuesday'],
  ['3', 'Wednesday'],
  ['4', 'Thursday'],
  ['5', 'Friday'],
  ['6', 'Saturday'],
  ['7', 'Sunday'],
] as const;
type Weekday = (typeof WEEKDAYS)[number][0];

const TIME = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const TIME_HELP = '24-hour HH:MM; 24:00 is midnight at the end of the day.';

interface Override {
  date: string;
  windows: TimeWindowRequest[];
}

function Windows({
  idBase,
  windows,
  onChange,
  label,
}: {
  idBase: string;
  windows: TimeWindowRequest[];
  onChange: (next: TimeWindowRequest[]) => void;
  label: string;
}) {
  const set = (i: number, part: 'start' | 'end', value: string) => onChange(windows.map((w, j) => (j === i ? { ...w, [part]: value } : w)));
  return (
    <>
      {windows.length === 0 && <p className="help">Closed.</p>}
      {windows.map((window, i) => (
        <div className="inline-fields" key={i}>
          {(['start', 'end'] as const).map((part) => (
            <FormField
              key={part}
              id={`${idBase}-${i}-${part}`}
              label={`${label} ${part === 'start' ? 'from' : 'until'}`}
              error={TIME.test(window[part]) ? null : `Use ${TIME_HELP}`}
            >
              {(props) => <input {...props} type="text" inputMode="numeric" size={6} value={window[part]} onChange={(e) => set(i, part, e.target.value)} />}
            </FormField>
          ))}
          <button type="button" className="button" onClick={() => onChange(windows.filter((_, j) => j !== i))}>
            Remove {label} {window.start}–{window.end}
          </button>
        </div>
      ))}
      <button type="button" className="button" onClick={() => onChange([...windows, { start: '09:00', end: '17:00' }])}>
        Add hours to {label}
      </button>
    </>
  );
}

/** Weekly hours, date overrides (other hours or closed on a date) and the time zone they are in. */
export function ScheduleForm({ provider }: { provider: Provider }) {
  const { api } = useAuth();
  const toast = useToast();
  const [timezone, setTimezone] = useState(provider.timezone);
  const [weekly, setWeekly] = useState<WeeklyHours>(provider.schedule.weeklyHours);
  const [overrides, setOverrides] = useState<Override[]>(provider.schedule.overrides);
  const [newDate, setNewDate] = useState('');
  const save = useApiMutation(
    (body: ReplaceScheduleRequest) => api.send<Provider>('PUT', `/api/providers/${encodeURIComponent(provider.id)}/schedule`, body),
    () => [queryKeys.provider(provider.id), ['availability']],
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({ timezone, weeklyHours: weekly, overrides } as ReplaceScheduleRequest, { onSuccess: () => toast('Hours saved') });
  };

  return (
    <form onSubmit={submit} noValidate aria-busy={save.isPending} aria-labelledby="schedule-heading" data-testid="schedule-form">
      <h2 id="schedule-heading">Weekly hours and date overrides</h2>
      <FormField id="schedule-timezone" label="Time zone" help="An IANA zone such as Europe/London; your hours are in it.">
        {(props) => <input {...props} type="text" value={timezone} onChange={(e) => setTimezone(e.target.value)} autoComplete="off" />}
      </FormField>
      {WEEKDAYS.map(([day, name]) => (
        <fieldset key={day}>
          <legend>{name}</legend>
          <Windows idBase={`weekly-${day}`} label={name} windows={weekly[day as Weekday] ?? []} onChange={(next) => setWeekly({ ...weekly, [day]: next })} />
        </fieldset>
      ))}
      <fieldset>
        <legend>Date overrides</legend>
        <p className="help">Other hours on a given date, or closed all day (no hours).</p>
        {overrides.map((override, index) => (
          <fieldset key={override.date}>
            <legend>{override.date}</legend>
            <Windows
              idBase={`override-${override.date}`}
              label={override.date}
              windows={override.windows}
              onChange={(next) => setOverrides(overrides.map((o, j) => (j === index ? { ...o, windows: next } : o)))}
            />
            <button type="button" className="button danger" onClick={() => setOverrides(overrides.filter((_, j) => j !== index))}>
              Remove override for {override.date}
            </button>
          </fieldset>
        ))}
        <div className="inline-fields">
          <FormField id="override-new-date" label="Date (YYYY-MM-DD)">
            {(props) => <input {...props} type="date" value={newDate} onChange={(e) => setNewDate(e.target.value)} />}
          </FormField>
          <button
            type="button"
            className="button"
            data-testid="add-override"
            disabled={!/^\d{4}-\d{2}-\d{2}$/.test(newDate) || overrides.some((o) => o.date === newDate)}
            onClick={() => {
              setOverrides([...overrides, { date: newDate, windows: [] }].sort((a, b) => a.date.localeCompare(b.date)));
              setNewDate('');
            }}
          >
            Add override (closed)
          </button>
        </div>
      </fieldset>
      <SaveFeedback mutation={save} label="Save hours" />
    </form>
  );
}
