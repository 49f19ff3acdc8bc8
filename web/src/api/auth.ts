// Staff sign-in (password, then the second factor), the signed-in account, sign-out.
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

export interface MfaResult extends Partial<Me> {
  csrf_token: string
  recovery_codes?: string[]
}

export const authApi = {
  login: (username: string, password: string) => http.post<LoginStep>('/api/v1/auth/login', { username, password }),
  mfa: (mfa_token: string, code: string, recovery = false) =>
    http.post<MfaResult>('/api/v1/auth/mfa', recovery ? { mfa_token, recovery_code: code } : { mfa_token, code }),
  me: () => http.get<Me>('/api/v1/auth/me'),
  logout: () => http.post<void>('/api/v1/auth/logout'),
}
