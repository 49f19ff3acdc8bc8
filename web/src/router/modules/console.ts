// The staff console's pages, each with the roles that may open it (the server checks again on every call).
import type { RouteRecordRaw } from 'vue-router'
import type { Role } from '@/api/auth'

declare module 'vue-router' {
  interface RouteMeta {
    title?: string
    roles?: Role[]
    // A detail page's place in the breadcrumb: the list it belongs to (the first of these the user may open).
    parent?: string[]
    public?: boolean
  }
}

const caseRoles: Role[] = ['clerk', 'handler', 'supervisor', 'leader']

export const consoleRoutes: RouteRecordRaw[] = [
  { path: '/console/login', name: 'login', component: () => import('@/views/console/login/index.vue'), meta: { title: 'console.login.title', public: true } },
  // A case's handling form to print: outside the console's frame.
  { path: '/console/cases/:id(\\d+)/print', name: 'case-print', component: () => import('@/views/console/cases/print.vue'), meta: { title: 'nav.cases', roles: caseRoles } },
  {
    path: '/console',
    component: () => import('@/layouts/ConsoleLayout.vue'),
    children: [
      { path: '', name: 'work', component: () => import('@/views/console/work/index.vue'), meta: { title: 'nav.work', roles: caseRoles } },
      { path: 'cases', name: 'cases', component: () => import('@/views/console/cases/index.vue'), meta: { title: 'nav.cases', roles: caseRoles } },
      { path: 'cases/:id(\\d+)', name: 'case', component: () => import('@/views/console/cases/detail.vue'), meta: { parent: ['cases'], title: 'nav.cases', roles: caseRoles } },
      { path: 'intake', name: 'intake', component: () => import('@/views/console/intake/index.vue'), meta: { title: 'nav.intake', roles: ['clerk', 'supervisor'] } },
      { path: 'import', name: 'import', component: () => import('@/views/console/intake/import.vue'), meta: { title: 'nav.import', roles: ['clerk', 'supervisor'] } },
      { path: 'units', name: 'units', component: () => import('@/views/console/units/index.vue'), meta: { title: 'nav.units', roles: ['clerk', 'supervisor', 'admin'] } },
      { path: 'supervision', name: 'supervision', component: () => import('@/views/console/supervision/index.vue'), meta: { title: 'nav.supervision', roles: ['handler', 'supervisor', 'leader'] } },
      { path: 'reports', name: 'reports', component: () => import('@/views/console/reports/index.vue'), meta: { title: 'nav.reports', roles: ['supervisor', 'leader'] } },
      { path: 'notices', name: 'notices-admin', component: () => import('@/views/console/notices/index.vue'), meta: { title: 'nav.noticesAdmin', roles: caseRoles } },
      { path: 'notices/:id(\\d+)', name: 'notice-admin', component: () => import('@/views/console/notices/detail.vue'), meta: { parent: ['notices-admin'], title: 'nav.noticesAdmin', roles: caseRoles } },
      { path: 'draws', name: 'draws-admin', component: () => import('@/views/console/draws/index.vue'), meta: { title: 'nav.drawsAdmin', roles: ['supervisor', 'leader'] } },
      { path: 'draws/:id(\\d+)', name: 'draw-admin', component: () => import('@/views/console/draws/detail.vue'), meta: { parent: ['draws-admin'], title: 'nav.drawsAdmin', roles: ['supervisor', 'leader'] } },
      { path: 'pools', name: 'pools', component: () => import('@/views/console/draws/pools.vue'), meta: { title: 'nav.pools', roles: ['supervisor', 'leader', 'admin'] } },
      { path: 'assignments', name: 'assignments', component: () => import('@/views/console/draws/assignments.vue'), meta: { title: 'nav.assignments', roles: ['supervisor', 'leader'] } },
      { path: 'campaigns', name: 'campaigns', component: () => import('@/views/console/inspect/campaigns.vue'), meta: { title: 'nav.campaigns', roles: ['supervisor', 'leader', 'inspector'] } },
      { path: 'campaigns/:id(\\d+)', name: 'campaign', component: () => import('@/views/console/inspect/campaign.vue'), meta: { parent: ['campaigns'], title: 'nav.campaigns', roles: ['supervisor', 'leader', 'inspector'] } },
      { path: 'inspections', name: 'inspections-mine', component: () => import('@/views/console/inspect/mine.vue'), meta: { title: 'nav.myInspections', roles: ['inspector'] } },
      { path: 'inspections/:id(\\d+)', name: 'inspection', component: () => import('@/views/console/inspect/form.vue'), meta: { parent: ['inspections-mine', 'campaigns'], title: 'nav.myInspections', roles: ['inspector', 'supervisor', 'leader'] } },
      { path: 'rectifications', name: 'rectifications', component: () => import('@/views/console/inspect/rectifications.vue'), meta: { title: 'nav.rectifications', roles: ['handler', 'supervisor', 'leader', 'inspector'] } },
      { path: 'system', name: 'system', component: () => import('@/views/console/system/index.vue'), meta: { title: 'nav.system', roles: ['admin', 'supervisor'] } },
      { path: 'accounts', name: 'accounts', component: () => import('@/views/console/accounts/index.vue'), meta: { title: 'nav.accounts', roles: ['admin'] } },
      { path: 'open311', name: 'open311', component: () => import('@/views/console/open311/index.vue'), meta: { title: 'nav.open311', roles: ['admin'] } },
      { path: 'access-log', name: 'access-log', component: () => import('@/views/console/access/index.vue'), meta: { title: 'nav.accessLog', roles: ['supervisor'] } },
      { path: 'watch', name: 'watch', component: () => import('@/views/console/watch/index.vue'), meta: { title: 'nav.watch', roles: ['supervisor'] } },
      { path: 'sanctions', name: 'sanctions', component: () => import('@/views/console/inspect/sanctions.vue'), meta: { title: 'nav.sanctions', roles: ['supervisor', 'leader'] } },
      { path: 'bulletins', name: 'bulletins-admin', component: () => import('@/views/console/inspect/bulletins.vue'), meta: { title: 'nav.bulletinsAdmin', roles: ['supervisor', 'leader'] } },
      { path: 'placement', name: 'placement-admin', component: () => import('@/views/console/placement/index.vue'), meta: { title: 'nav.placementAdmin', roles: ['handler', 'supervisor', 'leader'] } },
      { path: 'admissions', name: 'admissions', component: () => import('@/views/console/admissions/index.vue'), meta: { title: 'nav.admissions', roles: caseRoles } },
      { path: 'exams', name: 'exams', component: () => import('@/views/console/exams/index.vue'), meta: { title: 'nav.exams', roles: caseRoles } },
      { path: 'fees', name: 'fees', component: () => import('@/views/console/fees/index.vue'), meta: { title: 'nav.fees', roles: caseRoles } },
      { path: 'projects', name: 'projects', component: () => import('@/views/console/projects/index.vue'), meta: { title: 'nav.projects', roles: caseRoles } },
      { path: 'projects/:id(\\d+)', name: 'project', component: () => import('@/views/console/projects/detail.vue'), meta: { parent: ['projects'], title: 'nav.projects', roles: caseRoles } },
      { path: 'duty', name: 'duty', component: () => import('@/views/console/duty/index.vue'), meta: { title: 'nav.duty', roles: caseRoles } },
      { path: 'dashboard', name: 'dashboard', component: () => import('@/views/console/dashboard/index.vue'), meta: { title: 'nav.dashboard', roles: ['supervisor', 'leader'] } },
    ],
  },
]
