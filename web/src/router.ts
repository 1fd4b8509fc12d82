import { createRouter, createWebHistory, type RouteLocationNormalized, type Router } from 'vue-router'
import type { Pinia } from 'pinia'
import DashboardView from './views/DashboardView.vue'
import FacilityListView from './views/FacilityListView.vue'
import LoginView from './views/LoginView.vue'
import { setUnauthorizedHandler } from './api/client'
import { useAuth } from './stores/auth'

declare module 'vue-router' {
  interface RouteMeta {
    /** Shown without signing in (the sign-in page). */
    public?: boolean
    /** The permission the page needs (else back to the dashboard). */
    permission?: string
  }
}

export const routes = [
  { path: '/login', name: 'login', component: LoginView, meta: { public: true } },
  { path: '/', name: 'dashboard', component: DashboardView },
  { path: '/facilities', name: 'facilities', component: FacilityListView },
  { path: '/facilities/:key', name: 'facility', component: () => import('./views/FacilityView.vue') },
  // The map and the graph pull in MapLibre and Cytoscape: their own chunks, loaded on demand.
  { path: '/map', name: 'map', component: () => import('./views/MapView.vue') },
  { path: '/graph', name: 'graph', component: () => import('./views/GraphView.vue') },
  {
    path: '/simulation',
    name: 'simulation',
    component: () => import('./views/SimulationView.vue'),
    meta: { permission: 'analysis.run' },
  },
  // The survey and grading workflow (issue 7).
  { path: '/surveys', name: 'surveys', component: () => import('./views/SurveyListView.vue'), meta: { permission: 'survey.edit' } },
  { path: '/surveys/:id(\\d+)', name: 'survey', component: () => import('./views/SurveyFormView.vue') },
  {
    path: '/review',
    name: 'review',
    component: () => import('./views/ReviewQueueView.vue'),
    props: { stage: 'authority' },
    meta: { permission: 'survey.review' },
  },
  {
    path: '/joint-review',
    name: 'joint-review',
    component: () => import('./views/ReviewQueueView.vue'),
    props: { stage: 'joint' },
    meta: { permission: 'survey.review' },
  },
  { path: '/review/:id(\\d+)', name: 'survey-review', component: () => import('./views/SurveyReviewView.vue'), meta: { permission: 'survey.review' } },
  { path: '/completion', name: 'completion', component: () => import('./views/CompletionView.vue'), meta: { permission: 'survey.review' } },
  { path: '/national-ci', name: 'national-ci', component: () => import('./views/NationalCiView.vue') },
  { path: '/notifications', name: 'notifications', component: () => import('./views/NotificationsView.vue') },
  { path: '/account', name: 'account', component: () => import('./views/AccountView.vue') },
  { path: '/account/tokens', name: 'tokens', component: () => import('./views/TokensView.vue') },
  { path: '/:rest(.*)*', redirect: '/' },
]

export const router = createRouter({ history: createWebHistory(), routes })

/** Where to go after signing in: the intended route, if it is one of ours. */
export function safeRedirect(v: unknown): string {
  const s = typeof v === 'string' ? v : ''
  return s.startsWith('/') && !s.startsWith('//') && !s.startsWith('/login') ? s : '/'
}

/**
 * Route guards: every page but the sign-in page needs a session (restored once from /auth/me);
 * without one → /login?redirect=<the intended route>. A page whose permission the user lacks →
 * the dashboard. A 401 from any API call later does the same as a missing session.
 */
export function installAuthGuards(r: Router, pinia?: Pinia) {
  r.beforeEach(async (to: RouteLocationNormalized) => {
    const auth = useAuth(pinia)
    await auth.restore()
    if (to.meta.public) {
      if (to.name === 'login' && auth.signedIn) return safeRedirect(to.query.redirect)
      return true
    }
    if (!auth.signedIn) return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
    if (to.meta.permission && !auth.can(to.meta.permission)) return { name: 'dashboard' }
    return true
  })
  setUnauthorizedHandler(() => {
    const auth = useAuth(pinia)
    if (!auth.signedIn) return
    auth.sessionLost()
    const cur = r.currentRoute.value
    if (cur.meta.public) return
    r.push({ name: 'login', query: { redirect: cur.fullPath } })
  })
}
