/** A configuration variable is missing or malformed; the message names it on one line. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
