// The school a complaint's text names, proposed as its concerned unit while the text is typed (the server's unit
// matcher: full, short, district-prefixed and former names). A person confirms it; nothing is chosen for them.
import { ref, watch } from 'vue'
import { publicApi, type NamedUnit } from '@/api/cases'

export function useNamedUnit(text: () => string, chosen: () => number | undefined) {
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
  // The school to offer: the one the text names, unless it is already chosen.
  const offered = () => (proposal.value && proposal.value.id !== chosen() ? proposal.value : null)
  return { offered }
}
