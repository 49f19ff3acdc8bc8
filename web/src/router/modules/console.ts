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

// A page of the console's one file of pages (src/views/console/pages.ts).
type Pages = typeof import('@/views/console/pages')
const page = (name: keyof Pages) => () => import('@/views/console/pages').then((m) => m[name])

export const consoleRoutes: RouteRecordRaw[] = [
  { path: '/console/login', name: 'login', component: () => import('@/views/console/login/index.vue'), meta: { title: 'console.login.title', public: true } },
  // A case's handling form to print: outside the console's frame.
  { path: '/console/cases/:id(\\d+)/print', name: 'case-print', component: () => import('@/views/console/cases/print.vue'), meta: { title: 'nav.cases', roles: caseRoles } },
  {
    path: '/console',
    component: () => import('@/layouts/ConsoleLayout.vue'),
    children: [
      { path: '', name: 'work', component: page('Work'), meta: { title: 'nav.work', roles: caseRoles } },
      { path: 'cases', name: 'cases', component: page('Cases'), meta: { title: 'nav.cases', roles: caseRoles } },
      { path: 'cases/:id(\\d+)', name: 'case', component: page('CasesDetail'), meta: { parent: ['cases'], title: 'nav.cases', roles: caseRoles } },
      { path: 'intake', name: 'intake', component: page('Intake'), meta: { title: 'nav.intake', roles: ['clerk', 'supervisor'] } },
      { path: 'import', name: 'import', component: page('IntakeImport'), meta: { title: 'nav.import', roles: ['clerk', 'supervisor'] } },
      { path: 'units', name: 'units', component: page('Units'), meta: { title: 'nav.units', roles: ['clerk', 'supervisor', 'admin'] } },
      { path: 'supervision', name: 'supervision', component: page('Supervision'), meta: { title: 'nav.supervision', roles: ['handler', 'supervisor', 'leader'] } },
      { path: 'reports', name: 'reports', component: page('Reports'), meta: { title: 'nav.reports', roles: ['supervisor', 'leader'] } },
      { path: 'notices', name: 'notices-admin', component: page('Notices'), meta: { title: 'nav.noticesAdmin', roles: caseRoles } },
      { path: 'notices/:id(\\d+)', name: 'notice-admin', component: page('NoticesDetail'), meta: { parent: ['notices-admin'], title: 'nav.noticesAdmin', roles: caseRoles } },
      { path: 'draws', name: 'draws-admin', component: page('Draws'), meta: { title: 'nav.drawsAdmin', roles: ['supervisor', 'leader'] } },
      { path: 'draws/:id(\\d+)', name: 'draw-admin', component: page('DrawsDetail'), meta: { parent: ['draws-admin'], title: 'nav.drawsAdmin', roles: ['supervisor', 'leader'] } },
      { path: 'pools', name: 'pools', component: page('DrawsPools'), meta: { title: 'nav.pools', roles: ['supervisor', 'leader', 'admin'] } },
      { path: 'assignments', name: 'assignments', component: page('DrawsAssignments'), meta: { title: 'nav.assignments', roles: ['supervisor', 'leader'] } },
      { path: 'campaigns', name: 'campaigns', component: page('InspectCampaigns'), meta: { title: 'nav.campaigns', roles: ['supervisor', 'leader', 'inspector'] } },
      { path: 'campaigns/:id(\\d+)', name: 'campaign', component: page('InspectCampaign'), meta: { parent: ['campaigns'], title: 'nav.campaigns', roles: ['supervisor', 'leader', 'inspector'] } },
      { path: 'inspections', name: 'inspections-mine', component: page('InspectMine'), meta: { title: 'nav.myInspections', roles: ['inspector'] } },
      { path: 'inspections/:id(\\d+)', name: 'inspection', component: page('InspectForm'), meta: { parent: ['inspections-mine', 'campaigns'], title: 'nav.myInspections', roles: ['inspector', 'supervisor', 'leader'] } },
      { path: 'rectifications', name: 'rectifications', component: page('InspectRectifications'), meta: { title: 'nav.rectifications', roles: ['handler', 'supervisor', 'leader', 'inspector'] } },
      { path: 'system', name: 'system', component: page('System'), meta: { title: 'nav.system', roles: ['admin', 'supervisor'] } },
      { path: 'accounts', name: 'accounts', component: page('Accounts'), meta: { title: 'nav.accounts', roles: ['admin'] } },
      { path: 'open311', name: 'open311', component: page('Open311'), meta: { title: 'nav.open311', roles: ['admin'] } },
      { path: 'access-log', name: 'access-log', component: page('Access'), meta: { title: 'nav.accessLog', roles: ['supervisor'] } },
      { path: 'watch', name: 'watch', component: page('Watch'), meta: { title: 'nav.watch', roles: ['supervisor'] } },
      { path: 'sanctions', name: 'sanctions', component: page('InspectSanctions'), meta: { title: 'nav.sanctions', roles: ['supervisor', 'leader'] } },
      { path: 'bulletins', name: 'bulletins-admin', component: page('InspectBulletins'), meta: { title: 'nav.bulletinsAdmin', roles: ['supervisor', 'leader'] } },
      { path: 'placement', name: 'placement-admin', component: page('Placement'), meta: { title: 'nav.placementAdmin', roles: ['handler', 'supervisor', 'leader'] } },
      { path: 'admissions', name: 'admissions', component: page('Admissions'), meta: { title: 'nav.admissions', roles: caseRoles } },
      { path: 'exams', name: 'exams', component: page('Exams'), meta: { title: 'nav.exams', roles: caseRoles } },
      { path: 'fees', name: 'fees', component: page('Fees'), meta: { title: 'nav.fees', roles: caseRoles } },
      { path: 'projects', name: 'projects', component: page('Projects'), meta: { title: 'nav.projects', roles: caseRoles } },
      { path: 'projects/:id(\\d+)', name: 'project', component: page('ProjectsDetail'), meta: { parent: ['projects'], title: 'nav.projects', roles: caseRoles } },
      { path: 'duty', name: 'duty', component: page('Duty'), meta: { title: 'nav.duty', roles: caseRoles } },
      { path: 'dashboard', name: 'dashboard', component: () => import('@/views/console/dashboard/index.vue'), meta: { title: 'nav.dashboard', roles: ['supervisor', 'leader'] } },
    ],
  },
]
