import { afterEach, describe, expect, it, vi } from 'vitest'
import { useCaseList } from '@/views/console/cases/composables'

const page = (ids: number[], total: number) =>
  new Response(JSON.stringify({ items: ids.map((id) => ({ id })), total, offset: 0, limit: 20 }), { status: 200, headers: { 'Content-Type': 'application/json' } })

afterEach(() => vi.unstubAllGlobals())

describe('case list', () => {
  it('asks the server for the page, filters and sort, and maps table sorting onto server keys', async () => {
    const fetch = vi.fn().mockImplementation(() => Promise.resolve(page([1, 2], 41)))
    vi.stubGlobal('fetch', fetch)
    const l = useCaseList({ mine: true }, 20)
    l.filter.category = 'fees'
    l.page.value = 3
    await l.load()
    const url = new URL(fetch.mock.calls[0][0], 'http://x')
    expect(Object.fromEntries(url.searchParams)).toEqual({ mine: 'true', category: 'fees', sort: 'received_at', order: 'desc', offset: '40', limit: '20' })
    expect(l.total.value).toBe(41)
    await l.sortBy('due_on', 'ascending')
    const u2 = new URL(fetch.mock.calls[1][0], 'http://x')
    expect(u2.searchParams.get('sort')).toBe('due_on')
    expect(u2.searchParams.get('order')).toBe('asc')
    expect(u2.searchParams.get('offset')).toBe('0')
    await l.sortBy('state_label', 'descending')
    expect(new URL(fetch.mock.calls[2][0], 'http://x').searchParams.get('sort')).toBe('state')
    await l.sortBy(null, null)
    expect(new URL(fetch.mock.calls[3][0], 'http://x').searchParams.get('sort')).toBe('received_at')
  })

  it('keeps only the answer to the latest request when filters change quickly', async () => {
    let release: (r: Response) => void = () => {}
    const slow = new Promise<Response>((r) => (release = r))
    const fetch = vi.fn()
      .mockImplementationOnce((_u: string, init: RequestInit) => new Promise((resolve, reject) => {
        init.signal?.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' })))
        slow.then(resolve)
      }))
      .mockImplementationOnce(() => Promise.resolve(page([9], 1)))
    vi.stubGlobal('fetch', fetch)
    const l = useCaseList()
    const first = l.load()
    await l.search()
    release(page([1, 2, 3], 3))
    await first
    expect(l.rows.value.map((r) => r.id)).toEqual([9])
    expect(l.loading.value).toBe(false)
  })

  it('shows the server error and an empty page', async () => {
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(new Response(JSON.stringify({ title: '请求内容有误', status: 400, detail: '筛选条件有误' }), { status: 400, headers: { 'Content-Type': 'application/problem+json' } })))
    const l = useCaseList()
    await l.load()
    expect(l.error.value).toBe('筛选条件有误')
    expect(l.rows.value).toEqual([])
  })
})

describe('search in the case list', () => {
  it('keeps newest first for words unless relevance is asked for, and drops relevance without words', async () => {
    const fetch = vi.fn().mockImplementation(() => Promise.resolve(page([1], 1)))
    vi.stubGlobal('fetch', fetch)
    const l = useCaseList()
    l.filter.q = '补课'
    await l.search()
    expect(new URL(fetch.mock.calls[0][0], 'http://x').searchParams.get('sort')).toBe('received_at')
    l.filter.sort = 'relevance'
    await l.search()
    expect(new URL(fetch.mock.calls[1][0], 'http://x').searchParams.get('sort')).toBe('relevance')
    l.filter.q = ''
    await l.search()
    expect(new URL(fetch.mock.calls[2][0], 'http://x').searchParams.get('sort')).toBe('received_at')
  })
})
