// @ts-check
/**
 * StrykerJS over one folder of the engine at a time: `MUTATE_FOLDER=orchestration|runs|agents`
 * (`npm run mutation` runs the three in turn, see scripts/mutation.sh). A mutant runs only the
 * tests that cover it, from the spec files of its own folder that import its file (for src/runs,
 * also the integration specs of its Redis adapters, which need `redis-server`): each spec file a
 * mutant loads costs seconds of imports, so specs of other folders are left to their own run.
 */
import jestConfig from './jest.config.js';

const folder = process.env.MUTATE_FOLDER ?? 'orchestration';
const FOLDERS = ['orchestration', 'runs', 'agents'];
if (!FOLDERS.includes(folder)) throw new Error(`MUTATE_FOLDER must be one of ${FOLDERS.join(', ')}`);

/** The Redis adapters' specs: real redis-server, started by each spec on a free port. */
const REDIS_SPECS = ['redis-run-event-bus', 'bullmq-run-queue', 'in-process-run-event-bus', 'redis-wiring'];
const withRedis = folder === 'runs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  $schema: './node_modules/@stryker-mutator/core/schema/stryker-schema.json',
  packageManager: 'npm',
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    configFile: 'jest.config.js',
    config: {
      roots: [`<rootDir>/src/${folder}`, ...(withRedis ? ['<rootDir>/test/integration'] : [])],
      // The API documentation decorators as no-ops (see the stub): they cost each spec file most of a second.
      moduleNameMapper: {
        ...jestConfig.moduleNameMapper,
        '^@nestjs/swagger$': '<rootDir>/test/support/mutation/nestjs-swagger.js',
      },
      testRegex: withRedis ? `(/src/.*\\.spec|/test/integration/(${REDIS_SPECS.join('|')})\\.int-spec)\\.ts$` : '/src/.*\\.spec\\.ts$',
    },
    enableFindRelatedTests: true,
  },
  mutate: [`src/${folder}/**/*.ts`, '!src/**/*.spec.ts', '!src/**/testing/**', '!src/**/*.module.ts'],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  // Above the specs' own run deadline (RUN_DEADLINE_MS, 3 s): a run that never ends fails its test, which costs less than a timeout (a new test runner).
  timeoutMS: 5000,
  ignorePatterns: ['dist', 'dist-bench', 'coverage', 'data', 'reports'],
  tempDirName: `reports/.stryker-tmp-${folder}`,
  incremental: true,
  incrementalFile: `reports/mutation/${folder}.incremental.json`,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${folder}.html` },
  jsonReporter: { fileName: `reports/mutation/${folder}.json` },
  thresholds: { high: 90, low: 85, break: null },
  cleanTempDir: true,
  clearTextReporter: { allowColor: false, logTests: false, reportTests: false, reportMutants: true, reportScoreTable: true },
};
