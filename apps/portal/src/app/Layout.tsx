import { NavLink, Outlet } from 'react-router-dom';
import { usePendingRequests } from '../api/queries.js';
import { useAuth, useSession } from '../auth/AuthContext.js';
import { useLiveStatus } from '../live/LiveUpdatesProvider.js';

function PendingCount() {
  const pending = usePendingRequests();
  const count = pending.data?.length ?? 0;
  if (count === 0) return null;
  return (
    <span className="count-badge" data-testid="pending-count">
      {count}
      <span className="visually-hidden"> waiting</span>
    </span>
  );
}

const LIVE_TEXT = { live: 'Live updates on', connecting: 'Connecting live updates…', offline: 'Live updates off: refreshing every 15 s' } as const;

/** Every signed-in page: skip link, banner with who is signed in, the role's navigation (admins get the Admin section), main, live status. */
export function Layout() {
  const session = useSession();
  const { signOut } = useAuth();
  const live = useLiveStatus();
  return (
    <div id="app">
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="banner">
        <p className="brand">Booking portal</p>
        <p className="who">
          Signed in as <strong>{session.name ?? session.userId}</strong> ({session.role})
        </p>
        <button type="button" className="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <nav aria-label="Main" className="main-nav">
        {session.role === 'provider' && (
          <ul>
            <li>
              <NavLink to="/dashboard">Dashboard</NavLink>
            </li>
            <li>
              <NavLink to="/pending">
                Pending requests <PendingCount />
              </NavLink>
            </li>
            <li>
              <NavLink to="/bookings">Bookings</NavLink>
            </li>
            <li>
              <NavLink to="/settings">Booking settings</NavLink>
            </li>
            <li>
              <NavLink to="/onboarding/calendar">Calendar</NavLink>
            </li>
          </ul>
        )}
        {session.role === 'admin' && (
          <section aria-labelledby="admin-nav-heading">
            <h2 id="admin-nav-heading" className="nav-heading">
              Admin
            </h2>
            <ul>
              <li>
                <NavLink to="/admin" end>
                  Booking health
                </NavLink>
              </li>
              <li>
                <NavLink to="/admin/bookings">Bookings</NavLink>
              </li>
              <li>
                <NavLink to="/admin/feature-flags">Feature flags</NavLink>
              </li>
            </ul>
          </section>
        )}
      </nav>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
      <footer className="footer">
        <p className="live-status" data-live={live}>
          {LIVE_TEXT[live]}
        </p>
      </footer>
    </div>
  );
}
