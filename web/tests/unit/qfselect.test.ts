import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { defineComponent, nextTick, ref } from 'vue'
import { ElForm, ElFormItem, ElOption } from 'element-plus/es'
import QfSelect from '@/components/QfSelect.vue'

// A form item with one select of three options, as the pages write it.
function page(initial: number | null = null) {
  const chosen = ref<number | null>(initial)
  const changed: unknown[] = []
  const Page = defineComponent({
    components: { ElForm, ElFormItem, ElOption, QfSelect },
    setup: () => ({ chosen, changed, options: [{ v: 1, l: '瑶海区' }, { v: 2, l: '庐阳区' }, { v: 3, l: '蜀山区' }] }),
    template: `<el-form><el-form-item label="区县">
      <qf-select v-model="chosen" class="w-sel" data-test="district" translate="no" clearable @change="(v) => changed.push(v)">
        <el-option v-for="o in options" :key="o.v" :value="o.v" :label="o.l" />
      </qf-select>
    </el-form-item></el-form>`,
  })
  return { w: mount(Page, { attachTo: document.body }), chosen, changed }
}
const labelFor = (w: ReturnType<typeof mount>) => w.find('label.el-form-item__label').attributes('for')

describe('QfSelect', () => {
  it('draws a closed select as Element marks it up, with the chosen label, and no Element select until used', async () => {
    const { w, chosen } = page(2)
    await nextTick()
    const root = w.find('[data-test=district]')
    expect(root.classes()).toEqual(expect.arrayContaining(['el-select', 'w-sel']))
    expect(root.attributes('translate')).toBe('no')
    expect(root.find('.el-select__placeholder').text()).toBe('庐阳区')
    expect(root.find('.el-select__placeholder').classes()).not.toContain('is-transparent')
    expect(w.find('.el-tooltip__trigger').exists()).toBe(false)
    // The form item's label names the stand-in's input.
    const input = root.find('input[role=combobox]')
    expect(labelFor(w)).toBe(input.attributes('id'))
    chosen.value = null
    await nextTick()
    expect(w.find('.el-select__placeholder').classes()).toContain('is-transparent')
    w.unmount()
  })

  it('becomes Element’s select when pointed at, which then chooses, reports the change and keeps the label', async () => {
    const { w, chosen, changed } = page(1)
    await nextTick()
    const id = w.find('input[role=combobox]').attributes('id')
    await w.find('[data-test=district]').trigger('pointerenter')
    await nextTick()
    const select = w.find('[data-test=district]')
    expect(select.find('.el-tooltip__trigger').exists()).toBe(true)
    expect(select.find('.el-select__placeholder').text()).toBe('瑶海区')
    // The select took over the input's id, so the label still names it (one input in the item, not two).
    expect(select.find('input[role=combobox]').attributes('id')).toBe(id)
    expect(labelFor(w)).toBe(id)
    await select.find('.el-select__wrapper').trigger('click')
    await nextTick()
    const option = [...document.querySelectorAll('.el-select-dropdown__item')].find((e) => e.textContent === '蜀山区') as HTMLElement
    option.click()
    await nextTick()
    expect(chosen.value).toBe(3)
    expect(changed).toEqual([3])
    w.unmount()
  })

  it('takes focus from the keyboard and hands it to Element’s input', async () => {
    const { w } = page()
    await nextTick()
    ;(w.find('input[role=combobox]').element as HTMLInputElement).focus()
    await nextTick()
    await nextTick()
    expect(w.find('.el-tooltip__trigger').exists()).toBe(true)
    expect(document.activeElement).toBe(w.find('input[role=combobox]').element)
    w.unmount()
  })
})
