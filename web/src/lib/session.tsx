import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from "react";
import { graphql } from "../gql";
import type { SessionMeFragment } from "../gql/graphql";
import { useI18n } from "../i18n/I18n";
import { request } from "./graphql";

// What the app keeps of me: the same selection after loading, signing in and accepting an invitation.
graphql(`
  fragment SessionMe on Me {
    user { id displayName email }
    organization { id name languages }
    roles
    permissions
    chapters { id name }
    organizationChapters { id name }
    preferredLanguage
    twoFactorEnabled
    twoFactorEnrollmentRequired
  }
`);

export const MeDocument = graphql(`
  query Me {
    me { ...SessionMe }
  }
`);

const SetMyLanguageDocument = graphql(`
  mutation SetMyLanguage($input: SetMyLanguageInput!) {
    setMyLanguage(input: $input) {
      me { preferredLanguage }
      errors { code message field }
    }
  }
`);

const LogoutDocument = graphql(`
  mutation Logout { logout { ok errors { code message } } }
`);

export type Me = SessionMeFragment;

export interface Session {
  me: Me | null;
  loading: boolean;
  /**
   * I signed out in this tab (not a session that ended by itself): the sign-in page then opens without `next`, so
   * whoever signs in next on this browser is not sent to the page the previous person was on.
   */
  signedOut: boolean;
  /** Whether I hold a "resource:action" permission in this organization. */
  can(permission: string): boolean;
  refresh(): Promise<Me | null>;
  /**
   * After the server refused a page (FORBIDDEN, UNAUTHENTICATED): `me` may be stale (my roles changed, my
   * organization now requires a second factor, my session ended), so ask again; at most every few seconds, and a
   * failed request keeps what I have.
   */
  recheck(): void;
  signedIn(me: Me): void;
  signOut(): Promise<void>;
  /** The language menu: the page's language, and (signed in) the language of my mail on the server too. */
  setLanguage(code: string): void;
}

const Ctx = createContext<Session | null>(null);

const RECHECK_INTERVAL_MS = 5000;

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMeState] = useState<Me | null>(null);
  // The same, at once: a choice in the language menu made between my account's arrival and the next render
  // must see it (or it would wait for an arrival that already happened).
  const current = useRef<Me | null>(null);
  const setMe = useCallback((m: Me | null) => {
    current.current = m;
    setMeState(m);
  }, []);
  const [loading, setLoading] = useState(true);
  const [signedOut, setSignedOut] = useState(false);
  const { setLang, adopt } = useI18n();
  // A language chosen in the menu while not (yet) known to be signed in: on the sign-in page, or while my
  // session is still loading. Once I am signed in it becomes my language on the server too.
  const pendingChoice = useRef<string | null>(null);

  /** Best effort: a language my organization does not offer is refused (the page keeps it, my mail does not). */
  const saveLanguage = useCallback(async (code: string) => {
    try {
      const data = await request(SetMyLanguageDocument, { input: { language: code } });
      const saved = data.setMyLanguage.me?.preferredLanguage;
      if (saved && current.current) setMe({ ...current.current, preferredLanguage: saved });
    } catch {
      /* offline or signed out meanwhile: the next choice tries again */
    }
  }, [setMe]);

  const arrived = useCallback(
    (m: Me | null) => {
      setMe(m);
      if (m) setSignedOut(false);
      const choice = pendingChoice.current;
      if (!m || !choice) return;
      pendingChoice.current = null;
      if (choice !== m.preferredLanguage) void saveLanguage(choice);
    },
    [saveLanguage, setMe],
  );

  const refresh = useCallback(async () => {
    try {
      const data = await request(MeDocument);
      arrived(data.me ?? null);
      return data.me ?? null;
    } catch {
      setMe(null);
      return null;
    } finally {
      setLoading(false);
    }
  }, [arrived, setMe]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const lastRecheck = useRef(0);
  const recheck = useCallback(() => {
    const now = Date.now();
    if (now - lastRecheck.current < RECHECK_INTERVAL_MS) return;
    lastRecheck.current = now;
    request(MeDocument).then((data) => arrived(data.me ?? null), () => undefined);
  }, [arrived]);

  // Without a language chosen in this browser, the page follows the one the server has for me.
  const serverLanguage = me?.preferredLanguage;
  useEffect(() => {
    if (serverLanguage) adopt(serverLanguage);
  }, [serverLanguage, adopt]);

  const setLanguage = (code: string) => {
    setLang(code);
    if (current.current) void saveLanguage(code);
    else pendingChoice.current = code;
  };

  const signOut = useCallback(async () => {
    try {
      await request(LogoutDocument);
    } finally {
      // in the same render as `me`: the page I leave sends me to the sign-in page without itself as `next`
      setSignedOut(true);
      setMe(null);
    }
  }, [setMe]);

  const value: Session = {
    me,
    loading,
    signedOut,
    can: (permission) => !!me && me.permissions.includes(permission),
    refresh,
    recheck,
    signedIn: arrived,
    signOut,
    setLanguage,
  };
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useSession(): Session {
  const ctx = useContext(Ctx);
  if (!ctx) throw new Error("useSession outside SessionProvider");
  return ctx;
}
