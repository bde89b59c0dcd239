import './lib/zod-without-eval.js';
import { mount } from 'svelte';
import App from './app.svelte';
import './app.css';

const target = document.getElementById('app');
if (!target) throw new Error('The page has no #app element.');
mount(App, { target });
