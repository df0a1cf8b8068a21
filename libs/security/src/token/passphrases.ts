import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * The accepted passphrases (several during a rotation), kept as SHA-256 digests: comparing
 * digests takes the same time whatever the length of the guess or of the passphrase, and every
 * passphrase is compared, so neither a prefix nor which one matched shows in the timing.
 */
export class Passphrases {
  private readonly digests: readonly Buffer[];

  constructor(passphrases: readonly string[]) {
    this.digests = passphrases.map(digest);
  }

  matches(given: string): boolean {
    const guess = digest(given);
    let match = false;
    for (const known of this.digests) match = timingSafeEqual(guess, known) || match;
    return match;
  }
}
