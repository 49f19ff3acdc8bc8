import { describe, expect, it } from 'vitest'
import { computed, nextTick, ref } from 'vue'
import { usePage } from '@/composables/usePage'

describe('usePage', () => {
  it('shows a page of the list and goes back to the first when the list changes', async () => {
    const all = ref(Array.from({ length: 45 }, (_, i) => i))
    const q = ref('')
    const rows = computed(() => all.value.filter((n) => String(n).includes(q.value)))
    const { page, pageSize, shown } = usePage(rows, 20)
    expect(pageSize).toBe(20)
    expect(shown.value).toEqual(Array.from({ length: 20 }, (_, i) => i))
    page.value = 3
    expect(shown.value).toEqual([40, 41, 42, 43, 44])
    q.value = '4'  // a search: 4, 14, 24, 34, 40–44
    await nextTick()
    expect(page.value).toBe(1)
    expect(shown.value).toEqual([4, 14, 24, 34, 40, 41, 42, 43, 44])
  })
})
