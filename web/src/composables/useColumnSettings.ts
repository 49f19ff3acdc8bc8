// Which of a table's optional columns a staff member shows, per account, in this browser (like saved filters);
// columns added in a later release show until the person hides them.
import { computed, ref, watch } from 'vue'

export function useColumnSettings(table: string, username: string, optional: readonly string[], hiddenByDefault: readonly string[] = []) {
  const key = `qf.columns.${table}.${username}`
  const read = (): string[] => {
    try {
      const v = JSON.parse(localStorage.getItem(key) ?? 'null')
      return Array.isArray(v) ? v.filter((c) => typeof c === 'string') : [...hiddenByDefault]
    } catch {
      return [...hiddenByDefault]
    }
  }
  const hidden = ref<string[]>(read())
  watch(hidden, (v) => localStorage.setItem(key, JSON.stringify(v)), { deep: true })
  const shown = computed(() => optional.filter((c) => !hidden.value.includes(c)))
  function set(columns: string[]): void {
    hidden.value = optional.filter((c) => !columns.includes(c))
  }
  function reset(): void {
    hidden.value = [...hiddenByDefault]
  }
  return { shown, set, reset }
}
