import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from "react";
import { graphql } from "../gql";
import type { MeQuery } from "../gql/graphql";
import { request } from "./graphql";

export const MeDocument = graphql(`
  query Me {
    me {
      user { id displayName email }
      organization { id name languages }
      roles
      permissions
      chapters { id name }
      organizationChapters { id name }
    }
  }
`);

const LogoutDocument = graphql(`
  mutation Logout { logout { ok errors { code message } } }
`);

export type Me = NonNullable<MeQuery["me"]>;

export interface Session {
  me: Me | null;
  loading: boolean;
  /** Whether I hold a "resource:action" permission in this organization. */
  can(permission: string): boolean;
  refresh(): Promise<Me | null>;
  signedIn(me: Me): void;
  signOut(): Promise<void>;
}

const Ctx = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(true);

  const refresh = useCallback(async () => {
    try {
      const data = await request(MeDocument);
      setMe(data.me ?? null);
      return data.me ?? null;
    } catch {
      setMe(null);
      return null;
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const signOut = useCallback(async () => {
    try {
      await request(LogoutDocument);
    } finally {
      setMe(null);
    }
  }, []);

  const value: Session = {
    me,
    loading,
    can: (permission) => !!me && me.permissions.includes(permission),
    refresh,
    signedIn: setMe,
    signOut,
  };
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useSession(): Session {
  const ctx = useContext(Ctx);
  if (!ctx) throw new Error("useSession outside SessionProvider");
  return ctx;
}
