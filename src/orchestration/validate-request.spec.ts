import 'reflect-metadata';
import type { FieldError, OrchestrationRequest } from '@app/contracts';
import { aBrief } from '../agents/testing/fixtures';
import { OrchestrationValidationError } from './orchestration-errors';
import { isValidRunRequest, validateRunRequest, ValidRunRequest, withIds } from './validate-request';

function aRequest(overrides: Record<string, unknown> = {}, brief: Record<string, unknown> = {}): OrchestrationRequest {
  return {
    campaignId: 'campaign-1',
    brief: { ...aBrief(), ...brief },
    selectedPlatforms: ['x', 'linkedin'],
    ...overrides,
  } as OrchestrationRequest;
}

/** The field errors `validateRunRequest(request)` reports, or a failure when it accepts the request. */
function fieldErrorsOf(request: unknown): FieldError[] {
  try {
    validateRunRequest(request as OrchestrationRequest);
  } catch (error) {
    expect(error).toBeInstanceOf(OrchestrationValidationError);
    expect((error as OrchestrationValidationError).code).toBe('VALIDATION_FAILED');
    return (error as OrchestrationValidationError).errors;
  }
  throw new Error('expected the request to be rejected');
}

const fieldsOf = (request: unknown) => [...new Set(fieldErrorsOf(request).map((e) => e.field))];

describe(validateRunRequest.name, () => {
  it('accepts a valid request and trims its text', () => {
    const request = aRequest(
      { executionMode: 'sequential', runId: 'run-7' },
      {
        objective: '  Grow trial subscriptions  ',
        targetAudience: '\tBusy professionals\n',
        productDetails: ' Brewly ',
        toneGuidelines: [' warm ', 'confident'],
        brandPalette: ['#FF5733', '#c70039'],
        constraints: { minWordCount: 200, maxWordCount: 300, requiredKeywords: [' free trial '], restrictedKeywords: ['cheap '], contentRating: 'general' },
      },
    );

    expect(validateRunRequest(request)).toEqual({
      campaignId: 'campaign-1',
      runId: 'run-7',
      executionMode: 'sequential',
      selectedPlatforms: ['x', 'linkedin'],
      brief: {
        objective: 'Grow trial subscriptions',
        targetAudience: 'Busy professionals',
        productDetails: 'Brewly',
        toneGuidelines: ['warm', 'confident'],
        brandPalette: ['#FF5733', '#c70039'],
        constraints: { minWordCount: 200, maxWordCount: 300, requiredKeywords: ['free trial'], restrictedKeywords: ['cheap'], contentRating: 'general' },
      },
    });
  });

  it('runs in parallel when no execution mode is given', () => {
    expect(validateRunRequest(aRequest()).executionMode).toBe('parallel');
  });

  it('strips unknown properties from the brief and its constraints', () => {
    const request = aRequest({ priority: 'urgent' }, { budget: 5000, constraints: { maxWordCount: 300, tone: 'loud' } });

    const { brief, ...rest } = validateRunRequest(request);

    expect(brief).not.toHaveProperty('budget');
    expect(brief.constraints).toEqual({ maxWordCount: 300 });
    expect(rest).not.toHaveProperty('priority');
  });

  it('does not change the request it was given', () => {
    const request = aRequest({}, { objective: '  padded  ' });

    validateRunRequest(request);

    expect(request.brief.objective).toBe('  padded  ');
  });

  it.each([
    ['objective', 500],
    ['productDetails', 4000],
  ])('accepts a brief.%s of exactly %i characters', (field, length) => {
    expect(validateRunRequest(aRequest({}, { [field]: 'a'.repeat(length) })).brief).toHaveProperty(field, 'a'.repeat(length));
  });

  it('accepts equal minWordCount and maxWordCount', () => {
    expect(validateRunRequest(aRequest({}, { constraints: { minWordCount: 250, maxWordCount: 250 } })).brief.constraints).toEqual({
      minWordCount: 250,
      maxWordCount: 250,
    });
  });

  describe('rejects', () => {
    it.each(['objective', 'targetAudience', 'productDetails'])('a missing brief.%s', (field) => {
      const request = aRequest();
      delete (request.brief as unknown as Record<string, unknown>)[field];

      expect(fieldsOf(request)).toEqual([`brief.${field}`]);
    });

    it.each(['objective', 'targetAudience', 'productDetails'])('a blank brief.%s', (field) => {
      expect(fieldsOf(aRequest({}, { [field]: '   ' }))).toEqual([`brief.${field}`]);
    });

    it.each([
      ['objective', 501],
      ['targetAudience', 501],
      ['productDetails', 4001],
    ])('a brief.%s of %i characters', (field, length) => {
      expect(fieldsOf(aRequest({}, { [field]: 'a'.repeat(length) }))).toEqual([`brief.${field}`]);
    });

    it.each([['red'], ['#FFF'], ['#GG0000'], ['FF5733']])('a brand colour %j that is not #RRGGBB', (colour) => {
      expect(fieldsOf(aRequest({}, { brandPalette: ['#FF5733', colour] }))).toEqual(['brief.brandPalette']);
    });

    it('a minWordCount above maxWordCount, on constraints.maxWordCount', () => {
      const errors = fieldErrorsOf(aRequest({}, { constraints: { minWordCount: 300, maxWordCount: 200 } }));

      expect(errors).toEqual([{ field: 'brief.constraints.maxWordCount', message: expect.stringContaining('minWordCount') }]);
    });

    it('an empty platform selection', () => {
      expect(fieldErrorsOf(aRequest({ selectedPlatforms: [] }))).toEqual([{ field: 'selectedPlatforms', message: 'select at least one platform' }]);
    });

    it('an unknown platform, naming it', () => {
      const errors = fieldErrorsOf(aRequest({ selectedPlatforms: ['x', 'myspace'] }));

      expect(errors).toEqual([{ field: 'selectedPlatforms', message: expect.stringContaining('"myspace"') }]);
    });

    it('a missing platform selection', () => {
      const request = aRequest();
      delete (request as Partial<OrchestrationRequest>).selectedPlatforms;

      expect(fieldsOf(request)).toEqual(['selectedPlatforms']);
    });

    it('an unknown execution mode', () => {
      expect(fieldsOf(aRequest({ executionMode: 'eventually' }))).toEqual(['executionMode']);
    });

    it('a missing brief', () => {
      const request = aRequest();
      delete (request as Partial<OrchestrationRequest>).brief;

      expect(fieldsOf(request)).toEqual(['brief']);
    });

    it.each([' ', undefined, 42])('a campaignId that is not a non-empty string (%p), with its message', (campaignId) => {
      expect(fieldErrorsOf(aRequest({ campaignId }))).toEqual([{ field: 'campaignId', message: 'campaignId must be a non-empty string' }]);
    });

    it('regeneration platforms outside the run\'s, naming them, and platforms for another artifact than short copy', () => {
      expect(fieldErrorsOf(aRequest({ regeneration: { artifactType: 'shortCopy', instructions: 'Shorter', platforms: ['threads', 'x'] } }))).toEqual([
        { field: 'regeneration.platforms', message: 'threads not among the selected platforms (x, linkedin)' },
      ]);
      expect(fieldErrorsOf(aRequest({ regeneration: { artifactType: 'copy', instructions: 'Shorter', platforms: ['x'] } }))).toEqual([
        { field: 'regeneration.platforms', message: 'platforms can only be chosen for shortCopy' },
      ]);
    });

    it('no regeneration platform errors while the run\'s own platforms are invalid (they are what those are checked against)', () => {
      const request = aRequest({ selectedPlatforms: ['myspace'], regeneration: { artifactType: 'shortCopy', instructions: 'Shorter', platforms: ['x'] } });
      expect(fieldsOf(request)).toEqual(['selectedPlatforms']);
    });

    it.each([null, undefined, 'a run', 42])('a request that is not an object (%p)', (request) => {
      expect(fieldErrorsOf(request)).toEqual([{ field: '(body)', message: 'must be an object' }]);
    });

    it('every invalid field at once, by its dotted path', () => {
      const request = aRequest(
        { selectedPlatforms: ['myspace'], executionMode: 'later' },
        { objective: '', productDetails: 'a'.repeat(4001), brandPalette: ['blue'], constraints: { minWordCount: 10, maxWordCount: 5 } },
      );

      expect(fieldsOf(request).sort()).toEqual(
        ['brief.brandPalette', 'brief.constraints.maxWordCount', 'brief.objective', 'brief.productDetails', 'executionMode', 'selectedPlatforms'].sort(),
      );
    });
  });
});

describe('validated requests', () => {
  it('are frozen and returned as they are when validated again; a copy is validated again', () => {
    const valid = validateRunRequest(aRequest());
    expect(Object.isFrozen(valid)).toBe(true);
    expect(Object.isFrozen(valid.brief)).toBe(true);
    expect(Object.isFrozen(valid.selectedPlatforms)).toBe(true);
    expect(validateRunRequest(valid)).toBe(valid);

    const tampered = { ...valid, selectedPlatforms: ['myspace'] } as unknown as OrchestrationRequest;
    expect(() => validateRunRequest(tampered)).toThrow(OrchestrationValidationError);
  });

  it('keep their validation when given their ids, which are checked', () => {
    const valid = validateRunRequest(aRequest({ campaignId: 'new' }));
    const placed = withIds(valid, 'campaign-9', 'run-9');
    expect(placed).toMatchObject({ campaignId: 'campaign-9', runId: 'run-9', brief: valid.brief });
    expect(validateRunRequest(placed)).toBe(placed);
    expect(() => withIds(valid, ' ', 'run-9')).toThrow(OrchestrationValidationError);
    // A request that was never validated is validated whole.
    expect(() => withIds(aRequest({ selectedPlatforms: [] }), 'campaign-9', 'run-9')).toThrow(OrchestrationValidationError);
    const unvalidated = withIds(aRequest({ campaignId: undefined }), 'campaign-9', 'run-9');
    expect(unvalidated).toMatchObject({ campaignId: 'campaign-9', runId: 'run-9', brief: { objective: aBrief().objective }, selectedPlatforms: ['x', 'linkedin'] });
    expect(isValidRunRequest(unvalidated)).toBe(true);
  });

  it('are known as valid only when this module returned them: a cast or a JSON round trip (a queued job) is not', () => {
    const valid = withIds(validateRunRequest(aRequest()), 'campaign-9', 'run-9');
    const readBack = JSON.parse(JSON.stringify(valid)) as ValidRunRequest;

    expect(isValidRunRequest(valid)).toBe(true);
    expect(isValidRunRequest(readBack)).toBe(false);
    expect(isValidRunRequest({ ...aRequest(), executionMode: 'parallel' } as ValidRunRequest)).toBe(false);
    const revalidated = validateRunRequest(readBack);
    expect(revalidated).not.toBe(readBack);
    expect(revalidated).toEqual(valid);
  });
});
