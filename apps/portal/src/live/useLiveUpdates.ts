import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { queryKeys } from '../api/query-keys.js';
import { useAuth } from '../auth/AuthContext.js';
import { useToast } from '../ui/Toasts.js';
import { announces, authMessage, closeDecision, describeUpdate, liveUrl, parseServerMessage, reconnectDelayMs } from './live-protocol.js';

/** 'live': authenticated and receiving; 'connecting' / 'offline': queries poll meanwhile. */
export type LiveStatus = 'live' | 'connecting' | 'offline';

/**
 * The live connection for the signed-in user: authenticates with the session's token, resumes after
 * the last update seen, invalidates the queries an update touches and announces it in a toast;
 * reconnects with backoff after a drop or a server restart (resuming after the last update), stops on
 * a wrong-user refusal, and after an auth refusal retries only while the token is still valid.
 * The session ends at the token's expiry (signed out), so no renewal AUTH is sent.
 */
export function useLiveUpdates(): LiveStatus {
  const { session } = useAuth();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [status, setStatus] = useState<LiveStatus>('offline');
  const lastSeen = useRef<string | null>(null);
  const token = session?.token;
  const expiresAt = session?.expiresAt ?? 0;

  useEffect(() => {
    if (!token || typeof WebSocket === 'undefined') return;
    let socket: WebSocket | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    let stopped = false;

    const connect = () => {
      setStatus('connecting');
      socket = new WebSocket(liveUrl(window.location));
      socket.onopen = () => socket?.send(authMessage(token, lastSeen.current));
      socket.onmessage = (event) => {
        const message = parseServerMessage(event.data);
        if (!message) return;
        switch (message.type) {
          case 'READY':
            attempt = 0;
            setStatus('live');
            // Without a resume, what happened while away is unknown: refetch what is shown.
            if (!message.resumed) void queryClient.invalidateQueries({ queryKey: queryKeys.bookings });
            return;
          case 'RESYNC':
            void queryClient.invalidateQueries();
            return;
          case 'HEARTBEAT':
          case 'TOKEN_EXPIRED':
            return; // the close (4401) that follows an expiry decides
          default:
            lastSeen.current = message.id;
            void queryClient.invalidateQueries({ queryKey: queryKeys.bookings });
            void queryClient.invalidateQueries({ queryKey: ['provider'] });
            if (announces(message)) toast(describeUpdate(message));
        }
      };
      socket.onclose = (event) => {
        socket = null;
        if (stopped) return;
        setStatus('offline');
        if (closeDecision(event.code, expiresAt) === 'stop') return; // a new token (sign-in) starts a new connection
        timer = setTimeout(connect, reconnectDelayMs(attempt++, event.code));
      };
    };
    connect();
    return () => {
      stopped = true;
      clearTimeout(timer);
      socket?.close(1000, 'signed out or token renewed');
      setStatus('offline');
    };
  }, [token, expiresAt, queryClient, toast]);

  return status;
}
