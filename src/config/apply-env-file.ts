/**
 * Imported first by the entry points (main.ts, cli.ts), before anything reads the environment:
 * sets the variables of `./.env` that the environment does not set already. A malformed file stops
 * the process with the line at fault.
 */
import { applyEnvFile } from './env-file';

try {
  applyEnvFile();
} catch (error) {
  console.error(`Invalid configuration: ${(error as Error).message}`);
  process.exit(1);
}
