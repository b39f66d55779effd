import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { flushSync } from 'react-dom';
import { useLocation } from 'wouter';
import { isAbortError } from '../../../lib/api';
import { useLatest } from '../../../lib/useLatest';
import { createAdminApi, isSignedOut, publicAdminApi, type AdminApi, type Session } from '../api';

export type SessionState =
  /** Not asked yet: the first guarded page asks the server. */
  | { status: 'unknown' }
  | { status: 'checking' }
  | { status: 'check-failed'; error: unknown }
  | { status: 'signed-in'; session: Session; api: AdminApi }
  /** `notice`: what the sign-in page says about it ("You've signed out."). */
  | { status: 'signed-out'; notice: string | null };

interface AdminSessionValue {
  state: SessionState;
  /**
   * Changes whenever the owner's data must be forgotten (sign-in, sign-out, a page restored
   * from the back-forward cache): the signed-in pages are keyed by it, so none of their state
   * survives.
   */
  epoch: number;
  /** Where the owner was when the session ended by itself: sign-in goes back there. */
  returnTo: string | null;
  check: () => void;
  signedIn: (session: Session) => void;
  /** Ends the session on the server, then forgets everything; throws if the server could not be told. */
  signOut: () => Promise<void>;
  signOutEverywhere: () => Promise<void>;
  /** Per-session memory (the orders list's filters): forgotten with everything else. */
  memory: Map<string, unknown>;
}

const AdminSessionContext = createContext<AdminSessionValue | null>(null);

export const SESSION_ENDED = 'Your session has ended. Sign in again to carry on.';
export const SIGNED_OUT = "You've signed out.";

/**
 * The owner's session: asked of the server once, kept in memory only (the cookie is HttpOnly,
 * the CSRF token never leaves this tab's memory). Every way out (sign-out, sign out everywhere,
 * a 401 from any call, a page restored from the back-forward cache) aborts what is in flight
 * and drops the session, its API client and the per-session memory.
 */
export function AdminSessionProvider({ children }: { children: ReactNode }) {
  const [location] = useLocation();
  const latestLocation = useLatest(location);
  const [state, setState] = useState<SessionState>({ status: 'unknown' });
  const [epoch, setEpoch] = useState(0);
  const [returnTo, setReturnTo] = useState<string | null>(null);
  const [memory, setMemory] = useState(() => new Map<string, unknown>());
  // Aborts every request of the current session (and the session check) when it ends.
  const controller = useRef(new AbortController());

  const forget = useCallback((next: SessionState, place: string | null) => {
    controller.current.abort();
    controller.current = new AbortController();
    setMemory(new Map());
    setEpoch((n) => n + 1);
    setReturnTo(place);
    setState(next);
  }, []);

  /** The server says the session is gone: forget it, and come back here after signing in. */
  const expire = useCallback(() => {
    forget({ status: 'signed-out', notice: SESSION_ENDED }, latestLocation.current);
  }, [forget, latestLocation]);

  const signedIn = useCallback(
    (session: Session) => {
      forget({ status: 'unknown' }, null);
      const api = createAdminApi({ csrfToken: session.csrfToken, signal: controller.current.signal }, expire);
      setState({ status: 'signed-in', session, api });
    },
    [forget, expire],
  );

  const checking = useRef(false);
  const check = useCallback(() => {
    if (checking.current) return;
    checking.current = true;
    setState({ status: 'checking' });
    const { signal } = controller.current;
    publicAdminApi.currentSession(signal).then(
      (session) => {
        checking.current = false;
        if (!signal.aborted) signedIn(session);
      },
      (error: unknown) => {
        checking.current = false;
        if (signal.aborted || isAbortError(error)) return;
        if (isSignedOut(error)) forget({ status: 'signed-out', notice: null }, latestLocation.current);
        else setState({ status: 'check-failed', error });
      },
    );
  }, [signedIn, forget, latestLocation]);

  const signOut = useCallback(async () => {
    if (state.status !== 'signed-in') return;
    try {
      await state.api.signOut();
    } catch (error) {
      // Already ended on the server (expired, or signed out elsewhere): nothing left to end.
      if (!isSignedOut(error)) throw error;
    }
    forget({ status: 'signed-out', notice: SIGNED_OUT }, null);
  }, [state, forget]);

  const signOutEverywhere = useCallback(async () => {
    if (state.status !== 'signed-in') return;
    const { sessionsEnded } = await state.api.signOutEverywhere();
    const sessions = sessionsEnded === 1 ? '1 session' : `${sessionsEnded} sessions`;
    forget({ status: 'signed-out', notice: `You've signed out everywhere: ${sessions} ended, this one included.` }, null);
  }, [state, forget]);

  // A page restored from the back-forward cache comes back with whatever it showed, however
  // long ago: forget it at once (before it is painted) and ask the server again.
  useEffect(() => {
    const onPageShow = (event: PageTransitionEvent) => {
      if (!event.persisted) return;
      checking.current = false;
      flushSync(() => forget({ status: 'unknown' }, latestLocation.current));
    };
    window.addEventListener('pageshow', onPageShow);
    return () => window.removeEventListener('pageshow', onPageShow);
  }, [forget, latestLocation]);

  const value = useMemo(
    () => ({ state, epoch, returnTo, check, signedIn, signOut, signOutEverywhere, memory }),
    [state, epoch, returnTo, check, signedIn, signOut, signOutEverywhere, memory],
  );
  return <AdminSessionContext.Provider value={value}>{children}</AdminSessionContext.Provider>;
}

export function useAdminSession(): AdminSessionValue {
  const value = useContext(AdminSessionContext);
  if (!value) throw new Error('useAdminSession needs an <AdminSessionProvider>');
  return value;
}

/** The signed-in owner's API client: only for pages inside <RequireSession>. */
export function useAdminApi(): AdminApi {
  const { state } = useAdminSession();
  if (state.status !== 'signed-in') throw new Error('useAdminApi is only for signed-in pages');
  return state.api;
}

/** State kept for the rest of this session (not this page's visit), e.g. the list's filters. */
export function useSessionMemory<T>(key: string, initial: T): [T, (value: T) => void] {
  const { memory } = useAdminSession();
  const [value, setValue] = useState<T>(() => (memory.has(key) ? (memory.get(key) as T) : initial));
  const remember = useCallback(
    (next: T) => {
      memory.set(key, next);
      setValue(next);
    },
    [memory, key],
  );
  return [value, remember];
}
