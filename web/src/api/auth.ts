// Sign-in, the session, the account (password, two-factor) and API tokens: /api/v1/auth/*.
import { API, get, request } from './client'

export type Role =
  | 'admin'
  | 'ohs_officer'
  | 'coordinating_officer'
  | 'authority_officer'
  | 'provider_editor'
  | 'provider_viewer'
  | 'auditor'
  | 'supporting_unit'

export type ClassLevel = 'general' | 'official' | 'confidential' | 'secret' | 'top_secret'
export const CLASS_LEVELS: ClassLevel[] = ['general', 'official', 'confidential', 'secret', 'top_secret']
/** 機密, 極機密 and 絕對機密 are national secrets: they need a declassification date or condition. */
export const isNationalSecret = (l: ClassLevel) => CLASS_LEVELS.indexOf(l) >= CLASS_LEVELS.indexOf('confidential')

export interface User {
  id: number
  username: string
  display_name: string
  email?: string
  org_id?: number
  role: Role
  clearance: ClassLevel
  clearance_zh: string
  totp_enabled: boolean
  active?: boolean
}

export interface Principal {
  user_id: number
  username: string
  role: Role
  org_id: number
  org_code: string
  org_type: string
  sectors: string[]
  subsectors: string[]
  clearance: ClassLevel
  clearance_zh: string
  via: string
  permissions: string[]
}

export interface SessionInfo {
  user: User
  principal: Principal
  csrf_token?: string
  expires_at?: string
}

export interface Credentials {
  username: string
  password: string
  totp?: string
  recovery_code?: string
}

export interface ApiToken {
  id: number
  name: string
  scopes: string[]
  created_at: string
  expires_at: string
  revoked_at: string | null
  last_used_at: string | null
  secret?: string
}

export const login = (c: Credentials) => request<SessionInfo>('POST', `${API}/auth/login`, c).then((r) => r.data)
export const me = () => get<SessionInfo>(`${API}/auth/me`)
export const logout = () => request<void>('POST', `${API}/auth/logout`).then(() => undefined)
export const logoutAll = () => request<{ sessions_ended: number }>('POST', `${API}/auth/logout-all`).then((r) => r.data)
export const changePassword = (current_password: string, new_password: string) =>
  request<void>('POST', `${API}/auth/password`, { current_password, new_password }).then(() => undefined)
export const totpSetup = () =>
  request<{ secret: string; otpauth_uri: string }>('POST', `${API}/auth/totp/setup`).then((r) => r.data)
export const totpEnable = (code: string) =>
  request<{ recovery_codes: string[] }>('POST', `${API}/auth/totp/enable`, { code }).then((r) => r.data)
export const totpDisable = (password: string) =>
  request<void>('POST', `${API}/auth/totp/disable`, { password }).then(() => undefined)
export const listTokens = () => get<{ items: ApiToken[]; total: number }>(`${API}/auth/tokens`)
export const createToken = (name: string, scopes: string[], expires_in_days: number) =>
  request<ApiToken>('POST', `${API}/auth/tokens`, { name, scopes, expires_in_days }).then((r) => r.data)
export const revokeToken = (id: number) =>
  request<void>('DELETE', `${API}/auth/tokens/${id}`).then(() => undefined)
