import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { App } from './app/App.js';
import { AuthProvider } from './auth/AuthContext.js';
import { LiveUpdatesProvider } from './live/LiveUpdatesProvider.js';
import { ToastProvider } from './ui/Toasts.js';
import './ui/styles.css';

const queryClient = new QueryClient({
  defaultOptions: {
    // Refetch when the provider comes back to the tab; the live connection (or polling) covers the rest.
    queries: { staleTime: 10_000, refetchOnWindowFocus: true, retry: 1 },
    // A mutation is never retried blindly: the provider sees the answer and decides.
    mutations: { retry: 0 },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <BrowserRouter basename="/portal">
        <ToastProvider>
          <AuthProvider>
            <LiveUpdatesProvider>
              <App />
            </LiveUpdatesProvider>
          </AuthProvider>
        </ToastProvider>
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>,
);
