// @ts-check
const { startHangGuard } = require('./hang-guard');

/** Jest's global setup: the hang guard of the process that runs the tests in band (see hang-guard.js). */
module.exports = () => startHangGuard();
