import { describe, expect, it } from 'vitest'
import enCommon from '@/locales/en/common.json'
import enPortal from '@/locales/en/portal.json'
import enConsole from '@/locales/en/console.json'

// English counts: a number before a plural noun reads "1 schools" when the number is one. Such a message has its
// singular and plural forms ("{n} school | {n} schools", chosen by the count its caller passes) or is worded without
// a plural after its numbers ("Schools: {n}").
const messages: Record<string, unknown> = { ...enCommon, portal: enPortal, console: enConsole }
function entries(v: unknown, prefix = ''): [string, string][] {
  if (typeof v === 'string') return [[prefix, v]]
  if (v && typeof v === 'object' && !Array.isArray(v)) return Object.entries(v).flatMap(([k, x]) => entries(x, prefix ? `${prefix}.${k}` : k))
  return []
}
const all = new Map(entries(messages))

// Words after a number that are not plural nouns (verbs, "this", "times" after a ratio).
const notPlural = new Set(['this', 'is', 'has', 'as', 'was', 'does', 'its', 'pass', 'breaks', 'declines', 'times', 'across', 'less', 'unless'])
// Numbers that are never one, so that their plural always reads right.
const neverOne: Record<string, string> = {
  'console.dashboard.delta.pct': 'a change shown with one decimal',
  'console.dashboard.delta.days': 'a change shown with one decimal',
  'console.duty.issue': 'a year',
  'portal.submit.tooLong': "a field's length limit",
  'portal.submit.attachTooMany': 'the limit of attachments',
  'error.rule.max_chars': "a field's length limit",
  'error.rule.min_chars': "a field's length limit",
  'error.rule.required_max': "a field's length limit",
}

// Of the one or two words after each placeholder ("{n} active questions"), those that end like a plural noun.
function pluralsAfterNumbers(text: string): string[] {
  const found: string[] = []
  for (const m of text.matchAll(/\{\w+\}((?: [a-z-]+){1,2})/g)) {
    for (const w of m[1].trim().split(' ')) if (w.length > 2 && w.endsWith('s') && !notPlural.has(w)) found.push(w)
  }
  return found
}

// Each t('key', …) call in the app's source: how many arguments it passes at the top level, and whether the second
// is the named values (t(key, { n }) passes no count; t(key, n) passes it alone).
const sources = import.meta.glob('/src/**/*.{vue,ts}', { query: '?raw', import: 'default', eager: true }) as Record<string, string>
function calls(): { file: string; key: string; args: number; named: boolean }[] {
  const out: { file: string; key: string; args: number; named: boolean }[] = []
  for (const [file, text] of Object.entries(sources)) {
    for (const m of text.matchAll(/\bt\('([\w.]+)'/g)) {
      let depth = 0, args = 1, quote = ''
      for (let i = m.index! + 2; i < text.length; i++) {
        const ch = text[i]
        if (quote) { if (ch === '\\') i++; else if (ch === quote) quote = ''; continue }
        if (ch === "'" || ch === '"' || ch === '`') quote = ch
        else if ('({['.includes(ch)) depth++
        else if (')}]'.includes(ch)) { if (depth === 0) break; depth-- }
        else if (ch === ',' && depth === 0) args++
      }
      out.push({ file, key: m[1], args, named: /^\s*,\s*\{/.test(text.slice(m.index! + m[0].length)) })
    }
  }
  return out
}

describe('English counts', () => {
  it('no message puts a plural noun after a number without its singular form', () => {
    const wrong = [...all].filter(([k, v]) => !v.includes(' | ') && !(k in neverOne) && pluralsAfterNumbers(v).length)
      .map(([k, v]) => `${k}: ${v}`)
    expect(wrong).toEqual([])
  })

  it('the check finds one', () => {
    expect(pluralsAfterNumbers('{n} rows pass')).toEqual(['rows'])
    expect(pluralsAfterNumbers('{n} active questions in the bank')).toEqual(['questions'])
    expect(pluralsAfterNumbers('Rows: {n}')).toEqual([])
  })

  it('every call of a message with plural forms passes the count that chooses one', () => {
    const found = calls()
    expect(found.length).toBeGreaterThan(500)  // the scan reads the app's calls
    const wrong = found.filter((c) => all.get(c.key)?.includes(' | ') && c.named && c.args < 3).map((c) => `${c.file}: ${c.key}`)
    expect(wrong).toEqual([])
  })
})
