import { afterEach, describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { defineComponent, nextTick, ref } from 'vue'
import QfDialog from '@/components/QfDialog.vue'

// A page with a dialog (or drawer) it opens with v-model, as the pages write them.
function page(tag: 'qf-dialog' | 'qf-dialog drawer') {
  const open = ref(false)
  const opened: number[] = []
  const Page = defineComponent({
    components: { QfDialog },
    setup: () => ({ open, opened }),
    template: `<div><${tag} v-model="open" title="登记核查" data-test="box" @open="opened.push(1)">
      <p class="body">内容</p><template #footer><button class="done" @click="open = false">关闭</button></template>
    </qf-dialog></div>`,
  })
  // Element reports a close from its transition's end: the real transition, not the test library's stand-in.
  return { w: mount(Page, { attachTo: document.body, global: { stubs: { transition: false } } }), open, opened }
}
// Element tells the page it closed once its leaving transition has ended (a frame or two here).
const settle = async () => {
  await nextTick()
  await new Promise((done) => setTimeout(done, 60))
}

describe.each(['qf-dialog', 'qf-dialog drawer'] as const)('%s', (tag) => {
  afterEach(() => {
    document.body.innerHTML = ''
  })

  it('draws nothing until first opened, then opens as Element’s does (its open event) and closes from the page', async () => {
    const { w, open, opened } = page(tag)
    await settle()
    expect(document.querySelector('[data-test=box]')).toBeNull()
    expect(document.querySelector('.el-overlay')).toBeNull()
    open.value = true
    await settle()
    const box = document.querySelector('[data-test=box]') as HTMLElement
    expect(box).not.toBeNull()
    expect(box.querySelector('.body')?.textContent).toBe('内容')
    expect(opened).toEqual([1])
    ;(document.querySelector('.done') as HTMLElement).click()
    await settle()
    expect(open.value).toBe(false)
    open.value = true
    await settle()
    expect(opened).toEqual([1, 1])
    w.unmount()
  })

  it('tells the page when Element closes it (its close button)', async () => {
    const { w, open } = page(tag)
    open.value = true
    await settle()
    ;(document.querySelector(tag === 'qf-dialog' ? '.el-dialog__headerbtn' : '.el-drawer__close-btn') as HTMLElement).click()
    await settle()
    expect(open.value).toBe(false)
    w.unmount()
  })
})
