import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { createCommentVNode, defineComponent, Fragment, h } from 'vue'
import QfTable from '@/components/QfTable.vue'
import QfColumn from '@/components/QfColumn.vue'
import { i18n } from '@/i18n'

const rows = [
  { id: 1, name: '瑶海区实验中学', unit: { district: '瑶海区' }, n: 3 },
  { id: 2, name: '合肥市第十四中学', unit: { district: '庐阳区' }, n: 0 },
]

// The columns as a template gives them: v-if leaves a comment, v-for a fragment, props in kebab-case.
function table(extra: Record<string, unknown> = {}, showUnit = true) {
  return mount(defineComponent({
    setup: () => () => h(QfTable, { data: rows, 'data-test': 't', ...extra }, () => [
      h(QfColumn, { type: 'index' }),
      h(QfColumn, { prop: 'name', label: '学校', 'min-width': '180', 'class-name': 'qf-data', 'show-overflow-tooltip': '' }),
      showUnit ? h(QfColumn, { prop: 'unit.district', label: '区', width: 90, align: 'center' }) : createCommentVNode('v-if'),
      h(Fragment, ['甲', '乙'].map((k) => h(QfColumn, { key: k, label: k }, { default: ({ row, $index }: { row: typeof rows[0]; $index: number }) => `${k}${row.n}·${$index}` }))),
    ]),
  }), { global: { plugins: [i18n] } })
}

describe('QfTable', () => {
  it('draws the columns in the order written, from props, nested props and slots', () => {
    const w = table()
    expect(w.findAll('th').map((th) => th.text())).toEqual(['#', '学校', '区', '甲', '乙'])
    const cells = w.findAll('tr.el-table__row').map((tr) => tr.findAll('td').map((td) => td.text()))
    expect(cells).toEqual([['1', '瑶海区实验中学', '瑶海区', '甲3·0', '乙3·0'], ['2', '合肥市第十四中学', '庐阳区', '甲0·1', '乙0·1']])
    expect(w.find('[data-test=t]').classes()).toContain('el-table')
    const name = w.findAll('td')[1]
    expect(name.classes()).toContain('qf-data')
    expect(name.find('.cell').attributes('title')).toBe('瑶海区实验中学')
    expect(w.findAll('td')[2].classes()).toContain('is-center')
    // Fixed widths on their columns (the row number's 48 px unless given); the least width of the whole (180 + 80
    // for columns without one) keeps a narrow screen scrolling sideways.
    expect(w.findAll('col').map((c) => c.attributes('style') ?? '')).toEqual(['width: 48px;', '', 'width: 90px;', '', ''])
    expect(w.find('table').attributes('style')).toContain('min-width: 478px')
  })

  it('leaves out a column under v-if', () => {
    expect(table({}, false).findAll('th').map((th) => th.text())).toEqual(['#', '学校', '甲', '乙'])
  })

  it('reports a clicked row, marks it when asked, and says when there are no rows', async () => {
    const clicked: unknown[] = []
    const w = table({ highlightCurrentRow: true, onRowClick: (row: unknown) => clicked.push(row) })
    await w.findAll('tr.el-table__row')[1].trigger('click')
    expect(clicked).toEqual([rows[1]])
    expect(w.findAll('tr.el-table__row')[1].classes()).toContain('qf-clickable')
    expect(table().findAll('tr.qf-clickable')).toHaveLength(0)
    expect(w.findAll('tr.el-table__row')[1].classes()).toContain('current-row')
    const empty = mount(QfTable, { props: { data: [], emptyText: '暂无' }, global: { plugins: [i18n] } })
    expect(empty.find('.el-table__empty-text').text()).toBe('暂无')
  })

  it('opens an expandable row beneath it and sums when asked', async () => {
    const w = mount(defineComponent({
      setup: () => () => h(QfTable, { data: rows, rowKey: 'id', showSummary: true, summaryMethod: () => ['合计', 3] }, () => [
        h(QfColumn, { type: 'expand' }, { default: ({ row }: { row: typeof rows[0] }) => `详情 ${row.name}` }),
        h(QfColumn, { prop: 'n', label: '数' }),
      ]),
    }), { global: { plugins: [i18n] } })
    expect(w.text()).not.toContain('详情')
    await w.findAll('button.el-table__expand-icon')[1].trigger('click')
    expect(w.find('.el-table__expanded-cell').text()).toBe('详情 合肥市第十四中学')
    expect(w.findAll('button.el-table__expand-icon')[1].attributes('aria-expanded')).toBe('true')
    expect(w.findAll('tfoot td').map((td) => td.text())).toEqual(['合计', '3'])
  })
})
