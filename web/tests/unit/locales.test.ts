import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import zhCommon from '@/locales/zh-CN/common.json'
import zhPortal from '@/locales/zh-CN/portal.json'
import zhConsole from '@/locales/zh-CN/console.json'
import enCommon from '@/locales/en/common.json'
import enPortal from '@/locales/en/portal.json'
import enConsole from '@/locales/en/console.json'

// Every key path with the shape of its value (arrays by length), so a string missing in one language fails.
function keys(v: unknown, prefix = ''): string[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => keys(x, `${prefix}[${i}]`))
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => keys(x, prefix ? `${prefix}.${k}` : k))
  return [prefix]
}

describe('locales', () => {
  const pairs: [string, unknown, unknown][] = [
    ['common', zhCommon, enCommon], ['portal', zhPortal, enPortal], ['console', zhConsole, enConsole],
  ]
  for (const [name, zh, en] of pairs) {
    it(`${name}: Chinese and English have the same keys`, () => {
      const a = keys(zh).sort()
      // English only: the vocabulary and the problems the server words in Chinese (by code and by field rule).
      const b = keys(en).filter((k) => !k.startsWith('vocab.') && !k.startsWith('error.')).sort()
      expect(b).toEqual(a)
    })
  }
  // vue-i18n reads { } @ | $ % in a message as its syntax and throws where one cannot be read (an "@" before a word is
  // a link to another message): each message is shown once here as the app shows it, in its language.
  it('every message can be shown', () => {
    const messages = { 'zh-CN': { ...zhCommon, portal: zhPortal, console: zhConsole }, en: { ...enCommon, portal: enPortal, console: enConsole } }
    for (const locale of ['zh-CN', 'en'] as const) {
      const { t } = createI18n({ legacy: false, locale, messages, missingWarn: false, fallbackWarn: false }).global
      const broken = keys(messages[locale]).filter((k) => !k.includes('[')).filter((k) => {
        try { return typeof t(k, { n: 2 }) !== 'string' } catch { return true }
      })
      expect(broken, locale).toEqual([])
    }
    expect(createI18n({ legacy: false, locale: 'en', messages }).global.t('error.rule.formula_text')).toMatch(/^Begins with = \+ - or @ and/)
  })
  it('English labels exist for the vocabulary the server names in Chinese', () => {
    expect(Object.keys(enConsole.vocab.category).sort()).toEqual(['admission', 'discipline', 'ethics', 'exam', 'fees', 'other', 'safety', 'tutoring'])
    expect(Object.keys(enConsole.vocab.channel)).toHaveLength(11)
  })
})
