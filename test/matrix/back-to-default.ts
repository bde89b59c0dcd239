import { upLab } from '../lab/lab.js';

/**
 * Global teardown of the matrix project: whatever a matrix test left, the shared lab ends in the
 * default flavor (4.1 from packages), which every other lab test and engineer expects.
 */
export default function setup(): () => Promise<void> {
  return async () => {
    if (process.env.TRILIO_LAB_SKIP_UP === '1') return;
    await upLab({ onNote: (line) => console.log(line) });
  };
}
