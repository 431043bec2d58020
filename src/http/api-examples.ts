import type { CampaignBrief } from '@app/contracts';

/** Request examples of the OpenAPI document: one (at least) per request body. */

const BRIEF: CampaignBrief = {
  objective: 'Launch the Aurora smart lamp to early adopters',
  targetAudience: 'Design-minded urban professionals aged 25-40',
  productDetails: 'Aurora is a Wi-Fi smart lamp with circadian lighting, voice control and a 10-year warranty.',
  toneGuidelines: ['confident', 'warm'],
  brandPalette: ['#1A73E8', '#F4B400'],
  constraints: { minWordCount: 200, maxWordCount: 400, requiredKeywords: ['Aurora'], restrictedKeywords: ['cheap'], contentRating: 'general' },
};

const example = (summary: string, value: unknown) => ({ summary, value });

export const EXAMPLES = {
  campaign: { launch: example('A campaign with its brief', { name: 'Aurora launch', brief: BRIEF }) },
  createAndStart: {
    parallel: example('Create a campaign and run it', { campaign: { name: 'Aurora launch', brief: BRIEF }, executionMode: 'parallel', selectedPlatforms: ['x', 'linkedin'] }),
  },
  runOptions: { sequential: example('Run an existing campaign, one generator after another', { executionMode: 'sequential', selectedPlatforms: ['instagram'] }) },
  regenerate: {
    copy: example('Rewrite the long copy', { instructions: 'Make it more playful and mention the free trial', activate: 'unlessFailed' }),
    shortCopy: example('Rewrite the X posts only, keep the active version', { instructions: 'Shorter, with one emoji', platforms: ['x'], activate: 'never' }),
  },
  activate: { rollBack: example('Make version 2 the active one', { versionNumber: 2 }) },
  approve: {
    plain: example('Approve passed versions', {}),
    override: example('Approve although a version did not pass', { override: { reason: 'Legal reviewed the conditional copy' } }),
  },
  edit: {
    rename: example('A new name', { name: 'Aurora spring launch' }),
    rebrief: example('A new brief (briefRevision + 1)', { brief: { ...BRIEF, objective: 'Win back lapsed customers before summer' } }),
  },
};
