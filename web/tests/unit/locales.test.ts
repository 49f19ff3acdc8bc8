import { describe, expect, it } from 'vitest'
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
  it('English labels exist for the vocabulary the server names in Chinese', () => {
    expect(Object.keys(enConsole.vocab.category).sort()).toEqual(['admission', 'discipline', 'ethics', 'exam', 'fees', 'other', 'safety', 'tutoring'])
    expect(Object.keys(enConsole.vocab.channel)).toHaveLength(11)
  })
})
