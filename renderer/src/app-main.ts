import './lib/zod-without-eval.js';
import { mount } from 'svelte';
import App from './app.svelte';

/** The app itself: main.ts loads this chunk once the first screen's calls are on their way. */
export function mountApp(target: HTMLElement): void {
  mount(App, { target });
}
