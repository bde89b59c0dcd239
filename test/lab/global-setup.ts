import { upLab } from './lab.js';

/**
 * Brings the lab up once before the lab test project (idempotent: a running lab is reused in seconds).
 * The lab stays up after the run, like a developer's lab; `npm run lab -- down` stops it.
 */
export default async function setup(): Promise<void> {
  if (process.env.TRILIO_LAB_SKIP_UP === '1') return;
  await upLab();
}
