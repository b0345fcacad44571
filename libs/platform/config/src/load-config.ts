import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ConfigError } from './config-error';
import { validationProblems } from './validation-problems';

type ConfigClass<T> = new () => T;

/**
 * Reads a configuration class from an environment: each property is an environment variable of
 * the same name; the class's initialisers are the defaults. Throws ConfigError naming every
 * missing or malformed variable.
 */
export function loadConfig<T extends object>(
  configClass: ConfigClass<T>,
  env: NodeJS.ProcessEnv = process.env,
): T {
  const defaults = new configClass() as Record<string, unknown>;
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(defaults)) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const instance = plainToInstance(configClass, raw, { enableImplicitConversion: false });
  const errors = validateSync(instance, { whitelist: false, forbidUnknownValues: true });
  if (errors.length > 0) {
    throw new ConfigError(
      `invalid configuration: ${validationProblems(errors)
        .map((p) => `${p.path} ${p.message}`)
        .join('; ')}`,
    );
  }
  return instance;
}
