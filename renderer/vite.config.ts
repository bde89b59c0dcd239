import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';
import { cspForMetaTag } from '../electron/window-options.js';

/**
 * The built page carries the CSP as a meta tag too: the desktop app loads it from file://, where no
 * response header exists for the session hook to rewrite. Build only: the dev server injects inline
 * styles for hot reload, which the policy forbids.
 */
function contentSecurityPolicyMeta(): Plugin {
  return {
    name: 'trilio-dr-csp-meta',
    apply: 'build',
    transformIndexHtml() {
      return [
        {
          tag: 'meta',
          attrs: { 'http-equiv': 'Content-Security-Policy', content: cspForMetaTag() },
          injectTo: 'head-prepend',
        },
      ];
    },
  };
}

// The renderer is served from disk in the desktop app and by the browser-mode server: relative base.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [svelte(), contentSecurityPolicyMeta()],
  build: {
    outDir: fileURLToPath(new URL('../out/renderer', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
    // Every asset as a file: a data: script or an inline style would need a weaker CSP.
    assetsInlineLimit: 0,
  },
});
