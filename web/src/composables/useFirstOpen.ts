// A dialog's or drawer's shell drawn only once it is first asked to open: a closed ElDialog or ElDrawer still mounts its
// teleport, transition, overlay and focus trap (2–4 ms each on a page's first draw, most never opened). `drawn` mounts
// the shell closed, and `shown` opens it a tick later, so it opens as Element's always do (its transition, its `open`
// event, its z-index); after that `shown` follows the page's value.
import { nextTick, ref, watch } from 'vue'

export function useFirstOpen(open: () => boolean | undefined) {
  const drawn = ref(false)
  const shown = ref(false)
  watch(open, async (value) => {
    if (value && !drawn.value) {
      drawn.value = true
      await nextTick()
    }
    shown.value = !!open()
  }, { immediate: true })
  return { drawn, shown }
}
