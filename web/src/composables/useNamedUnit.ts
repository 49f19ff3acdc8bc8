// The school a complaint's text names, proposed as its concerned unit while the text is typed (the server's unit
// matcher: full, short, district-prefixed and former names). A person confirms it; nothing is chosen for them.
import { ref, watch, type Ref } from 'vue'
import { publicApi, type NamedUnit } from '@/api/cases'

export function useNamedUnit(text: () => string, chosen: Ref<number | undefined> | (() => number | undefined)) {
  const proposal = ref<NamedUnit | null>(null)
  let timer: ReturnType<typeof setTimeout> | undefined
  let asked = ''
  watch(text, (value) => {
    clearTimeout(timer)
    timer = setTimeout(async () => {
      const t = value.trim()
      if (t.length < 4 || t === asked) return
      asked = t
      try {
        const found = await publicApi.named(t)
        proposal.value = found.school
      } catch {
        proposal.value = null  // a proposal is a help, never a blocker
      }
    }, 600)
  })
  const current = () => (typeof chosen === 'function' ? chosen() : chosen.value)
  const offered = () => (proposal.value && proposal.value.id !== current() ? proposal.value : null)
  return { proposal, offered }
}
