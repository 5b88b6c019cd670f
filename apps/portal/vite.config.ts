import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The portal is served by the gateway at /portal/ under a strict CSP (script-src 'self', style-src
 * 'self'): the build emits only files — no inline script (no module-preload polyfill), no inlined
 * assets — with content-hashed names under assets/ so the gateway can cache them for a year.
 * scripts/build.mjs runs the build (outDir given there); `vite` alone serves it for development,
 * proxying /api to a local gateway.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/portal/',
  plugins: [react()],
  build: {
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: true,
    emptyOutDir: true,
  },
  server: {
    port: 5173,
    proxy: { '/api': { target: process.env['GATEWAY_URL'] ?? 'http://127.0.0.1:3000', ws: true } },
  },
});
