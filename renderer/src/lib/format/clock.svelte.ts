/**
 * One shared second tick for every running timer on screen (elapsed times of running steps), started
 * on first use: one interval instead of one per timer.
 */
class Clock {
  #now = $state(Date.now());
  #started = false;

  get now(): number {
    if (!this.#started && typeof window !== 'undefined') {
      this.#started = true;
      setInterval(() => (this.#now = Date.now()), 1000);
    }
    return this.#now;
  }
}

export const clock = new Clock();
