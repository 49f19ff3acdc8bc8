import { describe, expect, it, vi } from 'vitest'

const shown: string[] = []
vi.mock('element-plus', () => ({ ElMessage: { error: (m: string) => shown.push(m) } }))

const { useRequest } = await import('@/composables/useRequest')
const { http } = await import('@/api/request')

function reply(status: number, body: unknown, type = 'application/json') {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': type } })
}

describe('useRequest', () => {
  it('marks loading while a call runs and returns its result', async () => {
    const { loading, run } = useRequest()
    let during = false
    const r = await run(async () => {
      during = loading.value
      return 7
    })
    expect(during).toBe(true)
    expect(loading.value).toBe(false)
    expect(r).toBe(7)
  })

  it('stays loading until the last of calls made side by side has ended, a failed one included', async () => {
    const { loading, run } = useRequest()
    let endA!: () => void, failB!: (e: Error) => void
    const a = run(() => new Promise<void>((ok) => (endA = ok)))
    const b = run(() => new Promise<void>((_, no) => (failB = no)))
    expect(loading.value).toBe(true)
    failB(new TypeError('Failed to fetch'))
    await b
    expect(loading.value).toBe(true)
    endA()
    await a
    expect(loading.value).toBe(false)
  })

  it("shows the server's problem text once and returns undefined", async () => {
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(
      reply(409, { type: 'about:blank', title: '状态冲突', status: 409, detail: '该公示已发布', code: 'notice.state' }, 'application/problem+json')))
    shown.length = 0
    const { loading, run } = useRequest()
    const r = await run(() => http.get('/api/v1/notices/1'))
    expect(r).toBeUndefined()
    expect(loading.value).toBe(false)
    expect(shown).toHaveLength(1)
    expect(shown[0]).toContain('该公示已发布')
    vi.unstubAllGlobals()
  })

  it('says the network failed when no answer came', async () => {
    shown.length = 0
    const { run } = useRequest()
    await run(() => Promise.reject(new TypeError('Failed to fetch')))
    expect(shown).toEqual(['网络连接失败，请稍后重试'])
  })
})
