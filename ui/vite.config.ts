/// <reference types="vitest/config" />
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';
import { defineConfig } from 'vite';

// The Tauri shell embeds `ui/dist` (tauri.conf.json `build.frontendDist`) and serves it under a
// strict CSP: no inline scripts or styles, no data: URLs. The build settings below keep Vite
// from emitting anything that CSP would block.
export default defineConfig({
  plugins: [svelte(), svelteTesting()],
  clearScreen: false,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // WebKitGTK (Linux) and WKWebView (macOS) are the oldest engines we ship on.
    target: ['es2022', 'chrome105', 'safari15'],
    // Never inline assets as data: URLs (CSP img-src/font-src allow only 'self').
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: {
    port: 5173,
    strictPort: true,
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
    setupFiles: ['src/test/setup.ts'],
  },
});
