// The signed-in staff member: sign-in in two steps, the CSRF token, sign-out, and what the roles allow.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { authApi, type LoginStep, type Me, type Role } from '@/api/auth'
import { ApiError, setCsrfToken } from '@/api/request'
import { i18n } from '@/i18n'

export const useSession = defineStore('session', () => {
  const me = ref<Me | null>(null)
  const pending = ref<LoginStep | null>(null)
  const checked = ref(false)

  function has(...roles: Role[]): boolean {
    return !!me.value && roles.some((r) => me.value!.roles.includes(r))
  }
  const signedIn = computed(() => me.value !== null)

  function adopt(m: Me): void {
    me.value = m
    setCsrfToken(m.csrf_token)
  }

  // Resumes a session after a page load (the cookie is HttpOnly: only the server can tell).
  async function restore(): Promise<void> {
    if (checked.value) return
    try {
      adopt(await authApi.me())
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 401) throw e
      me.value = null
    } finally {
      checked.value = true
    }
  }

  async function login(username: string, password: string): Promise<LoginStep> {
    pending.value = await authApi.login(username, password)
    return pending.value
  }

  // Completes the second step; answers the recovery codes when the account has just enrolled.
  async function secondFactor(code: string, recovery = false): Promise<string[] | undefined> {
    if (!pending.value) throw new ApiError({ status: 401, title: i18n.global.t('msg.passwordAgain'), code: 'auth.mfa_expired' })
    // The answer is the account as GET /api/v1/auth/me gives it (and the recovery codes after enrolling).
    const { recovery_codes, ...account } = await authApi.mfa(pending.value.mfa_token, code, recovery)
    pending.value = null
    adopt(account)
    checked.value = true
    return recovery_codes
  }

  async function logout(): Promise<void> {
    try {
      await authApi.logout()
    } finally {
      me.value = null
      setCsrfToken('')
    }
  }

  function forget(): void {
    me.value = null
    setCsrfToken('')
  }

  return { me, pending, checked, signedIn, has, restore, login, secondFactor, logout, forget }
})
