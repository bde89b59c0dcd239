// The page's first script is small: it sends the first screen's calls (boot-api.ts), then loads the
// app. The app's chunk is fetched alongside this one (a modulepreload link, vite.config.ts), and the
// calls' answers (and the profile the list names first) arrive while it is compiled and evaluated.
import './lib/app/boot-api.js';
import './app.css';

const target = document.getElementById('app');
if (!target) throw new Error('The page has no #app element.');
import('./app-main.js').then(
  ({ mountApp }) => mountApp(target),
  (error: unknown) => {
    // Without the app there is nothing to show but this: say what failed and what to do.
    const message = document.createElement('p');
    message.setAttribute('role', 'alert');
    message.textContent = `The wizard's page could not load (${error instanceof Error ? error.message : String(error)}). Reload the page; in browser mode, check that the wizard's server still runs.`;
    target.replaceChildren(message);
  },
);
