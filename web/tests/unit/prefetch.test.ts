import { afterEach, describe, expect, it, vi } from 'vitest'
import type { RouteRecordNormalized } from 'vue-router'
import { openingPage, prefetch, prefetchRoutes } from '@/utils/prefetch'
import { http } from '@/api/request'

// A route record whose page code is fetched by `load` (what the router's lazy component is).
const route = (load: () => Promise<unknown>) => ({ components: { default: load } }) as unknown as RouteRecordNormalized
// Under fake timers: two frames (16 ms each: the page in view drawn first) and jsdom's idle (no requestIdleCallback
// there: a 300 ms timer), utils/idle.ts.
const IDLE = 2 * 16 + 300

afterEach(() => {
  openingPage(false)
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

describe('prefetching pages', () => {
  it('fetches one page at a time, each when the browser is idle, and none while a page is being opened', async () => {
    vi.useFakeTimers()
    const done: string[] = []
    // Each takes 5 ms, as a fetch does.
    const load = (name: string) => vi.fn(() => new Promise((ok) => setTimeout(ok, 5)).then(() => void done.push(name)))
    const a = load('a')
    const b = load('b')
    const c = load('c')
    prefetchRoutes([route(a), { components: { default: {} } } as unknown as RouteRecordNormalized, route(b), route(c)])
    expect(a).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(300)
    expect(a).not.toHaveBeenCalled()  // not before the page in view has been drawn
    await vi.advanceTimersByTimeAsync(IDLE - 300 + 5)
    expect(done).toEqual(['a'])
    expect(b).not.toHaveBeenCalled()  // the next waits for the next idle moment

    openingPage(true)
    await vi.advanceTimersByTimeAsync(3000)
    expect(b).not.toHaveBeenCalled()  // held while the user's page opens
    openingPage(false)
    await vi.advanceTimersByTimeAsync(IDLE + 5)
    expect(done).toEqual(['a', 'b'])
    await vi.advanceTimersByTimeAsync(IDLE + 5)
    expect(done).toEqual(['a', 'b', 'c'])  // a component already loaded (not a function) is skipped
  })

  it('goes on at once after a load that was done already (a page of the file fetched with the frame)', async () => {
    vi.useFakeTimers()
    const done: string[] = []
    const loaded = (name: string) => () => Promise.resolve().then(() => void done.push(name))
    const fetched = vi.fn(() => new Promise((ok) => setTimeout(ok, 5)).then(() => void done.push('dashboard')))
    prefetch([loaded('work'), loaded('cases'), loaded('fees'), fetched, loaded('duty')])
    await vi.advanceTimersByTimeAsync(IDLE - 1)
    expect(done).toEqual([])
    await vi.advanceTimersByTimeAsync(1 + 5)
    expect(done).toEqual(['work', 'cases', 'fees', 'dashboard'])  // the one fetched took time: the next waits
    await vi.advanceTimersByTimeAsync(IDLE)
    expect(done).toEqual(['work', 'cases', 'fees', 'dashboard', 'duty'])
  })

  it('waits while a request of the page is under way (the browser is idle while it waits for the answer)', async () => {
    vi.useFakeTimers()
    let answer = (_: Response) => {}
    vi.stubGlobal('fetch', vi.fn(() => new Promise<Response>((ok) => (answer = ok))))
    const asked = http.get('/api/v1/exams')
    const page = vi.fn(() => Promise.resolve())
    prefetch([page])
    await vi.advanceTimersByTimeAsync(5000)
    expect(page).not.toHaveBeenCalled()
    answer(new Response('{"items":[]}', { status: 200, headers: { 'Content-Type': 'application/json' } }))
    await asked
    expect(page).not.toHaveBeenCalled()  // then when the browser is next idle
    await vi.advanceTimersByTimeAsync(IDLE)
    expect(page).toHaveBeenCalledOnce()
  })

  it('goes on after a page whose code failed to load', async () => {
    vi.useFakeTimers()
    const b = vi.fn(() => Promise.resolve())
    prefetchRoutes([route(() => Promise.reject(new Error('offline'))), route(b)])
    await vi.advanceTimersByTimeAsync(2 * IDLE)
    expect(b).toHaveBeenCalledOnce()
  })

  it('runs data loads in the same queue, before the pages, going on after one that failed', async () => {
    vi.useFakeTimers()
    const done: string[] = []
    const page = vi.fn(() => Promise.resolve().then(() => void done.push('page')))
    const vocabulary = () => new Promise((ok) => setTimeout(ok, 5)).then(() => void done.push('vocabulary'))
    prefetch([vocabulary, () => Promise.reject(new Error('403')), page])
    await vi.advanceTimersByTimeAsync(IDLE + 5)
    expect(done).toEqual(['vocabulary'])
    await vi.advanceTimersByTimeAsync(2 * IDLE)
    expect(done).toEqual(['vocabulary', 'page'])
  })
})
