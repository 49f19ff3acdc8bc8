// The server's vocabulary, fetched once: categories and channels (public), and for staff the case states,
// districts, stages, pools, default terms and limits (GET /api/v1/vocabulary). The server owns all of it.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { publicApi, type Term } from '@/api/cases'
import { vocabularyApi, type StaffVocabulary } from '@/api/vocabulary'

// Loads once; a failure lets the next call try again.
function once(fn: () => Promise<void>): () => Promise<void> {
  let pending: Promise<void> | null = null
  return () => {
    if (!pending) pending = fn().catch((e) => { pending = null; throw e })
    return pending
  }
}

export const useVocabulary = defineStore('vocabulary', () => {
  const categories = ref<Term[]>([])
  const channels = ref<Term[]>([])
  const staff = ref<StaffVocabulary | null>(null)

  const load = once(async () => {
    const v = await publicApi.vocabulary()
    categories.value = v.categories
    channels.value = v.channels
  })
  const loadStaff = once(async () => {
    staff.value = await vocabularyApi.staff()
  })
  const label = (list: Term[], code: string) => list.find((t) => t.code === code)?.label ?? code
  return { categories, channels, staff, load, loadStaff, label }
})
