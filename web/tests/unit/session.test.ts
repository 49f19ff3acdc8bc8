import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { useSession } from '@/stores/session'

const me = { account_id: 3, username: 'clerk', display_name: '受理员', unit_id: 1, person_id: 0, roles: ['clerk'], csrf_token: 'c2' }
const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })

beforeEach(() => setActivePinia(createPinia()))
afterEach(() => vi.unstubAllGlobals())

describe('session store', () => {
  it('signs in with the password, then the second factor (whose answer is the account), and sends the new CSRF token afterwards', async () => {
    const fetch = vi.fn()
      .mockResolvedValueOnce(json(200, { mfa: 'totp', mfa_token: 'm1' }))
      .mockResolvedValueOnce(json(200, me))
      .mockResolvedValueOnce(json(200, {}))
    vi.stubGlobal('fetch', fetch)
    const s = useSession()
    expect((await s.login('clerk', 'pw')).mfa).toBe('totp')
    expect(s.signedIn).toBe(false)
    await s.secondFactor('123456')
    expect(JSON.parse(fetch.mock.calls[1][1].body)).toEqual({ mfa_token: 'm1', code: '123456' })
    expect(fetch).toHaveBeenCalledTimes(2) // the account is not asked for again
    expect(s.signedIn).toBe(true)
    expect(s.me?.display_name).toBe('受理员')
    expect(s.has('clerk')).toBe(true)
    expect(s.has('supervisor', 'leader')).toBe(false)
    await s.logout()
    expect(fetch.mock.calls[2][1].headers['X-CSRF-Token']).toBe('c2')
    expect(s.signedIn).toBe(false)
  })

  it('sends a recovery code as such', async () => {
    const fetch = vi.fn()
      .mockResolvedValueOnce(json(200, { mfa: 'totp', mfa_token: 'm1' }))
      .mockResolvedValueOnce(json(200, me))
    vi.stubGlobal('fetch', fetch)
    const s = useSession()
    await s.login('clerk', 'pw')
    await s.secondFactor('abcd-efgh', true)
    expect(JSON.parse(fetch.mock.calls[1][1].body)).toEqual({ mfa_token: 'm1', recovery_code: 'abcd-efgh' })
  })

  it('restores nothing when the server says the session is gone, and fails loudly on other errors', async () => {
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(json(401, { title: '需要登录', status: 401 })))
    const s = useSession()
    await s.restore()
    expect(s.signedIn).toBe(false)
    expect(s.checked).toBe(true)
    setActivePinia(createPinia())
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(json(503, { title: '不可用', status: 503 })))
    await expect(useSession().restore()).rejects.toThrow()
  })
})
