import { afterEach, describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { i18n, setLocale } from '@/i18n'
import DeadlineTag from '@/components/DeadlineTag.vue'

const text = (left: number) =>
  mount(DeadlineTag, { props: { colour: 'green', due: '2026-12-08', left }, global: { plugins: [i18n] } }).text()

afterEach(() => setLocale('zh-CN'))

describe('a deadline as the console shows it', () => {
  it('counts working days in English in the singular and the plural', () => {
    setLocale('en')
    expect(text(1)).toBe('1 working day left')
    expect(text(3)).toBe('3 working days left')
    expect(text(-1)).toBe('1 working day overdue')
    expect(text(-12)).toBe('12 working days overdue')
    expect(text(0)).not.toContain('working day')
  })

  it('and in Chinese in the one form', () => {
    setLocale('zh-CN')
    expect(text(1)).toBe('剩 1 个工作日')
    expect(text(3)).toBe('剩 3 个工作日')
    expect(text(-12)).toBe('逾期 12 个工作日')
  })
})
