// The public portal's pages: no account needed.
import type { RouteRecordRaw } from 'vue-router'

export const portalRoutes: RouteRecordRaw = {
  path: '/',
  component: () => import('@/layouts/PortalLayout.vue'),
  children: [
    { path: '', name: 'home', component: () => import('@/views/portal/home/index.vue'), meta: { title: 'nav.home' } },
    { path: 'submit', name: 'submit', component: () => import('@/views/portal/submit/index.vue'), meta: { title: 'nav.submit' } },
    { path: 'submit/done', name: 'receipt', component: () => import('@/views/portal/submit/receipt.vue'), meta: { title: 'portal.receipt.title' } },
    { path: 'track/:code?', name: 'track', component: () => import('@/views/portal/track/index.vue'), meta: { title: 'nav.track' } },
    { path: 'notices', name: 'notices', component: () => import('@/views/portal/notices/index.vue'), meta: { title: 'nav.notices' } },
    { path: 'notices/:id(\\d+)', name: 'notice', component: () => import('@/views/portal/notices/detail.vue'), meta: { title: 'nav.notices' } },
    { path: 'draws', name: 'draws', component: () => import('@/views/portal/draws/index.vue'), meta: { title: 'nav.draws' } },
    { path: 'draws/:id(\\d+)', name: 'draw', component: () => import('@/views/portal/draws/verify.vue'), meta: { title: 'nav.draws' } },
    { path: 'lotteries', name: 'lotteries', component: () => import('@/views/portal/lotteries/index.vue'), meta: { title: 'nav.lotteries' } },
    { path: 'lotteries/:id(\\d+)', name: 'lottery', component: () => import('@/views/portal/lotteries/detail.vue'), meta: { title: 'nav.lotteries' } },
    { path: 'fees', name: 'fees-public', component: () => import('@/views/portal/fees/index.vue'), meta: { title: 'nav.feesPublic' } },
    { path: 'inspections', name: 'inspections', component: () => import('@/views/portal/inspections/index.vue'), meta: { title: 'nav.inspections' } },
    { path: 'placement', name: 'placement', component: () => import('@/views/portal/placement/index.vue'), meta: { title: 'nav.placement' } },
    { path: 'placement/runs/:id(\\d+)/notice', name: 'placement-notice', component: () => import('@/views/portal/placement/notice.vue'), meta: { title: 'nav.placement' } },
    { path: 'placement/runs/:id(\\d+)', name: 'placement-record', component: () => import('@/views/portal/placement/record.vue'), meta: { title: 'nav.placement' } },
    { path: 'placement/:code', name: 'placement-follow', component: () => import('@/views/portal/placement/follow.vue'), meta: { title: 'nav.placement' } },
    { path: 'checkin/:id(\\d+)', name: 'checkin', component: () => import('@/views/portal/checkin/index.vue'), meta: { title: 'portal.checkin.title' } },
    { path: 'survey', name: 'survey', component: () => import('@/views/portal/survey/index.vue'), meta: { title: 'portal.survey.title' } },
    { path: 'exam', name: 'exam', component: () => import('@/views/portal/exam/index.vue'), meta: { title: 'nav.exam' } },
    { path: 'projects', name: 'projects-public', component: () => import('@/views/portal/projects/index.vue'), meta: { title: 'nav.projectsPublic' } },
    { path: 'bulletins', name: 'bulletins', component: () => import('@/views/portal/bulletins/index.vue'), meta: { title: 'nav.bulletins' } },
  ],
}
