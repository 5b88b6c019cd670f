import { type FormEvent, useState } from 'react';
import { queryKeys, useApiMutation } from '../api/queries.js';
import type { Provider, ServiceRequest } from '../api/types.js';
import { useAuth } from '../auth/AuthContext.js';
import { FormField } from '../ui/FormField.js';
import { SaveFeedback } from '../ui/SaveFeedback.js';
import { useToast } from '../ui/Toasts.js';

interface ServiceDraft {
  id: string;
  name: string;
  category: string;
  durationMinutes: string;
  price: string;
  currency: string;
  isNew: boolean;
}

const draftOf = (service: Provider['services'][number]): ServiceDraft => ({
  id: service.id,
  name: service.name,
  category: service.category,
  durationMinutes: String(service.durationMinutes),
  price: (service.priceCents / 100).toFixed(2),
  currency: service.currency,
  isNew: false,
});

/** The services patients book, with length and price (the whole list is replaced on save). */
export function ServicesForm({ provider }: { provider: Provider }) {
  const { api } = useAuth();
  const toast = useToast();
  const [services, setServices] = useState<ServiceDraft[]>(() => provider.services.map(draftOf));
  const save = useApiMutation(
    (body: { services: ServiceRequest[] }) => api.send<Provider>('PUT', `/api/providers/${encodeURIComponent(provider.id)}/services`, body),
    () => [queryKeys.provider(provider.id), queryKeys.profile(provider.id)],
  );
  const set = (index: number, change: Partial<ServiceDraft>) => setServices(services.map((s, j) => (j === index ? { ...s, ...change } : s)));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(
      {
        services: services.map((s) => ({
          id: s.id.trim(),
          name: s.name.trim(),
          category: s.category.trim(),
          durationMinutes: Number(s.durationMinutes),
          priceCents: Math.round(Number(s.price) * 100),
          currency: s.currency.trim().toLowerCase(),
        })),
      },
      { onSuccess: () => toast('Services saved') },
    );
  };

  return (
    <form onSubmit={submit} noValidate aria-busy={save.isPending} aria-labelledby="services-heading" data-testid="services-form">
      <h2 id="services-heading">Services</h2>
      {services.map((service, index) => {
        const idBase = `service-${index}`;
        const title = service.name || `New service ${index + 1}`;
        return (
          <fieldset key={idBase}>
            <legend>{title}</legend>
            <div className="inline-fields">
              <FormField id={`${idBase}-id`} label="Service id" help={service.isNew ? 'Letters, digits and dashes; fixed once saved.' : 'Fixed.'}>
                {(props) => <input {...props} type="text" value={service.id} readOnly={!service.isNew} onChange={(e) => set(index, { id: e.target.value })} />}
              </FormField>
              <FormField id={`${idBase}-name`} label="Name">
                {(props) => <input {...props} type="text" value={service.name} onChange={(e) => set(index, { name: e.target.value })} />}
              </FormField>
              <FormField id={`${idBase}-category`} label="Category">
                {(props) => <input {...props} type="text" value={service.category} onChange={(e) => set(index, { category: e.target.value })} />}
              </FormField>
              <FormField id={`${idBase}-duration`} label="Length (minutes)">
                {(props) => (
                  <input
                    {...props}
                    type="number"
                    min={5}
                    step={5}
                    value={service.durationMinutes}
                    onChange={(e) => set(index, { durationMinutes: e.target.value })}
                  />
                )}
              </FormField>
              <FormField id={`${idBase}-price`} label={`Price (${service.currency.toUpperCase() || 'currency'})`}>
                {(props) => (
                  <input {...props} type="number" min={0} step={0.01} value={service.price} onChange={(e) => set(index, { price: e.target.value })} />
                )}
              </FormField>
              <FormField id={`${idBase}-currency`} label="Currency" help="Three letters, e.g. usd.">
                {(props) => (
                  <input {...props} type="text" size={4} maxLength={3} value={service.currency} onChange={(e) => set(index, { currency: e.target.value })} />
                )}
              </FormField>
            </div>
            <button type="button" className="button danger" onClick={() => setServices(services.filter((_, j) => j !== index))}>
              Remove {title}
            </button>
          </fieldset>
        );
      })}
      <button
        type="button"
        className="button"
        onClick={() =>
          setServices([
            ...services,
            { id: '', name: '', category: '', durationMinutes: '30', price: '0.00', currency: services[0]?.currency ?? 'usd', isNew: true },
          ])
        }
      >
        Add a service
      </button>
      <SaveFeedback mutation={save} label="Save services" />
    </form>
  );
}
