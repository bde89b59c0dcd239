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

/**
 * main.ts is a small first script that sends the first screen's calls and then imports the app's
 * chunk. A modulepreload link for that chunk lets the browser fetch and compile it in parallel with
 * the first script instead of only once that script has run.
 */
function preloadAppChunk(): Plugin {
  return {
    name: 'trilio-dr-preload-app-chunk',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const app = Object.values(ctx.bundle ?? {}).find(
          (c) => c.type === 'chunk' && c.facadeModuleId?.endsWith('/renderer/src/app-main.ts'),
        );
        if (!app) throw new Error('The build has no app-main chunk to preload.');
        return [
          {
            tag: 'link',
            attrs: { rel: 'modulepreload', crossorigin: true, href: `./${app.fileName}` },
            injectTo: 'head',
          },
        ];
      },
    },
  };
}

// The renderer is served from disk in the desktop app and by the browser-mode server: relative base.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [svelte(), contentSecurityPolicyMeta(), preloadAppChunk()],
  build: {
    outDir: fileURLToPath(new URL('../out/renderer', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
    // Every asset as a file: a data: script or an inline style would need a weaker CSP.
    assetsInlineLimit: 0,
    // One stylesheet, linked by the page: no part waits for its own CSS file when it is loaded.
    cssCodeSplit: false,
  },
});
