import { afterEach, describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { i18n, setLocale } from '@/i18n'
import { ApiError, messageParts, type FieldError } from '@/api/request'
import ImportProblemText from '@/components/ImportProblemText.vue'

// An import's problems as the server sends them (server/common/table_file.h AtRow): Chinese field and message, the
// row and column apart, the rule and its values.
const unknown: FieldError = { field: '第4行 问题分类', message: '未知分类：乱收费', rule: 'unknown_value', args: ['乱收费'], row: 4, column: '问题分类' }
const unit: FieldError = { field: '第4行 涉及单位', message: '找不到单位：瑶海实验学校（相近：瑶海区实验中学）', rule: 'unit_unknown', args: ['瑶海实验学校', '瑶海区实验中学'], row: 4, column: '涉及单位' }
const late: FieldError = { field: '第2行 受理时间', message: '受理时间早于30天前，须说明补录原因', rule: 'code', args: ['case.backdated'], row: 2, column: '受理时间' }
const title: FieldError = { field: '第1行', message: '表头上方的标题行，未导入', rule: 'title_row', args: [], row: 1 }
const unworded: FieldError = { field: '第3行 第2列（身份证号）', message: '身份证号校验位不对', row: 3, column: '身份证号' }

afterEach(() => setLocale('zh-CN'))

describe('import problems', () => {
  it('are worded in English from their rules, the values from the file kept apart as data', () => {
    setLocale('en')
    expect(messageParts(unknown)).toEqual({ worded: true, parts: [{ text: 'Not a known value: ', data: false }, { text: '乱收费', data: true }] })
    expect(messageParts(unit).parts.filter((p) => p.data).map((p) => p.text)).toEqual(['瑶海实验学校', '瑶海区实验中学'])
    expect(messageParts({ ...unit, args: ['瑶海实验学校', ''] }).parts.map((p) => p.text).join('')).toBe('No unit is named 瑶海实验学校')
    expect(messageParts(late).parts.map((p) => p.text).join('')).toMatch(/entered late/)
    expect(messageParts(unworded)).toEqual({ worded: false, parts: [{ text: '身份证号校验位不对', data: false }] })
  })

  it('are the server\'s Chinese in Chinese', () => {
    setLocale('zh-CN')
    expect(messageParts(unknown)).toEqual({ worded: false, parts: [{ text: '未知分类：乱收费', data: false }] })
  })

  it('say where by row and column, the column marked as data, and mark what has no English wording', () => {
    setLocale('en')
    const line = (p: FieldError) => {
      const where = mount(ImportProblemText, { props: { problem: p, part: 'where' }, global: { plugins: [i18n] } })
      const what = mount(ImportProblemText, { props: { problem: p, part: 'what' }, global: { plugins: [i18n] } })
      return { text: `${where.text()}: ${what.text()}`, data: [...where.findAll('[translate=no]'), ...what.findAll('[translate=no]')].map((x) => x.text()), server: what.find('.qf-server-detail').exists() }
    }
    expect(line(unknown)).toEqual({ text: 'Row 4, 问题分类: Not a known value: 乱收费', data: ['问题分类', '乱收费'], server: false })
    expect(line(title)).toEqual({ text: 'Row 1: A title row above the header: not imported', data: [], server: false })
    expect(line(unworded)).toEqual({ text: 'Row 3, 身份证号: 身份证号校验位不对', data: ['身份证号'], server: true })
  })

  it('sum a problem up in one line in the UI\'s language, for pages that show it in one place', () => {
    const problem = { title: '请求参数有误', status: 400, detail: '督办信息有误', code: 'x.unworded', errors: [{ field: 'due_working_days', message: '必填', rule: 'required' }] }
    setLocale('zh-CN')
    expect(new ApiError(problem).summary(true)).toBe('督办信息有误；due_working_days：必填')
    setLocale('en')
    expect(new ApiError(problem).summary(true)).toMatch(/; due_working_days: Required$/)
    expect(new ApiError(problem).summary()).toMatch(/; Required$/)
  })
})
