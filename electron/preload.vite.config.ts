import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

// A sandboxed preload cannot require local files, so it is bundled into one CommonJS file.
export default defineConfig({
  build: {
    outDir: fileURLToPath(new URL('../out/preload', import.meta.url)),
    emptyOutDir: true,
    minify: false,
    target: 'node20',
    lib: {
      entry: fileURLToPath(new URL('./preload.ts', import.meta.url)),
      formats: ['cjs'],
      fileName: () => 'preload.cjs',
    },
    rollupOptions: { external: ['electron'] },
  },
});
