import { describe, expect, it } from 'vitest'
import { monthToDate, previousPeriod, quarterToDate, sameDaysLastYear, yearToDate } from '@/utils/periods'

describe('dashboard periods', () => {
  it('runs this month, quarter and year up to today', () => {
    expect(monthToDate('2026-12-03')).toEqual(['2026-12-01', '2026-12-03'])
    expect(quarterToDate('2026-12-03')).toEqual(['2026-10-01', '2026-12-03'])
    expect(quarterToDate('2026-03-31')).toEqual(['2026-01-01', '2026-03-31'])
    expect(quarterToDate('2026-04-01')).toEqual(['2026-04-01', '2026-04-01'])
    expect(yearToDate('2026-12-03')).toEqual(['2026-01-01', '2026-12-03'])
  })
  it('takes the same days a year earlier, 29 February as the 28th', () => {
    expect(sameDaysLastYear(['2026-01-01', '2026-06-30'])).toEqual(['2025-01-01', '2025-06-30'])
    expect(sameDaysLastYear(['2028-02-01', '2028-02-29'])).toEqual(['2027-02-01', '2027-02-28'])
  })
  it('compares with as many days just before', () => {
    expect(previousPeriod(['2026-07-01', '2026-12-31'])).toEqual(['2025-12-29', '2026-06-30'])
    expect(previousPeriod(['2026-03-01', '2026-03-31'])).toEqual(['2026-01-29', '2026-02-28'])
    expect(previousPeriod(['2026-12-03', '2026-12-03'])).toEqual(['2026-12-02', '2026-12-02'])
  })
})
