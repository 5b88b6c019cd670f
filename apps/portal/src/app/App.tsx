import type { ReactElement } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { BookingDetailPage } from '../admin/BookingDetailPage.js';
import { BookingHealthPage } from '../admin/BookingHealthPage.js';
import { BookingSearchPage } from '../admin/BookingSearchPage.js';
import { FeatureFlagsPage } from '../admin/FeatureFlagsPage.js';
import { useAuth } from '../auth/AuthContext.js';
import { RequireRole } from '../auth/RequireRole.js';
import { SignInPage } from '../auth/SignInPage.js';
import { BookingsPage } from '../provider/BookingsPage.js';
import { CalendarCallbackPage, CalendarStepPage } from '../provider/CalendarStepPage.js';
import { DashboardPage } from '../provider/DashboardPage.js';
import { PendingRequestsPage } from '../provider/PendingRequestsPage.js';
import { SettingsPage } from '../provider/SettingsPage.js';
import { Layout } from './Layout.js';

/** Each role lands on its own home: providers their dashboard, admins the admin section. */
function RoleLanding() {
  const { session } = useAuth();
  if (!session) return <Navigate to="/sign-in" replace />;
  return <Navigate to={session.role === 'admin' ? '/admin' : session.role === 'provider' ? '/dashboard' : '/sign-in'} replace />;
}

function SignInLayout() {
  return (
    <div id="app">
      <main id="main" tabIndex={-1} className="sign-in-main">
        <SignInPage />
      </main>
    </div>
  );
}

export function App() {
  const provider = (page: ReactElement) => <RequireRole role="provider">{page}</RequireRole>;
  const admin = (page: ReactElement) => <RequireRole role="admin">{page}</RequireRole>;
  return (
    <Routes>
      <Route path="/sign-in" element={<SignInLayout />} />
      <Route path="/" element={<RoleLanding />} />
      <Route element={<LayoutWhenSignedIn />}>
        <Route path="/dashboard" element={provider(<DashboardPage />)} />
        <Route path="/pending" element={provider(<PendingRequestsPage />)} />
        <Route path="/bookings" element={provider(<BookingsPage />)} />
        <Route path="/settings" element={provider(<SettingsPage />)} />
        <Route path="/onboarding/calendar" element={provider(<CalendarStepPage />)} />
        <Route path="/calendar/callback" element={provider(<CalendarCallbackPage />)} />
        {/* The admin dashboard's pages (apps/portal/src/admin) hang under /admin. */}
        <Route path="/admin" element={admin(<BookingHealthPage />)} />
        <Route path="/admin/bookings" element={admin(<BookingSearchPage />)} />
        <Route path="/admin/bookings/:id" element={admin(<BookingDetailPage />)} />
        <Route path="/admin/feature-flags" element={admin(<FeatureFlagsPage />)} />
      </Route>
      <Route path="*" element={<RoleLanding />} />
    </Routes>
  );
}

function LayoutWhenSignedIn() {
  const { session } = useAuth();
  const location = useLocation();
  if (!session) return <Navigate to="/sign-in" replace state={{ from: location.pathname }} />;
  return <Layout />;
}
