import { describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import CaseTable from '@/views/console/cases/CaseTable.vue'
import { i18n } from '@/i18n'
import type { CaseRow } from '@/api/cases'

const row = (id: number, title: string): CaseRow => ({
  id, receipt: `QF-2026-${id}`, channel: 'platform_12345', channel_label: '12345', category: 'fees', category_label: '教育收费',
  state: 'dispatched', state_label: '已交办', title, received_at: '2026-11-02T01:00:00Z', district: '瑶海区', handling_unit_id: 3,
  handling_unit: '瑶海区教育体育局', concerned_unit: '瑶海区实验小学', restricted: false, due_on: '2026-11-20', working_days_left: 4,
  deadline_colour: 'green',
})

async function table(rows = [row(7, '违规收取资料费'), row(9, '周末有偿补课')]) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/console/cases', component: { render: () => null } }, { path: '/console/cases/:id', name: 'case', component: { render: () => null } }],
  })
  await router.push('/console/cases')
  const w = mount(CaseTable, {
    props: { rows, loading: false, selectable: true },
    global: { plugins: [i18n, router, createPinia()] },
  })
  return { w, router }
}

describe('CaseTable', () => {
  it('selects rows with their checkboxes, and all of them (or none) from the header', async () => {
    const { w } = await table()
    const boxes = w.findAll('input.el-checkbox__original')
    expect(boxes).toHaveLength(3)
    await boxes[2].setValue(true)
    expect(w.emitted('select')!.at(-1)![0]).toEqual([expect.objectContaining({ id: 9 })])
    const head = boxes[0].element as HTMLInputElement
    expect(head.indeterminate).toBe(true)
    expect(w.findAll('tbody label.el-checkbox')[1].classes()).toContain('is-checked')
    await boxes[0].setValue(true)
    expect((w.emitted('select')!.at(-1)![0] as CaseRow[]).map((r) => r.id)).toEqual([7, 9])
    expect(head.indeterminate).toBe(false)
    expect(w.findAll('tbody .el-checkbox__input.is-checked')).toHaveLength(2)
    await boxes[0].setValue(false)
    expect(w.emitted('select')!.at(-1)![0]).toEqual([])
  })

  it('draws its first long page in two steps: the rows the window can show, then the rest when the browser is idle', async () => {
    const many = Array.from({ length: 60 }, (_, i) => row(i + 1, `第${i + 1}件`))
    const { w } = await table(many)
    const atOnce = Math.ceil(window.innerHeight / 40)
    expect(atOnce).toBeLessThan(60)
    expect(w.findAll('[data-test=case-link]')).toHaveLength(atOnce)
    await vi.waitFor(() => expect(w.findAll('[data-test=case-link]')).toHaveLength(60))
    // Rows that replace others (another page, size or sort) are drawn whole.
    await w.setProps({ rows: many.slice(0, 50).reverse() })
    expect(w.findAll('[data-test=case-link]')).toHaveLength(50)
    expect(w.find('[data-test=case-link]').text()).toBe('第50件')
    // After an empty list (a filter that found nothing), the first rows again come in two steps; selecting all takes
    // every row, drawn or not.
    await w.setProps({ rows: [] })
    await w.setProps({ rows: many })
    expect(w.findAll('[data-test=case-link]')).toHaveLength(atOnce)
    await w.findAll('input.el-checkbox__original')[0].setValue(true)
    expect(w.emitted('select')!.at(-1)![0]).toHaveLength(60)
    await vi.waitFor(() => expect(w.findAll('[data-test=case-link]')).toHaveLength(60))
  })

  it('links each title to its case: a plain click opens it in the app, a Ctrl-click is left to the browser', async () => {
    const { w, router } = await table()
    const link = w.findAll('[data-test=case-link]')[1]
    expect(link.attributes('href')).toBe('/console/cases/9')
    // Whether the app left the click to the browser (then stopped here, so that jsdom, which cannot, does not navigate).
    let left = false
    link.element.addEventListener('click', (e) => { left = !e.defaultPrevented; e.preventDefault() })
    link.element.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, ctrlKey: true }))
    expect(left).toBe(true)
    expect(router.currentRoute.value.fullPath).toBe('/console/cases')
    await link.trigger('click')
    await new Promise((r) => setTimeout(r))
    expect(router.currentRoute.value.fullPath).toBe('/console/cases/9')
  })
})
