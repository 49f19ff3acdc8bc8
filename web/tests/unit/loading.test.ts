import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { defineComponent, h, nextTick, ref, withDirectives } from 'vue'
import { vLoading } from '@/directives/loading'

describe('v-loading', () => {
  it('marks the element busy while its value holds, whatever else re-renders it', async () => {
    const busy = ref(true)
    const shade = ref('a')
    // The directive as a template applies it, on an element whose class binding changes while it loads.
    const w = mount(defineComponent({ setup: () => () => withDirectives(h('section', { class: shade.value }), [[vLoading, busy.value]]) }))
    const el = w.find('section').element
    expect(el.hasAttribute('data-qf-loading')).toBe(true)
    expect(el.getAttribute('aria-busy')).toBe('true')
    shade.value = 'b'
    await nextTick()
    expect(el.hasAttribute('data-qf-loading')).toBe(true)
    busy.value = false
    await nextTick()
    expect(el.hasAttribute('data-qf-loading')).toBe(false)
    expect(el.hasAttribute('aria-busy')).toBe(false)
  })
})
