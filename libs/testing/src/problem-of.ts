import { type ProblemDetails, ProblemException } from '@gateway/contracts';

/** The problem `fn` refuses with; throws (failing the spec) when it throws anything else, or nothing. */
export function problemOf(fn: () => unknown): ProblemDetails {
  try {
    fn();
  } catch (err) {
    if (err instanceof ProblemException) return err.problem;
    throw err;
  }
  throw new Error('not refused');
}
