import { afterEach, describe, expect, it, vi } from 'vitest'
import { reloadDone, reloadFor } from '@/utils/upgrade'

afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

describe('loading the app afresh after an upgrade', () => {
  it('reloads once per cause until a navigation ends, the mark cleared when the browser is idle', async () => {
    vi.useFakeTimers()
    // This load of the app is the one a failure to fetch the exams page asked for.
    sessionStorage.setItem('qf.reloadedFor', '/console/exams')
    const assign = vi.fn()
    vi.spyOn(window, 'location', 'get').mockReturnValue({ ...window.location, assign } as Location)
    const before = vi.fn()
    expect(reloadFor('/console/exams', '/console/exams', before)).toBe(false)  // not again: no loop
    expect(before).not.toHaveBeenCalled()
    expect(assign).not.toHaveBeenCalled()

    const removed = vi.spyOn(Storage.prototype, 'removeItem')
    reloadDone()
    expect(removed).not.toHaveBeenCalled()  // not inside the first page's drawing
    // A navigation has ended: the same failure may load the app afresh again, even before the mark is cleared.
    expect(reloadFor('/console/exams', '/console/exams', before)).toBe(true)
    expect(before).toHaveBeenCalledOnce()
    expect(assign).toHaveBeenCalledWith('/console/exams')

    await vi.advanceTimersByTimeAsync(400)  // two frames, then idle
    expect(sessionStorage.getItem('qf.reloadedFor')).toBeNull()
    reloadDone()
    await vi.advanceTimersByTimeAsync(400)
    expect(removed).toHaveBeenCalledOnce()  // once for the app's load, not on every navigation
  })
})
