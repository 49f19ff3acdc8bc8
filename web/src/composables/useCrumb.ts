// The last step of the console's breadcrumb: the name of what a detail page shows (a case's title, a notice's,
// a draw's purpose), set by the page while it is open; the frame shows the page's own title until then.
import { onBeforeUnmount, ref, watchEffect } from 'vue'

export const crumb = ref('')

export function useCrumb(name: () => string | undefined): void {
  watchEffect(() => (crumb.value = name() ?? ''))
  onBeforeUnmount(() => (crumb.value = ''))
}
