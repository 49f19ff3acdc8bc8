// Staff sign-in (password, then the second factor), the signed-in account, sign-out, one's own password; and the
// administrator's accounts (list, create, temporary password, second-factor reset, disable/enable).
import { http } from './request'

export type Role = 'clerk' | 'handler' | 'supervisor' | 'inspector' | 'leader' | 'admin'

export interface Me {
  account_id: number
  username: string
  display_name: string
  unit_id: number
  person_id: number
  roles: Role[]
  csrf_token: string
}

export interface LoginStep {
  mfa: 'totp' | 'setup'
  mfa_token: string
  // Present when the account enrols its second factor now.
  secret?: string
  otpauth?: string
}

// The second step's answer: the account as GET /api/v1/auth/me gives it, and the recovery codes after enrolling.
export interface MfaResult extends Me {
  recovery_codes?: string[]
}

export const authApi = {
  login: (username: string, password: string) => http.post<LoginStep>('/api/v1/auth/login', { username, password }),
  mfa: (mfa_token: string, code: string, recovery = false) =>
    http.post<MfaResult>('/api/v1/auth/mfa', recovery ? { mfa_token, recovery_code: code } : { mfa_token, code }),
  me: () => http.get<Me>('/api/v1/auth/me'),
  logout: () => http.post<void>('/api/v1/auth/logout'),
  changePassword: (current_password: string, new_password: string) =>
    http.post<{ changed: boolean; sessions_ended: number }>('/api/v1/auth/password', { current_password, new_password }),
}

export interface Account {
  id: number
  username: string
  display_name: string
  unit_id: number
  unit: string
  roles: Role[]
  active: boolean
  second_factor: boolean
  recovery_codes_left: number
  sessions: number
}
export interface NewAccount {
  username: string
  display_name: string
  unit_id: number | null
  roles: Role[]
  password: string
}
type Changed = { id: number; sessions_ended: number }

export const accountsApi = {
  list: (q: { q?: string; after?: number; limit?: number }) =>
    http.get<{ items: Account[]; next_after: number | null }>('/api/v1/accounts', q),
  create: (a: NewAccount) => http.post<{ id: number; username: string }>('/api/v1/accounts', a),
  resetPassword: (id: number, reason: string, password: string) => http.post<Changed>(`/api/v1/accounts/${id}/password`, { reason, password }),
  resetSecondFactor: (id: number, reason: string) => http.post<Changed>(`/api/v1/accounts/${id}/second-factor/reset`, { reason }),
  setActive: (id: number, reason: string, active: boolean) => http.post<Changed>(`/api/v1/accounts/${id}/active`, { reason, active }),
}
