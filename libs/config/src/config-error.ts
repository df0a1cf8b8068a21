/** A bad or missing variable; its message is one line naming it, never a secret's value. */
export class ConfigError extends Error {
  constructor(
    message: string,
    /** The variable at fault, when one is (a reload counts its errors by it). */
    readonly variable?: string,
  ) {
    super(message);
  }
}
