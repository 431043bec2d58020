import 'reflect-metadata';
import { CONTENT_RATINGS, EXECUTION_MODES, PLATFORMS, type FieldError } from '@app/contracts';
import { aBrief } from '../../agents/testing/fixtures';
import { validateDto } from '../../common/validate-dto';
import { errorsOf } from '../../common/testing/field-errors';
import { CampaignBriefDto, ConstraintsDto, RegenerationDto, RunOptionsDto, RunRequestDto } from './run-request.dto';

// What validate-request.spec.ts already proves (trimming, text limits, required brief fields,
// platforms missing or empty, colours of the wrong shape) is not repeated here.


const ALLOWED = '(allowed: x, threads, instagram, linkedin, facebook)';
const words = (count: number, length: number) => Array.from({ length: count }, (_, i) => `${i}`.padEnd(length, 'w'));
const briefWith = (overrides: Record<string, unknown>) => ({ ...aBrief(), ...overrides });
const withConstraints = (constraints: unknown) => briefWith({ constraints });

describe(RunOptionsDto.name, () => {
  it.each(EXECUTION_MODES)('takes every platform, in the order given, and the execution mode %s', async (executionMode) => {
    const platforms = [...PLATFORMS].reverse();
    expect(await validateDto(RunOptionsDto, { selectedPlatforms: platforms, executionMode })).toEqual({ selectedPlatforms: platforms, executionMode });
  });

  it.each<[string, unknown, string]>([
    ['unknown platforms, naming each', ['x', 'myspace', 3], `unknown platform "myspace", 3 ${ALLOWED}`],
    ['a platform twice', ['x', 'x'], "All selectedPlatforms's elements must be unique"],
    // A list that is not an array has no platform to name: hence the two spaces.
    ['a platform that is not in a list', 'x', `selectedPlatforms must be an array; select at least one platform; All selectedPlatforms's elements must be unique; unknown platform  ${ALLOWED}`],
  ])('refuses %s', async (_, selectedPlatforms, message) => {
    expect(await errorsOf(RunOptionsDto, { selectedPlatforms })).toEqual([{ field: 'selectedPlatforms', message }]);
  });

  it('refuses an unknown execution mode, naming the modes', async () => {
    expect(await errorsOf(RunOptionsDto, { selectedPlatforms: ['x'], executionMode: 'eventually' })).toEqual([
      { field: 'executionMode', message: 'executionMode must be one of the following values: parallel, sequential' },
    ]);
  });
});

describe(CampaignBriefDto.name, () => {
  it('accepts a target audience of exactly 500 characters', async () => {
    expect(await validateDto(CampaignBriefDto, briefWith({ targetAudience: 'a'.repeat(500) }))).toHaveProperty('targetAudience', 'a'.repeat(500));
  });

  describe.each([
    ['toneGuidelines', 20, 50],
    ['constraints.requiredKeywords', 50, 100],
    ['constraints.restrictedKeywords', 200, 100],
  ])('the text list %s', (field, maxItems, maxLength) => {
    const name = field.split('.').pop()!;
    const brief = (list: unknown) => (field.startsWith('constraints.') ? withConstraints({ [name]: list }) : briefWith({ [name]: list }));
    const refused = async (list: unknown) => errorsOf(CampaignBriefDto, brief(list));

    it(`takes up to ${maxItems} items of up to ${maxLength} characters, each trimmed`, async () => {
      const list = words(maxItems, maxLength);
      const dto = (await validateDto(CampaignBriefDto, brief([` ${list[0]}\t`, ...list.slice(1)]))) as unknown as Record<string, unknown>;
      expect(field.startsWith('constraints.') ? (dto.constraints as Record<string, unknown>)[name] : dto[name]).toEqual(list);
    });

    it('refuses too many items, too long an item, a blank item, an item that is not a string and a list that is not an array', async () => {
      const each = (rule: string) => `each value in ${name} ${rule}`;
      expect(await refused(words(maxItems + 1, 5))).toEqual([{ field, message: `${name} must contain no more than ${maxItems} elements` }]);
      expect(await refused(['ok', 'w'.repeat(maxLength + 1)])).toEqual([{ field, message: each(`must be shorter than or equal to ${maxLength} characters`) }]);
      expect(await refused(['ok', ' \n '])).toEqual([{ field, message: each('should not be empty') }]);
      expect(await refused(['ok', 7])).toEqual([{ field, message: `${each('must be a string')}; ${each(`must be shorter than or equal to ${maxLength} characters`)}` }]);
      expect(await refused('warm')).toEqual([{ field, message: `${name} must be an array; ${name} must contain no more than ${maxItems} elements` }]);
    });
  });

  describe('brandPalette', () => {
    const COLOUR = 'each colour must be a #RRGGBB hex colour';

    it('takes up to 20 #RRGGBB colours in either case, as given', async () => {
      const palette = Array.from({ length: 20 }, (_, i) => (i % 2 ? '#ABCDEF' : '#09afaf'));
      expect(await validateDto(CampaignBriefDto, briefWith({ brandPalette: palette }))).toHaveProperty('brandPalette', palette);
    });

    it.each(['#FFF57', '#FF57339', 'x#FF5733', '#FF5733x', ' #FF5733', '#12345G'])('refuses the colour %j, saying what a colour is', async (colour) => {
      expect(await errorsOf(CampaignBriefDto, briefWith({ brandPalette: ['#FF5733', colour] }))).toEqual([{ field: 'brandPalette', message: COLOUR }]);
    });

    it('refuses 21 colours and a palette that is not a list', async () => {
      expect(await errorsOf(CampaignBriefDto, briefWith({ brandPalette: Array(21).fill('#FF5733') }))).toEqual([
        { field: 'brandPalette', message: 'brandPalette must contain no more than 20 elements' },
      ]);
      expect(await errorsOf(CampaignBriefDto, briefWith({ brandPalette: '#FF5733' }))).toEqual([
        { field: 'brandPalette', message: 'brandPalette must contain no more than 20 elements; brandPalette must be an array' },
      ]);
    });
  });
});

describe(ConstraintsDto.name, () => {
  const RANGE = (field: string) => `${field} must be an integer number; ${field} must not be less than 1; ${field} must not be greater than 10000`;

  it.each<[string, object]>([
    ['no constraint at all', {}],
    ['word counts at their bounds', { minWordCount: 1, maxWordCount: 10_000 }],
    ['equal word counts', { minWordCount: 10_000, maxWordCount: 10_000 }],
    ['a minimum alone', { minWordCount: 300 }],
    ['a maximum alone', { maxWordCount: 1 }],
    ...CONTENT_RATINGS.map((contentRating): [string, object] => [`the rating ${contentRating}`, { contentRating }]),
  ])('accepts %s', async (_, constraints) => {
    expect(await validateDto(ConstraintsDto, constraints)).toEqual(constraints);
  });

  it.each<[string, object, FieldError[]]>([
    ['word counts below 1', { minWordCount: 0, maxWordCount: 0 }, [
      { field: 'minWordCount', message: 'minWordCount must not be less than 1' },
      { field: 'maxWordCount', message: 'maxWordCount must not be less than 1' },
    ]],
    ['word counts above 10000', { minWordCount: 10_001, maxWordCount: 10_001 }, [
      { field: 'minWordCount', message: 'minWordCount must not be greater than 10000' },
      { field: 'maxWordCount', message: 'maxWordCount must not be greater than 10000' },
    ]],
    ['a fractional word count', { maxWordCount: 2.5 }, [{ field: 'maxWordCount', message: 'maxWordCount must be an integer number' }]],
    ['a minimum above the maximum, on the maximum', { minWordCount: 301, maxWordCount: 300 }, [
      { field: 'maxWordCount', message: 'maxWordCount must be greater than or equal to minWordCount' },
    ]],
    // The order of the two counts is checked only between numbers (5 <= 'many' would be false).
    ['a maximum that is not a number', { minWordCount: 5, maxWordCount: 'many' }, [{ field: 'maxWordCount', message: RANGE('maxWordCount') }]],
    ['a minimum that is not a number', { minWordCount: 'few', maxWordCount: 3 }, [{ field: 'minWordCount', message: RANGE('minWordCount') }]],
    ['a word count in digits', { maxWordCount: '300' }, [{ field: 'maxWordCount', message: RANGE('maxWordCount') }]],
    ['an unknown rating', { contentRating: 'adult' }, [{ field: 'contentRating', message: 'contentRating must be one of the following values: general, teen, mature' }]],
  ])('refuses %s', async (_, constraints, errors) => {
    expect(await errorsOf(ConstraintsDto, constraints)).toEqual(errors);
  });

  it('refuses constraints that are not an object, by their path in the brief', async () => {
    expect(await errorsOf(CampaignBriefDto, withConstraints('short'))).toEqual([{ field: 'constraints', message: 'nested property constraints must be either object or array' }]);
  });
});

describe(`${RunRequestDto.name} regeneration`, () => {
  const request = (regeneration: unknown) => ({ brief: aBrief(), selectedPlatforms: ['x', 'linkedin'], regeneration });
  const regeneration = { artifactType: 'shortCopy', instructions: ' Shorter ', platforms: ['x'], activate: 'never', base: { versionNumber: 2 } };

  it('takes the artifact, trimmed instructions, platforms, activation and base', async () => {
    const dto = await validateDto(RunRequestDto, request(regeneration));

    expect(dto.regeneration).toEqual({ ...regeneration, instructions: 'Shorter' });
    expect(dto.regeneration).toBeInstanceOf(RegenerationDto);
  });

  it.each<[string, object, FieldError[]]>([
    ['an unknown artifact type', { artifactType: 'image' }, [
      { field: 'regeneration.artifactType', message: 'artifactType must be one of the following values: copy, shortCopy, visualConcept' },
    ]],
    ['a base that is not an object', { base: 'v2' }, [{ field: 'regeneration.base', message: 'base must be an object' }]],
    ['no platform', { platforms: [] }, [{ field: 'regeneration.platforms', message: 'name at least one platform, or leave platforms out' }]],
    ['an unknown platform', { platforms: ['orkut'] }, [{ field: 'regeneration.platforms', message: `unknown platform "orkut" ${ALLOWED}` }]],
    ['blank instructions', { instructions: '  ' }, [{ field: 'regeneration.instructions', message: 'instructions should not be empty' }]],
  ])('refuses %s', async (_, overrides, errors) => {
    expect(await errorsOf(RunRequestDto, request({ ...regeneration, ...overrides }))).toEqual(errors);
  });

  it('refuses a regeneration that is not an object', async () => {
    expect(await errorsOf(RunRequestDto, request('again'))).toEqual([{ field: 'regeneration', message: 'nested property regeneration must be either object or array' }]);
  });
});
