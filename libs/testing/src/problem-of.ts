import { type ProblemDetails, ProblemException } from '@gateway/contracts';

/** The problem `fn` refuses with; fails the spec when it throws anything else, or nothing. */
export function problemOf(fn: () => unknown): ProblemDetails {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ProblemException);
    return (err as ProblemException).problem;
  }
  throw new Error('not refused');
}
