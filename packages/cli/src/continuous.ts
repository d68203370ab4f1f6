/**
 * netstat's -c: a listing, then another every second, until interrupted.
 *
 * SIGINT is held while a listing is made and written, so the output always
 * ends on a whole line; between listings it ends the wait at once. Either way
 * the process then dies of the signal, as netstat does (status 130 in a shell).
 */
import { stdout } from './output.js';

/** Runs `listing` once, or every second with `continuous`; returns the first non-zero status. */
export async function repeat(continuous: boolean, listing: (first: boolean) => Promise<number>): Promise<number> {
  if (!continuous) {
    const status = await listing(true);
    stdout.flush();
    return status;
  }
  let interrupted = false;
  let wake: (() => void) | undefined;
  const onInterrupt = () => {
    interrupted = true;
    wake?.();
  };
  process.on('SIGINT', onInterrupt);
  for (let first = true; ; first = false) {
    const status = await listing(first);
    stdout.flush();
    if (status) {
      process.off('SIGINT', onInterrupt);
      return status;
    }
    if (!interrupted) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    if (interrupted) {
      // with no handler left, SIGINT takes its default action: the process ends by it
      process.off('SIGINT', onInterrupt);
      process.kill(process.pid, 'SIGINT');
      await new Promise(() => {});
    }
  }
}
