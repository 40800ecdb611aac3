// Two ways for a training loop to let its thread's event loop run between chunks of work, so that
// what waits there (a 'pause' request, a message from a helper) is handled at once:
//  - yieldNow(): resolves in the next task. Not setTimeout(0): a loop of awaited timeouts is a
//    chain of nested timers, and browsers delay every timer after the fifth of a chain by at least
//    4 ms (HTML's timer nesting rule) — measured in a Chromium worker, 4.2 ms per turn against
//    0.12 ms for a message to itself through a MessageChannel, an ordinary task, never delayed.
//    With chunks of 40–50 ms of training, the 4 ms were 8–10 % of the time.
//  - pauseForPage(): resolves after PAGE_SLICE_MS, leaving that much of this core to other threads.
//    For loops that run when the lab's threads take every core: with none left, the page's own
//    thread waits for the scheduler, and a page task of 16 ms of CPU took 73 ms (a test on a 2-core
//    machine, two workers training).
// betweenChunks(busyThreads) picks one of the two; the training loops call it.
export const PAGE_SLICE_MS = 4;

const channel = new MessageChannel();
const waiting = [];
channel.port1.onmessage = () => {
  waiting.shift()?.();
  if (!waiting.length) channel.port1.unref?.(); // node: an idle channel does not keep the process alive
};
channel.port1.unref?.();

export function yieldNow() {
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel.port1.ref?.();
    channel.port2.postMessage(null);
  });
}

export function pauseForPage() {
  return new Promise((resolve) => setTimeout(resolve, PAGE_SLICE_MS));
}

/**
 * Between two chunks of a loop that is one of `busyThreads` threads computing side by side:
 * yieldNow() while they leave a core for the page's thread, else pauseForPage().
 */
export function betweenChunks(busyThreads, cores = globalThis.navigator?.hardwareConcurrency ?? 1) {
  return busyThreads < cores ? yieldNow() : pauseForPage();
}
