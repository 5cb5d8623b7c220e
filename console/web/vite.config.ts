import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

// `vite build console/web` writes console/web/dist, which the console server serves at `/`.
// In `vite dev`, the API comes from a console server on LAKEHOUSE_CONSOLE_URL (default :3000).
export default defineConfig({
  plugins: [preact()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: {
    proxy: {
      '/api': globalThis.process?.env['LAKEHOUSE_CONSOLE_URL'] ?? 'http://127.0.0.1:3000',
      '/healthz': globalThis.process?.env['LAKEHOUSE_CONSOLE_URL'] ?? 'http://127.0.0.1:3000',
    },
  },
});
