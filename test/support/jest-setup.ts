import { Logger } from '@nestjs/common';

// Unit and integration tests run without the app's pino logger: keep Nest's default logger to
// warnings and errors so state-transition logs do not flood the output.
Logger.overrideLogger(['error', 'warn']);
