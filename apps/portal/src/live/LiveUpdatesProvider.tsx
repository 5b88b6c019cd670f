import { type ReactNode, createContext, useContext } from 'react';
import { type LiveStatus, useLiveUpdates } from './useLiveUpdates.js';

const LiveStatusContext = createContext<LiveStatus>('offline');

/** Runs the one live connection of the signed-in tab and tells queries whether they must poll instead. */
export function LiveUpdatesProvider({ children }: { children: ReactNode }) {
  const status = useLiveUpdates();
  return <LiveStatusContext.Provider value={status}>{children}</LiveStatusContext.Provider>;
}

export function useLiveStatus(): LiveStatus {
  return useContext(LiveStatusContext);
}
