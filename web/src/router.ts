import { createRouter, createWebHistory } from 'vue-router'
import DashboardView from './views/DashboardView.vue'
import FacilityListView from './views/FacilityListView.vue'

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', name: 'dashboard', component: DashboardView },
    { path: '/facilities', name: 'facilities', component: FacilityListView },
    { path: '/facilities/:key', name: 'facility', component: () => import('./views/FacilityView.vue') },
    // The map and the graph pull in MapLibre and Cytoscape: their own chunks, loaded on demand.
    { path: '/map', name: 'map', component: () => import('./views/MapView.vue') },
    { path: '/graph', name: 'graph', component: () => import('./views/GraphView.vue') },
    { path: '/simulation', name: 'simulation', component: () => import('./views/SimulationView.vue') },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
})
