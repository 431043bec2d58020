import { ConfigValidationError, loadConfig } from '../load-config';

/** The problems `loadConfig(env)` reports, or a failure when it accepts `env`. */
export function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return (error as ConfigValidationError).problems;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be rejected`);
}
