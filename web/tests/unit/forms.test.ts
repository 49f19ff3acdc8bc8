import { beforeEach, describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import { actionBody, missingFields } from '@/views/console/cases/actions'
import { draftKey, emptyForm, formFieldOf, hasTyped, keepDraft, readDraft, toNewCase } from '@/views/portal/submit/composables'
import { useSavedFilters } from '@/composables/useSavedFilters'

describe('submission form', () => {
  it('sends no identity when anonymous, even if typed before switching', () => {
    const f = { ...emptyForm(), category: 'fees', title: ' 收费 ', content: ' 内容 ', name: '张三', phone: '13800000000', anonymous: true }
    const c = toNewCase(f, [])
    expect(c).toEqual({ category: 'fees', title: '收费', content: '内容', anonymous: true })
  })
  it('sends the identity and the unit when named; leadership only with a unit', () => {
    const f = { ...emptyForm(), category: 'fees', title: 't', content: 'c', anonymous: false, name: '张三', phone: '13800000000', unit: 7, leadership: true }
    const c = toNewCase(f, [{ name: 'a.jpg', content_base64: 'AA==' }])
    expect(c.reporter).toEqual({ name: '张三', phone: '13800000000' })
    expect(c.concerned_unit_id).toBe(7)
    expect(c.leadership_accused).toBe(true)
    expect(c.attachments).toHaveLength(1)
    expect(toNewCase({ ...f, unit: undefined }, []).leadership_accused).toBeUndefined()
    expect(toNewCase({ ...f, notify: true }, []).reporter).toEqual({ name: '张三', phone: '13800000000', notify: true })
    expect(toNewCase({ ...f, anonymous: true, notify: true }, []).reporter).toBeUndefined()
  })
  it('keeps a draft on the device without the identity, and drops it when nothing is typed', () => {
    const store = new Map<string, string>()
    const storage = {
      getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v),
      removeItem: (k: string) => void store.delete(k),
    } as unknown as Storage
    const f = { ...emptyForm(), category: 'fees', title: '收费', content: '学校收资料费', anonymous: false, name: '张三', phone: '13800000000', address: '某小区', unit: 7 }
    keepDraft(storage, f, { id: 7, name: '合肥市第七中学', district: '瑶海区' })
    const kept = store.get(draftKey) ?? ''
    expect(kept).not.toContain('张三')
    expect(kept).not.toContain('13800000000')
    expect(kept).not.toContain('某小区')
    expect(readDraft(storage)).toEqual({ category: 'fees', unit: { id: 7, name: '合肥市第七中学', district: '瑶海区' }, leadership: false, title: '收费', content: '学校收资料费', occurredOn: '' })
    // A unit picked but not among the options known is left out rather than kept without its name.
    keepDraft(storage, { ...f, unit: 8 }, { id: 7, name: '合肥市第七中学', district: '瑶海区' })
    expect(readDraft(storage)?.unit).toBeUndefined()
    keepDraft(storage, { ...f, title: ' ', content: '' })
    expect(hasTyped({ ...f, title: ' ', content: '' })).toBe(false)
    expect(readDraft(storage)).toBeNull()
    store.set(draftKey, '{not json')
    expect(readDraft(storage)).toBeNull()
  })
  it('maps the server field names onto the form', () => {
    expect(formFieldOf('reporter.phone')).toBe('phone')
    expect(formFieldOf('attachments[2].content_base64')).toBe('attachments')
    expect(formFieldOf('title')).toBe('title')
  })
})

describe('case actions', () => {
  // Forms as the server offers them with the case (server/cases/commands.cc).
  const dispatch = { fields: [{ name: 'unit_id', kind: 'unit', required: false }, { name: 'note', kind: 'textarea', required: false },
    { name: 'redact', kind: 'lines', required: false }] } as const
  const propose = { fields: [{ name: 'outcome', kind: 'outcome', required: true }, { name: 'proposal', kind: 'textarea', required: true }] } as const
  const realName = { fields: [{ name: 'verified', kind: 'bool', required: true }, { name: 'note', kind: 'textarea', required: false }] } as const
  const decline = { fields: [{ name: 'reason', kind: 'textarea', required: true }, { name: 'final_case_id', kind: 'case', required: false }] } as const
  it('builds bodies with the version, trimmed text, split lines and no empty optionals', () => {
    expect(actionBody({ fields: [...dispatch.fields] }, { unit_id: 26, note: '  ', redact: '张三\n\n 13800000000 ' }, 4)).toEqual({
      version: 4, unit_id: 26, redact: ['张三', '13800000000'],
    })
    expect(actionBody({ fields: [...propose.fields] }, { outcome: 'support', proposal: ' 退费 ' }, 2)).toEqual({ version: 2, outcome: 'support', proposal: '退费' })
    expect(actionBody({ fields: [...realName.fields] }, { verified: false }, 1)).toEqual({ version: 1, verified: false })
  })
  it('names the missing required fields', () => {
    expect(missingFields({ fields: [...decline.fields] }, { reason: '  ' })).toEqual(['reason'])
    expect(missingFields({ fields: [...propose.fields] }, { outcome: 'explain' })).toEqual(['proposal'])
    expect(missingFields({ fields: [] }, {})).toEqual([])
  })
})

describe('saved filters', () => {
  beforeEach(() => localStorage.clear())
  it('keeps filters per account, replacing by name, without empty values', async () => {
    const a = useSavedFilters('clerk')
    a.save('逾期', { overdue: true, state: '', q: undefined })
    a.save('逾期', { overdue: true, category: 'fees' })
    a.save('补课', { category: 'tutoring' })
    await nextTick()
    expect(JSON.parse(localStorage.getItem('qf.filters.clerk')!)).toEqual([
      { name: '逾期', filter: { overdue: true, category: 'fees' } },
      { name: '补课', filter: { category: 'tutoring' } },
    ])
    expect(useSavedFilters('handler').saved.value).toEqual([])
    a.remove('逾期')
    await nextTick()
    expect(useSavedFilters('clerk').saved.value.map((f) => f.name)).toEqual(['补课'])
  })
  it('ignores a damaged store', () => {
    localStorage.setItem('qf.filters.x', '{not json')
    expect(useSavedFilters('x').saved.value).toEqual([])
    localStorage.setItem('qf.filters.y', JSON.stringify([{ name: 1 }, null, { name: 'ok', filter: {} }]))
    expect(useSavedFilters('y').saved.value).toEqual([{ name: 'ok', filter: {} }])
  })
})
