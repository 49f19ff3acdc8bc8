import { describe, expect, it } from 'vitest'
import { checkSymbol, displayReceipt, parseReceipt } from '@/utils/receipt'
import { cstDay, cstToRfc3339, formatCst, halfOf, monthShort } from '@/utils/time'
import { groupReads } from '@/utils/accessLog'
import type { AccessEntry } from '@/api/cases'

// Codes issued by the server (demo database): the client's Luhn mod 32 must agree with server/common/receipt.cc.
const issued = ['7C3A-NY70-1G6J-CKBJ1', 'GSX9-FFDA-FS77-NQPZG', 'RSAE-GK8B-TG6M-WQPJA', 'EPZ1-2Y10-YGNE-11TV0']

describe('receipt codes', () => {
  it('accepts codes the server issued, in any case and grouping', () => {
    for (const c of issued) {
      const canonical = c.replace(/-/g, '')
      expect(parseReceipt(c)).toBe(canonical)
      expect(parseReceipt(c.toLowerCase().replace(/-/g, ' '))).toBe(canonical)
      expect(displayReceipt(canonical)).toBe(c)
    }
  })

  it('reads O as 0 and I or L as 1, as the server does', () => {
    expect(parseReceipt('EPZ1-2YIO-YGNE-L1TVO')).toBe('EPZ12Y10YGNE11TV0')
  })

  it('catches every single-symbol substitution', () => {
    const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
    for (const c of issued) {
      const s = c.replace(/-/g, '')
      for (let i = 0; i < s.length; ++i)
        for (const a of alphabet) if (a !== s[i]) expect(parseReceipt(s.slice(0, i) + a + s.slice(i + 1))).toBeNull()
    }
  })

  it('refuses wrong lengths and foreign characters', () => {
    expect(parseReceipt('')).toBeNull()
    expect(parseReceipt('7C3A-NY70-1G6J-CKBJ')).toBeNull()
    expect(parseReceipt('7C3A-NY70-1G6J-CKBJ11')).toBeNull()
    expect(parseReceipt('7C3A-NY70-1G6J-CKBU1')).toBeNull()
    expect(checkSymbol('7C3ANY701G6JCKBJ')).toBe('1')
  })
})

describe('China Standard Time', () => {
  it('formats instants in CST whatever the browser zone', () => {
    expect(formatCst('2026-05-14T07:41:00.000Z')).toBe('2026-05-14 15:41')
    expect(formatCst('2026-06-30T16:30:00Z')).toBe('2026-07-01 00:30')
    expect(formatCst(null)).toBe('')
    expect(cstDay(new Date('2026-12-31T16:00:00Z'))).toBe('2027-01-01')
    // The same fields as the zone database gives for Asia/Shanghai, across a year and at the day's edges.
    const zoned = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    for (let t = Date.UTC(2025, 0, 1, 15, 59); t < Date.UTC(2027, 0, 1); t += 7 * 3600 * 1000 + 61 * 60 * 1000) {
      const p = Object.fromEntries(zoned.formatToParts(new Date(t)).map((x) => [x.type, x.value]))
      expect(formatCst(new Date(t).toISOString())).toBe(`${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`)
    }
  })
  it('sends wall-clock times with the +08:00 offset', () => {
    expect(cstToRfc3339('2026-03-02 09:30')).toBe('2026-03-02T09:30:00+08:00')
  })
  it("names months as the browser's own formatter does, without constructing one", () => {
    for (const locale of ['zh-CN', 'en']) {
      const intl = new Intl.DateTimeFormat(locale, { month: 'short' })
      for (let m = 1; m <= 12; m++) expect(monthShort(m, locale)).toBe(intl.format(new Date(2000, m - 1, 1)))
    }
  })
  it('knows the half-year of a day', () => {
    expect(halfOf('2026-06-30')).toEqual(['2026-01-01', '2026-06-30'])
    expect(halfOf('2026-07-01')).toEqual(['2026-07-01', '2026-12-31'])
  })
})

describe('the access log', () => {
  const read = (seq: number, at: string, by: string, kind: AccessEntry['kind'] = 'case.viewed'): AccessEntry =>
    ({ seq, at, kind, label: kind, by, unit: '办公室' })
  it('shows a person\'s reads within ten minutes as one row, and nothing else merged', () => {
    const rows = groupReads([
      read(9, '2026-12-02T10:20:00Z', '赵军'),
      read(8, '2026-12-02T10:15:00Z', '赵军'),
      read(7, '2026-12-02T10:11:00Z', '赵军'),
      read(6, '2026-12-02T10:10:30Z', '赵军', 'reporter.identity_opened'),
      read(5, '2026-12-02T10:10:00Z', '赵军'),
      read(4, '2026-12-02T10:09:00Z', '周敏'),
      read(3, '2026-12-02T09:00:00Z', '周敏'),
    ])
    expect(rows.map((r) => [r.seq, r.count, r.first])).toEqual([
      [9, 3, '2026-12-02T10:11:00Z'], // three reads, each within ten minutes of the next (5 and 4)
      [6, 1, '2026-12-02T10:10:30Z'], // an identity opened stands alone and breaks the run
      [5, 1, '2026-12-02T10:10:00Z'],
      [4, 1, '2026-12-02T10:09:00Z'], // another person
      [3, 1, '2026-12-02T09:00:00Z'], // the same person an hour earlier
    ])
  })
  it('across cases, merges only reads of the same case', () => {
    const of = (e: AccessEntry, case_id: number) => ({ ...e, case_id })
    const rows = groupReads([
      of(read(4, '2026-12-02T10:03:00Z', '赵军'), 2),
      of(read(3, '2026-12-02T10:02:00Z', '赵军'), 1),
      of(read(2, '2026-12-02T10:01:00Z', '赵军'), 1),
      of(read(1, '2026-12-02T10:00:00Z', '赵军'), 2),
    ])
    expect(rows.map((r) => [r.seq, r.count])).toEqual([[4, 1], [3, 2], [1, 1]])
  })
})
