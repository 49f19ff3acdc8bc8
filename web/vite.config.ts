import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'
import { fileURLToPath, URL } from 'node:url'
import { lazyDatePanels } from './vite/lazy-date-panels'

// Element Plus components and their styles are imported where they are used (on demand), so the portal's
// first load carries only what the portal shows. The console's routes are split off by dynamic imports.
export default defineConfig({
  plugins: [
    vue(),
    lazyDatePanels(),
    Components({
      resolvers: [ElementPlusResolver({ importStyle: 'css' })],
      dts: 'src/components.d.ts',
    }),
  ],
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
  },
})
