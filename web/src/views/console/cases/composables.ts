// The case list's state: filters, sort, paging, the request that fetches a page and cancels the one before.
import { reactive, ref } from 'vue'
import { casesApi, type CaseFilter, type CaseRow } from '@/api/cases'
import { ApiError } from '@/api/request'

// A list's filter as it starts: the newest first unless `initial` says otherwise.
const startFilter = (initial: CaseFilter): CaseFilter => ({ sort: 'received_at', order: 'desc', ...initial })
// The first page `useCaseList(initial, pageSize).load()` asks for (a page's `opening`, router/index.ts).
export const firstCasePage = (initial: CaseFilter, pageSize: number) => casesApi.list(startFilter(initial), 0, pageSize)

export function useCaseList(initial: CaseFilter = {}, pageSize = 20) {
  const filter = reactive<CaseFilter>(startFilter(initial))
  const rows = ref<CaseRow[]>([])
  const total = ref(0)
  const capped = ref(false)
  const rankedNewest = ref(false)
  const page = ref(1)
  const size = ref(pageSize)
  const loading = ref(false)
  const error = ref('')
  let inflight: AbortController | null = null

  async function load(): Promise<void> {
    inflight?.abort()
    const mine = new AbortController()
    inflight = mine
    loading.value = true
    error.value = ''
    try {
      const r = await casesApi.list({ ...filter }, (page.value - 1) * size.value, size.value, mine.signal)
      rows.value = r.items
      total.value = r.total
      capped.value = !!r.total_capped
      rankedNewest.value = r.relevance === 'newest'
    } catch (e) {
      if ((e as Error).name === 'AbortError') return
      error.value = e instanceof ApiError ? e.message : String(e)
      rows.value = []
      total.value = 0
    } finally {
      if (inflight === mine) loading.value = false
    }
  }

  // Relevance needs words to rank by; without them the list goes back to the newest first.
  function search(): Promise<void> {
    page.value = 1
    if (!filter.q?.trim() && filter.sort === 'relevance') filter.sort = 'received_at'
    return load()
  }

  function reset(keep: CaseFilter = {}): Promise<void> {
    for (const k of Object.keys(filter) as (keyof CaseFilter)[]) delete filter[k]
    Object.assign(filter, { sort: 'received_at', order: 'desc', ...keep })
    return search()
  }

  function apply(f: CaseFilter): Promise<void> {
    return reset(f)
  }

  // el-table's sort-change: server-side sorting by the column's key.
  function sortBy(prop: string | null, order: 'ascending' | 'descending' | null): Promise<void> {
    const keys: Record<string, CaseFilter['sort']> = { received_at: 'received_at', due_on: 'due_on', state_label: 'state', receipt: 'id' }
    filter.sort = (prop && order && keys[prop]) || 'received_at'
    filter.order = order === 'ascending' ? 'asc' : 'desc'
    return search()
  }

  return { filter, rows, total, capped, rankedNewest, page, size, loading, error, load, search, reset, apply, sortBy }
}

export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}
