import 'reflect-metadata';
import type { FieldError } from '@app/contracts';
import { aBrief } from '../../agents/testing/fixtures';
import { validateDto } from '../../common/validate-dto';
import { errorsOf, text, tooLong } from '../../common/testing/field-errors';
import { CampaignBriefDto } from '../../orchestration/dto/run-request.dto';
import { CampaignInputDto, CreateAndStartRunDto, EventsQueryDto, PageQueryDto, RunRefDto, StartRunDto, SubscribeDto } from './start-run.dto';


const notInt = (field: string, min: number, max: number) => `${field} must be an integer number; ${field} must not be less than ${min}; ${field} must not be greater than ${max}`;
const MAX = Number.MAX_SAFE_INTEGER;
const aCampaign = (overrides: Record<string, unknown> = {}) => ({ name: 'Spring launch', brief: aBrief(), ...overrides });
const notBoth = [
  { field: 'campaign', message: 'give campaign or campaignId, not both (campaign was given with campaignId)' },
  { field: 'campaignId', message: 'give campaign or campaignId, not both (campaignId was given with campaign)' },
];

describe(CampaignInputDto.name, () => {
  it('accepts a name and a brief, trimmed, as DTO instances without unknown properties', async () => {
    const input = await validateDto(CampaignInputDto, { name: '  Spring  ', brief: aBrief({ objective: ' Grow ' }), owner: 'eve' });

    expect(input).toEqual({ name: 'Spring', brief: aBrief({ objective: 'Grow' }) });
    expect(input).toBeInstanceOf(CampaignInputDto);
    expect(input.brief).toBeInstanceOf(CampaignBriefDto);
  });

  it('accepts a name of exactly 200 characters', async () => {
    expect((await validateDto(CampaignInputDto, aCampaign({ name: 'n'.repeat(200) }))).name).toBe('n'.repeat(200));
  });

  it.each<[string, Record<string, unknown>, FieldError[]]>([
    ['an empty payload', {}, [{ field: 'name', message: text('name', 200) }, { field: 'brief', message: 'brief is required' }]],
    ['a name of 201 characters', aCampaign({ name: 'n'.repeat(201) }), [{ field: 'name', message: tooLong('name', 200) }]],
    ['a blank name', aCampaign({ name: '  ' }), [{ field: 'name', message: 'name should not be empty' }]],
    ['a null brief', aCampaign({ brief: null }), [{ field: 'brief', message: 'brief is required; nested property brief must be either object or array' }]],
    ['a brief that is not an object', aCampaign({ brief: 'coffee' }), [{ field: 'brief', message: 'nested property brief must be either object or array' }]],
    ['an invalid brief, by its path', aCampaign({ brief: aBrief({ objective: ' ', brandPalette: ['blue'] }) }), [
      { field: 'brief.objective', message: 'objective should not be empty' },
      { field: 'brief.brandPalette', message: 'each colour must be a #RRGGBB hex colour' },
    ]],
  ])('refuses %s', async (_, payload, errors) => {
    expect(await errorsOf(CampaignInputDto, payload)).toEqual(errors);
  });
});

describe(CreateAndStartRunDto.name, () => {
  it('accepts a campaign and run options, trimmed, leaving the execution mode to the engine', async () => {
    const dto = await validateDto(CreateAndStartRunDto, { campaign: aCampaign({ name: ' Spring ' }), selectedPlatforms: ['x', 'linkedin'] });

    expect(dto).toEqual({ campaign: { name: 'Spring', brief: aBrief() }, selectedPlatforms: ['x', 'linkedin'] });
    expect(dto.campaign).toBeInstanceOf(CampaignInputDto);
  });

  it('refuses a missing campaign, and an invalid one by its path', async () => {
    expect(await errorsOf(CreateAndStartRunDto, { selectedPlatforms: ['x'] })).toEqual([{ field: 'campaign', message: 'campaign is required' }]);
    expect(await errorsOf(CreateAndStartRunDto, { campaign: aCampaign({ name: '' }), selectedPlatforms: ['x'] })).toEqual([
      { field: 'campaign.name', message: 'name should not be empty' },
    ]);
  });
});

describe(StartRunDto.name, () => {
  it('starts a new campaign, trimmed', async () => {
    const dto = await validateDto(StartRunDto, { campaign: aCampaign({ name: ' Spring ' }), selectedPlatforms: ['x'], executionMode: 'sequential' });

    expect(dto).toEqual({ campaign: { name: 'Spring', brief: aBrief() }, selectedPlatforms: ['x'], executionMode: 'sequential' });
    expect(dto.campaign).toBeInstanceOf(CampaignInputDto);
  });

  it.each([
    ['a padded id', ' campaign-1 '],
    ['an id of 100 characters', 'c'.repeat(100)],
  ])('runs an existing campaign by %s, kept as given', async (_, campaignId) => {
    expect(await validateDto(StartRunDto, { campaignId, selectedPlatforms: ['x'] })).toEqual({ campaignId, selectedPlatforms: ['x'] });
  });

  it.each<[string, Record<string, unknown>, FieldError[]]>([
    ['a campaign with a campaignId', { campaign: aCampaign(), campaignId: 'campaign-1' }, notBoth],
    ['a null campaign with a campaignId', { campaign: null, campaignId: 'campaign-1' }, [
      { field: 'campaign', message: `${notBoth[0].message}; campaign or campaignId is required; nested property campaign must be either object or array` },
      notBoth[1],
    ]],
    ['neither', {}, [{ field: 'campaign', message: 'campaign or campaignId is required' }, { field: 'campaignId', message: text('campaignId', 100) }]],
    ['an empty campaignId', { campaignId: '' }, [{ field: 'campaignId', message: 'campaignId should not be empty' }]],
    ['a campaignId of 101 characters', { campaignId: 'c'.repeat(101) }, [{ field: 'campaignId', message: tooLong('campaignId', 100) }]],
    ['a campaignId that is not a string', { campaignId: 7 }, [{ field: 'campaignId', message: 'campaignId must be a string; campaignId must be shorter than or equal to 100 characters' }]],
    ['an invalid new campaign, by its path', { campaign: aCampaign({ name: ' ', brief: aBrief({ productDetails: '' }) }) }, [
      { field: 'campaign.name', message: 'name should not be empty' },
      { field: 'campaign.brief.productDetails', message: 'productDetails should not be empty' },
    ]],
  ])('refuses %s', async (_, payload, errors) => {
    expect(await errorsOf(StartRunDto, { selectedPlatforms: ['x'], ...payload })).toEqual(errors);
  });

  it.each([
    ['one character', 'k'],
    ['the first and last visible ASCII characters', '!~'],
    ['255 characters', 'a'.repeat(255)],
    ['a UUID', '6f1c2a9e-0b7d-4c1e-9a55-3f2d8e7b1c40'],
  ])('takes an idempotency key of %s', async (_, idempotencyKey) => {
    expect(await validateDto(StartRunDto, { campaignId: 'campaign-1', selectedPlatforms: ['x'], idempotencyKey })).toHaveProperty('idempotencyKey', idempotencyKey);
  });

  const badKey = 'idempotencyKey must be 1-255 visible ASCII characters';
  it.each<[string, unknown, string]>([
    ['empty', '', badKey],
    ['with a space', 'a b', badKey],
    ['of 256 characters', 'a'.repeat(256), badKey],
    ['with a letter beyond ASCII', 'clé', badKey],
    ['that is a number', 42, `${badKey}; idempotencyKey must be a string`],
  ])('refuses an idempotency key %s', async (_, idempotencyKey, message) => {
    expect(await errorsOf(StartRunDto, { campaignId: 'campaign-1', selectedPlatforms: ['x'], idempotencyKey })).toEqual([{ field: 'idempotencyKey', message }]);
  });
});

describe(SubscribeDto.name, () => {
  it('accepts a run id as given (up to 100 characters) and an afterSeq from 0 to the largest safe integer', async () => {
    for (const payload of [{ runId: ' run-1 ' }, { runId: 'r'.repeat(100), afterSeq: 0 }, { runId: 'run-1', afterSeq: MAX }]) {
      expect(await validateDto(SubscribeDto, payload)).toEqual(payload);
    }
  });

  it.each<[string, Record<string, unknown>, FieldError[]]>([
    ['a missing run id', {}, [{ field: 'runId', message: text('runId', 100) }]],
    ['a run id of 101 characters', { runId: 'r'.repeat(101) }, [{ field: 'runId', message: tooLong('runId', 100) }]],
    ['a negative afterSeq', { runId: 'run-1', afterSeq: -1 }, [{ field: 'afterSeq', message: 'afterSeq must not be less than 0' }]],
    ['an afterSeq beyond the safe integers', { runId: 'run-1', afterSeq: MAX + 1 }, [{ field: 'afterSeq', message: `afterSeq must not be greater than ${MAX}` }]],
    ['a fractional afterSeq', { runId: 'run-1', afterSeq: 1.5 }, [{ field: 'afterSeq', message: 'afterSeq must be an integer number' }]],
    ['an afterSeq in digits (the socket takes JSON integers)', { runId: 'run-1', afterSeq: '5' }, [{ field: 'afterSeq', message: notInt('afterSeq', 0, MAX) }]],
  ])('refuses %s', async (_, payload, errors) => {
    expect(await errorsOf(SubscribeDto, payload)).toEqual(errors);
  });
});

describe(RunRefDto.name, () => {
  it('takes a run id as given, up to 100 characters', async () => {
    expect(await validateDto(RunRefDto, { runId: ' run-1 ' })).toEqual({ runId: ' run-1 ' });
    expect(await validateDto(RunRefDto, { runId: 'r'.repeat(100) })).toEqual({ runId: 'r'.repeat(100) });
    expect(await errorsOf(RunRefDto, { runId: 'r'.repeat(101) })).toEqual([{ field: 'runId', message: tooLong('runId', 100) }]);
    expect(await errorsOf(RunRefDto, {})).toEqual([{ field: 'runId', message: text('runId', 100) }]);
  });
});

describe(EventsQueryDto.name, () => {
  it.each<[Record<string, unknown>, object]>([
    [{}, {}],
    [{ afterSeq: '0' }, { afterSeq: 0 }],
    [{ afterSeq: '12' }, { afterSeq: 12 }],
    [{ afterSeq: String(MAX) }, { afterSeq: MAX }],
  ])('reads %j as %j (no default filled in: the controller reads a missing afterSeq as 0)', async (query, expected) => {
    expect(await validateDto(EventsQueryDto, query)).toEqual(expected);
  });

  it.each<[string, string]>([
    ['-1', notInt('afterSeq', 0, MAX)],
    ['1.5', notInt('afterSeq', 0, MAX)],
    ['ten', notInt('afterSeq', 0, MAX)],
    ['', notInt('afterSeq', 0, MAX)],
    [String(MAX + 1), `afterSeq must not be greater than ${MAX}`],
  ])('refuses afterSeq=%j', async (afterSeq, message) => {
    expect(await errorsOf(EventsQueryDto, { afterSeq })).toEqual([{ field: 'afterSeq', message }]);
  });
});

describe(PageQueryDto.name, () => {
  it('reads numbers from digits and the token as given, up to their limits, with no defaults filled in', async () => {
    const token = ` ${'t'.repeat(4094)} `;
    expect(await validateDto(PageQueryDto, {})).toEqual({});
    expect(await validateDto(PageQueryDto, { page: '1', pageSize: '1' })).toEqual({ page: 1, pageSize: 1 });
    expect(await validateDto(PageQueryDto, { page: '100000', pageSize: '100', continuationToken: token })).toEqual({ page: 100_000, pageSize: 100, continuationToken: token });
  });

  it.each<[string, Record<string, unknown>, FieldError[]]>([
    ['zeros', { page: '0', pageSize: '0' }, [{ field: 'page', message: 'page must not be less than 1' }, { field: 'pageSize', message: 'pageSize must not be less than 1' }]],
    ['numbers over the maximum', { page: '100001', pageSize: '101' },
      [{ field: 'page', message: 'page must not be greater than 100000' }, { field: 'pageSize', message: 'pageSize must not be greater than 100' }]],
    ['words and fractions', { page: 'two', pageSize: '2.5' }, [{ field: 'page', message: notInt('page', 1, 100_000) }, { field: 'pageSize', message: notInt('pageSize', 1, 100) }]],
    ['an empty token', { continuationToken: '' }, [{ field: 'continuationToken', message: 'continuationToken should not be empty' }]],
    ['a token of 4097 characters', { continuationToken: 't'.repeat(4097) }, [{ field: 'continuationToken', message: tooLong('continuationToken', 4096) }]],
  ])('refuses %s', async (_, query, errors) => {
    expect(await errorsOf(PageQueryDto, query)).toEqual(errors);
  });
});
