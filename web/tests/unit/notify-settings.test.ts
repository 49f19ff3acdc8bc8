import { describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { i18n } from '@/i18n'

// The saved choices come from the server: a prefs request the test answers when it wants.
let answer: (p: unknown) => void = () => undefined
vi.mock('@/api/notify', () => ({
  notifyApi: { prefs: () => new Promise((ok) => (answer = ok)), savePrefs: vi.fn() },
}))
const { default: NotifySettings } = await import('@/components/NotifySettings.vue')

describe('notification settings', () => {
  it('cannot be changed before the saved choices are read, which would replace what was typed', async () => {
    const w = mount(NotifySettings, { props: { modelValue: true }, global: { plugins: [i18n] }, attachTo: document.body })
    await flushPromises()
    const email = () => document.body.querySelector<HTMLInputElement>('input[data-test=notify-email]')!
    const save = () => document.body.querySelector<HTMLButtonElement>('[data-test=notify-save]')!
    expect(email().disabled).toBe(true)
    expect(save().disabled).toBe(true)
    answer({ email: 'saved@jyj.example', locale: 'zh-CN', groups: ['cases'], all_groups: ['cases', 'cards'] })
    await flushPromises()
    expect(email().disabled).toBe(false)
    expect(save().disabled).toBe(false)
    expect(email().value).toBe('saved@jyj.example')
    w.unmount()
  })
})
