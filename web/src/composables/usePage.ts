// A list the server sent whole, shown a page at a time (a table of hundreds of rows drawn at once takes most of a
// second): the page's rows and the pager's state, back on the first page whenever the list changes (another search,
// filter or load).
import { computed, ref, watch, type Ref } from 'vue'

export function usePage<T>(rows: Readonly<Ref<readonly T[]>>, size: number) {
  const page = ref(1)
  watch(rows, () => (page.value = 1))
  const shown = computed(() => rows.value.slice((page.value - 1) * size, page.value * size))
  return { page, pageSize: size, shown }
}
