// v-loading="busy": marks an element busy while its data loads — aria-busy for assistive technology and, once the
// load has taken longer than a moment, a veil with a spinner over the element (styles.css, "[data-qf-loading]"), so
// that a quick answer does not flash one. Stands in for Element Plus's directive (the components resolver in
// vite.config.ts imports this one wherever a template writes v-loading), which mounts a Vue app per element and
// forces the page's layout twice on each load, in the middle of drawing it (docs/PERFORMANCE.md, 2026-12-05).
import type { Directive } from 'vue'

function mark(el: HTMLElement, busy: unknown) {
  if (busy) {
    el.setAttribute('data-qf-loading', '')
    el.setAttribute('aria-busy', 'true')
  } else if (el.hasAttribute('data-qf-loading')) {
    el.removeAttribute('data-qf-loading')
    el.removeAttribute('aria-busy')
  }
}

export const vLoading: Directive<HTMLElement, unknown> = {
  mounted: (el, binding) => mark(el, binding.value),
  updated: (el, binding) => mark(el, binding.value),
}
