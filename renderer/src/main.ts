// The page's first script is small: it sends the first screen's calls (boot-api.ts), then loads the
// app. The app's chunk is fetched and compiled alongside this one (a modulepreload link,
// vite.config.ts), and the calls' answers arrive while it is compiled and evaluated.
import { bootApi } from './lib/app/boot-api.js';
import './app.css';

/** Longest the app's evaluation waits for the early calls to be sent (a slow or absent answer). */
const SENT_WAIT_MS = 1_000;

const target = document.getElementById('app');
if (!target) throw new Error('The page has no #app element.');

// The app's chunk is evaluated once profiles.get is on its way: its answer then arrives while the
// chunk evaluates, instead of being sent only after the evaluation freed the page's thread.
Promise.race([bootApi.sent, new Promise((resolve) => setTimeout(resolve, SENT_WAIT_MS))])
  .then(() => import('./app-main.js'))
  .then(
    ({ mountApp }) => mountApp(target),
    (error: unknown) => {
      // Without the app there is nothing to show but this: say what failed and what to do.
      const message = document.createElement('p');
      message.setAttribute('role', 'alert');
      message.textContent = `The wizard's page could not load (${error instanceof Error ? error.message : String(error)}). Reload the page; in browser mode, check that the wizard's server still runs.`;
      target.replaceChildren(message);
    },
  );
