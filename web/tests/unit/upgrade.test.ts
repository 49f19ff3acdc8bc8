import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

// The module keeps what this load of the app has done; each test is a fresh load.
let upgrade: typeof import('@/utils/upgrade')
let assign: ReturnType<typeof vi.fn>
beforeEach(async () => {
  vi.resetModules()
  upgrade = await import('@/utils/upgrade')
  vi.useFakeTimers()
  // This load of the app is the one a failure to fetch the exams page asked for.
  sessionStorage.setItem('qf.reloadedFor', '/console/exams')
  assign = vi.fn()
  vi.spyOn(window, 'location', 'get').mockReturnValue({ ...window.location, assign } as Location)
})

afterEach(() => {
  sessionStorage.clear()
  vi.useRealTimers()
  vi.restoreAllMocks()
})

describe('loading the app afresh after an upgrade', () => {
  it('reloads once per cause until a navigation ends, the mark cleared when the browser is idle', async () => {
    const before = vi.fn()
    expect(upgrade.reloadFor('/console/exams', '/console/exams', before)).toBe(false)  // not again: no loop
    expect(before).not.toHaveBeenCalled()
    expect(assign).not.toHaveBeenCalled()

    const removed = vi.spyOn(Storage.prototype, 'removeItem')
    upgrade.reloadDone()
    expect(removed).not.toHaveBeenCalled()  // not inside the first page's drawing
    await vi.advanceTimersByTimeAsync(400)  // two frames, then idle
    expect(sessionStorage.getItem('qf.reloadedFor')).toBeNull()
    upgrade.reloadDone()
    await vi.advanceTimersByTimeAsync(400)
    expect(removed).toHaveBeenCalledOnce()  // once for the app's load, not on every navigation
  })

  it('keeps the mark a failure wrote after the navigation ended, before the browser was idle', async () => {
    const removed = vi.spyOn(Storage.prototype, 'removeItem')
    upgrade.reloadDone()
    // A navigation has ended: the same failure may load the app afresh again, even before the old mark is cleared.
    const before = vi.fn()
    expect(upgrade.reloadFor('/console/exams', '/console/exams', before)).toBe(true)
    expect(before).toHaveBeenCalledOnce()
    expect(assign).toHaveBeenCalledWith('/console/exams')

    await vi.advanceTimersByTimeAsync(400)
    // The fresh load finds the mark and does not reload for the same cause again.
    expect(sessionStorage.getItem('qf.reloadedFor')).toBe('/console/exams')
    expect(removed).not.toHaveBeenCalled()
  })
})
