// Categories and channels with their labels, fetched once from the server (the server owns the vocabulary).
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { publicApi, type Term } from '@/api/cases'
import { orgApi } from '@/api/org'

export const useVocabulary = defineStore('vocabulary', () => {
  const categories = ref<Term[]>([])
  const channels = ref<Term[]>([])
  let loading: Promise<void> | null = null

  function load(): Promise<void> {
    if (!loading) {
      loading = publicApi.vocabulary().then(
        (v) => {
          categories.value = v.categories
          channels.value = v.channels
        },
        (e) => {
          loading = null
          throw e
        },
      )
    }
    return loading
  }
  const label = (list: Term[], code: string) => list.find((t) => t.code === code)?.label ?? code

  // Districts, from the district bureaus in the org tree (staff only).
  const districts = ref<string[]>([])
  async function loadDistricts(): Promise<void> {
    if (districts.value.length) return
    const r = await orgApi.units({ kind: 'district_bureau', limit: 100 })
    districts.value = [...new Set(r.items.map((u) => u.district).filter(Boolean))]
  }
  return { categories, channels, districts, load, loadDistricts, label }
})

// The states of a case as the server names them (server/cases/lifecycle.h); labels in locales/*/common.json.
export const caseStates: string[] = [
  'registered', 'accepted', 'declined', 'dispatched', 'return_requested', 'signed', 'verified', 'proposed', 'approved',
  'replied', 'revisited', 'closed', 'review_requested', 'reviewed', 'rereview_requested', 'final', 'merged',
]
