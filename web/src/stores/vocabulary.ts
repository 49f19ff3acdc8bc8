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

// The states of a case with their labels, as the server names them (server/cases/lifecycle.h).
export const caseStates: { code: string; zh: string; en: string }[] = [
  { code: 'registered', zh: '已登记', en: 'Registered' },
  { code: 'accepted', zh: '已受理', en: 'Accepted' },
  { code: 'declined', zh: '不予受理', en: 'Declined' },
  { code: 'dispatched', zh: '已交办', en: 'Dispatched' },
  { code: 'return_requested', zh: '退回申请中', en: 'Return requested' },
  { code: 'signed', zh: '办理中', en: 'In hand' },
  { code: 'verified', zh: '已核查', en: 'Verified' },
  { code: 'proposed', zh: '处理意见待审核', en: 'Proposal pending' },
  { code: 'approved', zh: '处理意见已审核', en: 'Proposal approved' },
  { code: 'replied', zh: '已答复', en: 'Replied' },
  { code: 'revisited', zh: '已回访', en: 'Revisited' },
  { code: 'closed', zh: '已办结', en: 'Closed' },
  { code: 'review_requested', zh: '复查申请中', en: 'Review requested' },
  { code: 'reviewed', zh: '已复查', en: 'Reviewed' },
  { code: 'rereview_requested', zh: '复核申请中', en: 'Second review requested' },
  { code: 'final', zh: '复核终结', en: 'Final' },
  { code: 'merged', zh: '已并案', en: 'Merged' },
]
