// History-mode routes: the portal at /, the console under /console (signed in, role-checked).
import { createRouter, createWebHistory, type RouteLocationNormalized } from 'vue-router'
import { portalRoutes } from './modules/portal'
import { consoleRoutes } from './modules/console'
import { useSession } from '@/stores/session'
import { i18n, messagesReady } from '@/i18n'
import { openingPage } from '@/utils/prefetch'
import { askAhead } from '@/api/request'
import { missingCode, reloadDone, reloadFor } from '@/utils/upgrade'

export const router = createRouter({
  history: createWebHistory(),
  routes: [portalRoutes, ...consoleRoutes, { path: '/:rest(.*)*', redirect: '/' }],
  // A page opens at its top: the portal's window here, the console's own scrolling pane in its frame
  // (layouts/ConsoleLayout.vue; scrolling the window there did nothing but lay the new page out early).
  scrollBehavior: (to) => (to.path.startsWith('/console') ? false : { top: 0 }),
})

declare module 'vue' {
  interface ComponentCustomOptions {
    // A page's first reads (the same calls its setup makes first), asked for as soon as the page is chosen.
    opening?: (to: RouteLocationNormalized) => void
  }
}

router.beforeEach(() => openingPage(true))
// The first reads of the pages a navigation mounts are asked for once their code is at hand and the guards have
// passed (api/request.ts askAhead), beside the readying of the frame and the page's setup rather than after them.
router.beforeResolve((to, from) => {
  const asks = to.matched.filter((r) => !from.matched.includes(r))
    .map((r) => (r.components?.default as { opening?: (to: RouteLocationNormalized) => void } | undefined)?.opening)
    .filter((f) => f !== undefined)
  if (asks.length) askAhead(() => asks.forEach((ask) => ask(to)))
})
// The first page's title is in the user's language: its messages come before the navigation ends (asked last, so
// that they are fetched beside the session and the page's code rather than before them).
router.beforeResolve(() => messagesReady.then(() => true))
router.afterEach(() => openingPage(false))
router.onError(() => openingPage(false))

// A page whose code cannot be fetched (an upgrade replaced it) opens by loading the app afresh at its address.
router.onError((e, to) => {
  if (missingCode(e)) reloadFor(to.fullPath, to.fullPath)
})
router.afterEach(reloadDone)

router.beforeEach(async (to) => {
  if (!to.path.startsWith('/console') || to.meta.public) return true
  const session = useSession()
  await session.restore().catch(() => undefined)
  if (!session.signedIn) return { name: 'login', query: { redirect: to.fullPath } }
  const roles = to.meta.roles
  if (roles && !session.has(...roles)) {
    // Send each role to the first page it may open.
    if (session.has('clerk', 'handler', 'supervisor', 'leader')) return to.name === 'work' ? true : { name: 'work' }
    if (session.has('inspector')) return to.name === 'inspections-mine' ? true : { name: 'inspections-mine' }
    if (session.has('admin')) return to.name === 'pools' ? true : { name: 'pools' }
    return to.name === 'login' ? true : { name: 'login' }
  }
  return true
})

router.afterEach((to) => {
  const t = i18n.global.t
  const title = to.meta.title ? t(to.meta.title) : ''
  document.title = `${title ? title + ' · ' : ''}${to.path.startsWith('/console') ? t('app.console') : t('app.portal')}`
})
