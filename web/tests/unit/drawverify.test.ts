// The browser's recomputation of a draw agrees with the server's (C++) engine on a record the demo released, and
// refuses each kind of tampering; the shuffle is uniform over permutations.
import { describe, expect, it } from 'vitest'
import type { PublicDraw } from '@/api/draws'
import { callDown, makeSeed, shuffle, verifyDraw } from '@/utils/drawVerify'
import record from './fixtures/draw-released.json'

const rec = record as unknown as PublicDraw

describe('draw verification in the browser', () => {
  it('recomputes a draw released by the server', async () => {
    const v = await verifyDraw(rec)
    expect(v.checks.filter((c) => !c.ok)).toEqual([])
    expect(v.ok).toBe(true)
    expect(v.order).toEqual(rec.order)
    expect(rec.declines?.length).toBe(1)
  })

  it('refuses a changed secret, public value, candidate list, order or selection', async () => {
    const variants: [string, (r: PublicDraw) => void][] = [
      ['secret', (r) => (r.secret = 'x' + r.secret)],
      ['public value', (r) => (r.public_value = r.public_value + ' ')],
      ['candidates', (r) => r.candidates?.pop()],
      ['order', (r) => r.order && ([r.order[0], r.order[1]] = [r.order[1], r.order[0]])],
      ['declines', (r) => (r.declines = [])],
      ['selection', (r) => r.calls && (r.calls[1] = { ...r.calls[1], code: 'E999' })],
    ]
    for (const [, edit] of variants) {
      const copy = JSON.parse(JSON.stringify(rec)) as PublicDraw
      edit(copy)
      expect((await verifyDraw(copy)).ok).toBe(false)
    }
  })

  it('calls down the list past declines', () => {
    const calls = callDown(['A', 'B', 'C', 'D'], 2, 1, [{ code: 'B' }])
    expect(calls?.map((c) => `${c.code}:${c.status}`)).toEqual(['A:selected', 'B:declined', 'C:selected', 'D:backup'])
    expect(callDown(['A', 'B'], 1, 0, [{ code: 'B' }])).toBeNull()
  })

  it('replaces a recusal by the next in the order even without backups (docs/draws.md)', () => {
    const calls = callDown(['A', 'B', 'C', 'D'], 2, 0, [{ code: 'A' }, { code: 'C' }])
    expect(calls?.map((c) => `${c.code}:${c.status}`)).toEqual(['A:declined', 'B:selected', 'C:declined', 'D:selected'])
    // The same rule as the server's: server/draws/draws_test.cc DrawCallDown.
    expect(callDown(['A', 'B'], 2, 0, [{ code: 'A' }])?.filter((c) => c.status === 'selected').length).toBe(1)
  })

  it('shuffles uniformly over the 24 orders of four', async () => {
    const counts = new Map<string, number>()
    const n = 2400
    for (let i = 0; i < n; i++) {
      const order = await shuffle(['A', 'B', 'C', 'D'], await makeSeed('s', String(i)))
      const k = order.join('')
      counts.set(k, (counts.get(k) ?? 0) + 1)
    }
    expect(counts.size).toBe(24)
    const expected = n / 24
    let chi = 0
    for (const c of counts.values()) chi += (c - expected) ** 2 / expected
    expect(chi).toBeLessThan(49.7) // chi-square, 23 degrees of freedom, p = 0.001
  })
})
