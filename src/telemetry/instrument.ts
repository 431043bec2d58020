/**
 * Imported first by main.ts: starts OpenTelemetry before Nest, express, http and socket.io are
 * loaded, so that their instrumentations apply.
 */
import { loadConfig } from '../config/load-config';
import { startTelemetry } from './telemetry';

function start(): { shutdown(): Promise<void> } {
  try {
    return startTelemetry(loadConfig().telemetry, process.env.npm_package_version);
  } catch {
    // An invalid configuration is reported by the application's own boot, with every bad variable.
    return { shutdown: async () => undefined };
  }
}

export const telemetry = start();
