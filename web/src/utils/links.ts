// A plain anchor that opens its page in the app, as a router-link does, without a component (and its own watch of the
// route) per link: many links drawn at once (the menu, a page of cases) redraw only when their own props change.
import type { Router, RouteLocationRaw } from 'vue-router'

// A plain left click goes through the router; with a modifier or another button the browser opens a tab or window.
export function follow(e: MouseEvent, router: Router, to: RouteLocationRaw) {
  if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return
  e.preventDefault()
  void router.push(to)
}
