import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { ApiRequestError } from '../api/client.js';
import type { DevSignInAnswer } from '../api/types.js';
import { FormField } from '../ui/FormField.js';
import { useAuth } from './AuthContext.js';

/** Where an identity provider's redirect puts the token: the URL fragment (never sent to a server, never logged). */
export function tokenFromFragment(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  return params.get('id_token') ?? params.get('access_token') ?? params.get('token');
}

const DEMO_IDS = ['demo-instant-denver', 'demo-request-london', 'demo-admin'];

export function SignInPage() {
  const { signIn, api } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [pasted, setPasted] = useState('');
  const [tokenError, setTokenError] = useState<string | null>(null);
  const [role, setRole] = useState<'provider' | 'admin'>('provider');
  const [userId, setUserId] = useState('');
  const from = (location.state as { from?: string } | null)?.from ?? '/';

  const accept = (token: string): boolean => {
    if (!signIn(token)) {
      setTokenError('This is not a valid, unexpired token for the portal.');
      return false;
    }
    navigate(from, { replace: true });
    return true;
  };

  // Production: the identity provider redirects here with the token in the fragment.
  useEffect(() => {
    const token = tokenFromFragment(window.location.hash);
    if (!token) return;
    window.history.replaceState(null, '', window.location.pathname);
    accept(token);
  }, []); // once, on arrival

  // The development sign-in exists only outside production: the gateway answers 404 there.
  const devAvailable = useQuery({
    queryKey: ['dev-sign-in-available'],
    queryFn: () =>
      api.send('POST', '/api/dev/sign-in', {}).then(
        () => true,
        (error: unknown) => !(error instanceof ApiRequestError && error.status === 404),
      ),
    staleTime: Infinity,
  });

  const devSignIn = useMutation({
    mutationFn: () => api.send<DevSignInAnswer>('POST', '/api/dev/sign-in', { role, userId: userId.trim() }),
    onSuccess: (answer) => accept(answer.token),
  });
  const devErrors = devSignIn.error instanceof ApiRequestError ? devSignIn.error.fieldMessages() : {};

  const submitPasted = (event: FormEvent) => {
    event.preventDefault();
    setTokenError(null);
    accept(pasted);
  };
  const submitDev = (event: FormEvent) => {
    event.preventDefault();
    devSignIn.mutate();
  };

  return (
    <div className="sign-in">
      <h1>Sign in</h1>
      <section aria-labelledby="idp-heading" className="card">
        <h2 id="idp-heading">With your organisation’s sign-in</h2>
        <p>
          Your organisation’s sign-in page brings you back here signed in. If you were given a token instead, paste it below; it stays in this browser tab only
          and is forgotten when you close it or sign out.
        </p>
        <form onSubmit={submitPasted} noValidate>
          <FormField id="token" label="Access token" error={tokenError} help="A JWT issued for this platform (provider or admin).">
            {(props) => (
              <textarea {...props} rows={3} value={pasted} onChange={(e) => setPasted(e.target.value)} required autoComplete="off" spellCheck={false} />
            )}
          </FormField>
          <button type="submit" className="button primary">
            Sign in with token
          </button>
        </form>
      </section>

      {devAvailable.data && (
        <section aria-labelledby="dev-heading" className="card">
          <h2 id="dev-heading">Development sign-in</h2>
          <p>Local platforms only (never in production): the gateway issues a 30-minute token for the provider or admin you choose.</p>
          <form onSubmit={submitDev} noValidate aria-busy={devSignIn.isPending}>
            <fieldset>
              <legend>Sign in as</legend>
              <label className="choice">
                <input type="radio" name="role" value="provider" checked={role === 'provider'} onChange={() => setRole('provider')} /> Provider
              </label>
              <label className="choice">
                <input type="radio" name="role" value="admin" checked={role === 'admin'} onChange={() => setRole('admin')} /> Admin
              </label>
            </fieldset>
            <FormField
              id="dev-user-id"
              label={role === 'provider' ? 'Provider id' : 'Admin user id'}
              help={role === 'provider' ? 'The provider’s id, e.g. demo-request-london after npm run seed.' : 'Any id; it names you in the audit trail.'}
              error={devErrors['userId'] ?? (devSignIn.error && !devErrors['userId'] ? devSignIn.error.message : null)}
            >
              {(props) => (
                <input {...props} type="text" list="demo-ids" value={userId} onChange={(e) => setUserId(e.target.value)} required autoComplete="off" />
              )}
            </FormField>
            <datalist id="demo-ids">
              {DEMO_IDS.map((id) => (
                <option key={id} value={id} />
              ))}
            </datalist>
            <button type="submit" className="button primary" disabled={devSignIn.isPending}>
              Sign in
            </button>
          </form>
        </section>
      )}
    </div>
  );
}
