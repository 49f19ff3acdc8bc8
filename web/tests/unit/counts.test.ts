import { afterEach, describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { i18n, setLocale } from '@/i18n'
import DeadlineTag from '@/components/DeadlineTag.vue'

const text = (left: number) =>
  mount(DeadlineTag, { props: { colour: 'green', due: '2026-12-08', left }, global: { plugins: [i18n] } }).text()

afterEach(() => setLocale('zh-CN'))

describe('counts in words: a deadline, the cases listed', () => {
  it('counts working days in English in the singular and the plural', () => {
    setLocale('en')
    expect(text(1)).toBe('1 working day left')
    expect(text(3)).toBe('3 working days left')
    expect(text(-1)).toBe('1 working day overdue')
    expect(text(-12)).toBe('12 working days overdue')
    expect(text(0)).not.toContain('working day')
  })

  it('counts cases the same way (the total of the case list, an export)', () => {
    setLocale('en')
    const t = i18n.global.t
    expect(t('console.cases.total', { n: 1 }, 1)).toBe('1 case')
    expect(t('console.cases.total', { n: 0 }, 0)).toBe('0 cases')
    expect(t('console.cases.total', { n: '10000+' }, 2)).toBe('10000+ cases')
    expect(t('console.cases.exported', { n: 1 }, 1)).toBe('Exported 1 case')
  })

  it('and in Chinese in its one form', () => {
    setLocale('zh-CN')
    expect(text(1)).toBe('剩 1 个工作日')
    expect(text(3)).toBe('剩 3 个工作日')
    expect(text(-12)).toBe('逾期 12 个工作日')
  })
})
