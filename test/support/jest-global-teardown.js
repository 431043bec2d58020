// @ts-check
const { exitIfStillAlive, stopHangGuard } = require('./hang-guard');

/**
 * Jest's global teardown: stops the hang guard, and fails a run whose process does not exit
 * after its last test (not in watch mode, where it stays on purpose).
 * @param {import('@jest/types').Config.GlobalConfig} globalConfig
 */
module.exports = async (globalConfig) => {
  await stopHangGuard();
  if (!globalConfig.watch && !globalConfig.watchAll) exitIfStillAlive();
};
