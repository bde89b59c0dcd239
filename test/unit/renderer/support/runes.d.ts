// The renderer's `.svelte.ts` state classes use runes ($state, $derived); their declarations come with
// svelte's types, which tsconfig.test.json does not list, so the renderer tests pull them in here.
/// <reference types="svelte" />
