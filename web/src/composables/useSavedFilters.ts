// Named case-list filters a staff member keeps, per account, in this browser.
import { ref, watch } from 'vue'
import type { CaseFilter } from '@/api/cases'

export interface SavedFilter {
  name: string
  filter: CaseFilter
}

export function useSavedFilters(username: string) {
  const key = `qf.filters.${username}`
  const read = (): SavedFilter[] => {
    try {
      const v = JSON.parse(localStorage.getItem(key) ?? '[]')
      return Array.isArray(v) ? v.filter((f) => f && typeof f.name === 'string' && typeof f.filter === 'object') : []
    } catch {
      return []
    }
  }
  const saved = ref<SavedFilter[]>(read())
  watch(saved, (v) => localStorage.setItem(key, JSON.stringify(v)), { deep: true })

  function save(name: string, filter: CaseFilter): void {
    const clean = Object.fromEntries(
      Object.entries(filter).filter(([, v]) => v !== undefined && v !== '' && v !== false && v !== null),
    ) as CaseFilter
    saved.value = [...saved.value.filter((f) => f.name !== name), { name, filter: clean }]
  }
  function remove(name: string): void {
    saved.value = saved.value.filter((f) => f.name !== name)
  }
  return { saved, save, remove }
}
