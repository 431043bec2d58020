import 'reflect-metadata';
import './config/apply-env-file';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { NestFactory } from '@nestjs/core';
import { lastValueFrom, tap } from 'rxjs';
import type { CampaignBrief, ExecutionMode, Platform } from '@app/contracts';
import { Module } from '@nestjs/common';
import { ConfigModule } from './config/config.module';
import { OrchestrationModule } from './orchestration/orchestration.module';
import { CampaignOrchestrator } from './orchestration/campaign-orchestrator.service';
import { OrchestrationValidationError } from './orchestration/orchestration-errors';
import { RunRegistry } from './orchestration/run-registry';

/** The engine alone: configuration and orchestration, no server or store. */
@Module({ imports: [ConfigModule.forRoot(), OrchestrationModule] })
class CliModule {}

/** The brief used when none is given. */
const SAMPLE_BRIEF: CampaignBrief = {
  objective: 'Drive sign-ups for the spring launch of our reusable coffee cup',
  targetAudience: 'Urban commuters aged 25-40 who buy coffee on the way to work',
  productDetails: 'The Loop Cup is a leak-proof, dishwasher-safe reusable cup made from recycled steel. It keeps drinks hot for four hours and fits every car cup holder.',
  toneGuidelines: ['upbeat', 'practical'],
  brandPalette: ['#0B6E4F', '#F2C14E'],
  constraints: { requiredKeywords: ['Loop Cup'], restrictedKeywords: ['cheap', 'guaranteed'] },
};

const USAGE = `Runs one orchestration on the configured LLM (offline by default) and prints its events.
Usage: npm run orchestrate -- [--mode parallel|sequential] [--platforms x,linkedin] [--brief brief.json] [--json]`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      mode: { type: 'string', default: 'parallel' },
      platforms: { type: 'string', default: 'x,linkedin,instagram' },
      brief: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const app = await NestFactory.createApplicationContext(CliModule, { logger: ['error', 'warn'] });
  const orchestrator = app.get(CampaignOrchestrator);
  const registry = app.get(RunRegistry);
  const brief = values.brief ? (JSON.parse(readFileSync(values.brief, 'utf8')) as CampaignBrief) : SAMPLE_BRIEF;
  process.once('SIGINT', () => registry.cancelAll());
  try {
    const execution = orchestrator.run({
      campaignId: 'cli',
      brief,
      executionMode: values.mode as ExecutionMode,
      selectedPlatforms: (values.platforms ?? '').split(',').filter(Boolean) as Platform[],
    });
    await lastValueFrom(
      execution.events$.pipe(
        tap((e) =>
          console.log(
            values.json
              ? JSON.stringify(e)
              : `#${String(e.seq).padStart(2)} ${e.timestamp.slice(11, 23)} ${e.state.padEnd(19)} ${(e.phase ?? '').padEnd(9)} a${e.attempt} ${e.message}`,
          ),
        ),
      ),
    );
    const result = await execution.result;
    console.log(JSON.stringify(values.json ? result : { status: result.status, errors: result.errors, metrics: result.metrics }, null, 2));
    return result.status === 'failed' ? 1 : 0;
  } catch (error) {
    if (error instanceof OrchestrationValidationError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  } finally {
    await app.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
