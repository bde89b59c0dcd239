/**
 * Runs `then` once, right after the next frame is painted: a task queued from an animation-frame
 * callback runs after that frame's paint. A fallback timer covers windows that paint no frame yet
 * (hidden, or shown only after the first paint). Returns a function that cancels it.
 */
export function afterNextPaint(then: () => void, fallbackMs = 250): () => void {
  let done = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = () => {
    if (done) return;
    done = true;
    cancel();
    then();
  };
  const frame = requestAnimationFrame(() => {
    timer = setTimeout(run, 0);
  });
  const fallback = setTimeout(run, fallbackMs);
  function cancel() {
    cancelAnimationFrame(frame);
    clearTimeout(fallback);
    if (timer !== undefined) clearTimeout(timer);
  }
  return () => {
    done = true;
    cancel();
  };
}
