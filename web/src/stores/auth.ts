// The signed-in user: restored on page load from GET /auth/me (the session cookie is HttpOnly,
// so the page cannot read it; /auth/me also hands the CSRF token back after a reload), set by
// sign-in, cleared by sign-out or a 401. `can(permission)` drives what the UI offers.
import { defineStore } from 'pinia'
import { ApiError, setCsrfToken } from '../api/client'
import * as authApi from '../api/auth'
import type { Credentials, Principal, SessionInfo, User } from '../api/auth'

export type AuthStatus = 'unknown' | 'signed-in' | 'signed-out'

/** What a failed sign-in means for the form. */
export type LoginFailure =
  | { kind: 'totp-required' }
  | { kind: 'totp-wrong' }
  | { kind: 'wrong' }
  | { kind: 'locked'; retryAfter: number | null; detail: string }
  | { kind: 'invalid'; fields: Record<string, string> }
  | { kind: 'other'; detail: string }

export function classifyLoginError(e: unknown): LoginFailure {
  if (!(e instanceof ApiError)) return { kind: 'other', detail: (e as Error)?.message ?? String(e) }
  const totp = e.problem.errors?.find((x) => x.pointer === '/totp')
  if (e.status === 401 && totp) return { kind: /required/i.test(totp.detail) ? 'totp-required' : 'totp-wrong' }
  if (e.status === 401) return { kind: 'wrong' }
  if (e.status === 429) return { kind: 'locked', retryAfter: e.retryAfter, detail: e.problem.detail ?? '' }
  if (e.status === 400 || e.status === 422) {
    const fields: Record<string, string> = {}
    for (const x of e.problem.errors ?? []) fields[x.pointer.replace(/^\//, '')] = x.detail
    return { kind: 'invalid', fields }
  }
  return { kind: 'other', detail: e.message }
}

export const useAuth = defineStore('auth', {
  state: () => ({
    status: 'unknown' as AuthStatus,
    user: null as User | null,
    principal: null as Principal | null,
    expiresAt: '' as string,
    /** The session ended under the user's feet (a 401 while signed in). */
    expired: false,
    /** Who signed in first on this page load: another user afterwards needs fresh data. */
    firstUser: '' as string,
    pending: null as Promise<void> | null,
  }),
  getters: {
    signedIn: (s) => s.status === 'signed-in',
    permissions: (s): Set<string> => new Set(s.principal?.permissions ?? []),
  },
  actions: {
    can(permission: string): boolean {
      return !!this.principal?.permissions.includes(permission)
    },
    apply(info: SessionInfo) {
      this.user = info.user
      this.principal = info.principal
      if (info.expires_at) this.expiresAt = info.expires_at
      setCsrfToken(info.csrf_token)
      this.status = 'signed-in'
      this.expired = false
      if (!this.firstUser) this.firstUser = info.user.username
    },
    clear() {
      this.user = null
      this.principal = null
      this.expiresAt = ''
      setCsrfToken(null)
      this.status = 'signed-out'
    },
    /** Once per page load: is there a session? (401 → signed out). */
    restore(): Promise<void> {
      if (this.status !== 'unknown') return Promise.resolve()
      if (this.pending) return this.pending
      this.pending = (async () => {
        try {
          this.apply(await authApi.me())
        } catch {
          this.clear()
        } finally {
          this.pending = null
        }
      })()
      return this.pending
    },
    /** Signs in; throws the ApiError (see classifyLoginError). True when another user than the
     *  first one of this page load signed in (the caller reloads the page for fresh data). */
    async signIn(c: Credentials): Promise<boolean> {
      const info = await authApi.login(c)
      const switched = !!this.firstUser && this.firstUser !== info.user.username
      this.apply(info)
      return switched
    },
    async signOut(everywhere = false): Promise<number | undefined> {
      let ended: number | undefined
      try {
        if (everywhere) ended = (await authApi.logoutAll()).sessions_ended
        else await authApi.logout()
      } catch (e) {
        // Already signed out on the server (401): nothing left to end.
        if (!(e instanceof ApiError && e.status === 401)) throw e
      } finally {
        this.clear()
      }
      return ended
    },
    /** A 401 on an ordinary call: the session is gone. */
    sessionLost() {
      if (this.status === 'signed-in') this.expired = true
      this.clear()
    },
    async refresh() {
      this.apply(await authApi.me())
    },
  },
})
