export type ConfigErrorCode = 'CONFIG_INVALID' | 'CONFIG_UNKNOWN';

/** A setting the service cannot start with; its message names the variable and what it accepts. */
export class ConfigError extends Error {
  constructor(
    readonly code: ConfigErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}
