import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import Highlighted from '@/components/Highlighted.vue'

describe('Highlighted', () => {
  it('marks the hits and renders everything else as text', () => {
    const w = mount(Highlighted, { props: { text: '<b>教师</b>周末\u0002补课\u0003，\u0002收费\u0003' } })
    expect(w.findAll('mark').map((m) => m.text())).toEqual(['补课', '收费'])
    expect(w.find('b').exists()).toBe(false)
    expect(w.text()).toBe('<b>教师</b>周末补课，收费')
  })
})
