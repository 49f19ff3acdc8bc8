import { describe, expect, it } from 'vitest'
import { defineComponent, h } from 'vue'
import { mount } from '@vue/test-utils'
import { i18n, setLocale } from '@/i18n'
import { useLabels } from '@/composables/useLabels'
import Said from '@/components/Said.vue'

// The labels of the server's codes as a page gets them: in English from the locale, in Chinese the server's own.
function labels(locale: 'en' | 'zh-CN') {
  setLocale(locale)
  let got: ReturnType<typeof useLabels> | undefined
  mount(defineComponent({ setup: () => ((got = useLabels()), () => h('div')) }), { global: { plugins: [i18n] } })
  return got!
}

describe('labels of server codes', () => {
  it('word timeline events in English, the reporter\'s acts included, and keep the server\'s Chinese', () => {
    const en = labels('en')
    expect(en.event('case.registered', '登记')).toBe('Registered')
    expect(en.event('case.sign', '签收')).toBe('Sign for')
    expect(en.event('case.public_request_review', '反映人申请复查')).toBe('Reporter: Ask for a review')
    expect(en.event('case.unknown_kind', '某事')).toBe('某事')
    expect(labels('zh-CN').event('case.sign', '签收')).toBe('签收')
  })

  it('word sampling reasons, bulletin columns, quarters and admission rules', () => {
    const en = labels('en')
    expect(en.sampled('weighted', 1.333, '随机抽中（…）')).toContain('1.33×')
    expect(en.sampled(undefined, undefined, '随机抽中')).toBe('随机抽中')
    expect(en.bulletinColumn('on_time', '按期办结')).toBe('Done on time')
    expect(en.quarter('2026-04-01')).toBe('Q2')
    expect(en.admissionRule('large_class', '大班额')).toBe('Oversized class')
    const zh = labels('zh-CN')
    expect(zh.quarter('2026-10-01')).toBe('第四季度')
    expect(zh.admissionRule('large_class', '大班额')).toBe('大班额')
  })
})

describe('Said', () => {
  it('marks the data in a sentence and only the data', () => {
    setLocale('en')
    const w = mount(Said, { props: { keypath: 'console.duty.signedBy', data: { name: '陈静' }, values: { at: '2026-07-01 09:00' } }, global: { plugins: [i18n] } })
    expect(w.text()).toBe('Signed by 陈静 at 2026-07-01 09:00')
    expect(w.findAll('[translate=no]').map((e) => e.text())).toEqual(['陈静'])
  })
})
