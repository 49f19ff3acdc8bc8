import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'
import { fileURLToPath, URL } from 'node:url'
import { lazyPoppers } from './vite/lazy-poppers'
import { compileHints } from './vite/compile-hints'

// Element Plus components and their styles are imported where they are used (on demand), so the portal's
// first load carries only what the portal shows. The console's routes are split off by dynamic imports.
export default defineConfig({
  plugins: [
    vue(),
    lazyPoppers(),
    // The chunks fetched after the first visit arrive compiled; not ECharts (its own chunk, most of it never runs).
    compileHints(['echarts']),
    Components({
      // v-loading is the app's own (src/directives/loading.ts), not Element Plus's.
      resolvers: [
        { type: 'directive', resolve: (name) => (name === 'Loading' ? { name: 'vLoading', from: '@/directives/loading' } : undefined) },
        ElementPlusResolver({ importStyle: 'css', directives: false }),
      ],
      dts: 'src/components.d.ts',
    }),
  ],
  // Library code this app never runs, left out of the bundle: Vue's Options API (every component here, Element Plus's
  // too, is written with setup) and vue-i18n's legacy API (createI18n({ legacy: false })) and devtools hooks.
  define: { __VUE_OPTIONS_API__: 'false', __VUE_I18N_LEGACY_API__: 'false', __INTLIFY_PROD_DEVTOOLS__: 'false' },
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  build: {
    manifest: true,
    target: 'es2020',
    chunkSizeWarningLimit: 800,
    rollupOptions: {
      output: {
        manualChunks(id) {
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) return 'echarts'
        },
      },
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080', '/ledger': 'http://127.0.0.1:8080' } },
  test: {
    environment: 'jsdom',
    include: ['tests/unit/**/*.test.ts'],
    setupFiles: ['tests/unit/setup.ts'],
    // Worker threads rather than processes: the suite in 36 s against 40–44 (each file still has a page of its own;
    // sharing one, isolate: false, took 13 s but the files' components and stores leaked into each other).
    pool: 'threads',
    // Element's components import their stylesheets (as the app's auto-import asks): run through Vite, not Node.
    server: { deps: { inline: ['element-plus'] } },
  },
})
