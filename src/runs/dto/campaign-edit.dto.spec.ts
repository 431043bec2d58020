import 'reflect-metadata';
import { ACTIVATIONS, ARTIFACT_TYPES, type FieldError } from '@app/contracts';
import { aBrief } from '../../agents/testing/fixtures';
import { validateDto } from '../../common/validate-dto';
import { errorsOf, text, tooLong } from '../../common/testing/field-errors';
import { CampaignBriefDto } from '../../orchestration/dto/run-request.dto';
import {
  ActivateDto, ActivateMessageDto, ApproveDto, ApproveMessageDto, ArtifactPathDto, CampaignEditDto, CampaignRefDto,
  EditMessageDto, OverrideDto, RegenerateMessageDto, VersionMessageDto, VersionPathDto, VersionsMessageDto, VersionsQueryDto,
} from './campaign-edit.dto';


const notInt = (field: string, min: number, max?: number) =>
  `${field} must be an integer number; ${field} must not be less than ${min}${max === undefined ? '' : `; ${field} must not be greater than ${max}`}`;
const ARTIFACT_TYPE = 'artifactType must be one of the following values: copy, shortCopy, visualConcept';
const path = { campaignId: ' campaign-1 ', artifactType: 'copy' };
const ref = { campaignId: 'campaign-1', etag: ' "e-1" ' };

describe(ArtifactPathDto.name, () => {
  it.each(ARTIFACT_TYPES)('takes the artifact type %s, with the campaign id as given', async (artifactType) => {
    expect(await validateDto(ArtifactPathDto, { campaignId: ' campaign-1 ', artifactType })).toEqual({ campaignId: ' campaign-1 ', artifactType });
  });

  it.each<[string, Record<string, unknown>, FieldError[]]>([
    ['nothing', {}, [{ field: 'campaignId', message: text('campaignId', 100) }, { field: 'artifactType', message: ARTIFACT_TYPE }]],
    ['an unknown artifact type and a campaign id of 101 characters', { campaignId: 'c'.repeat(101), artifactType: 'image' },
      [{ field: 'campaignId', message: tooLong('campaignId', 100) }, { field: 'artifactType', message: ARTIFACT_TYPE }]],
  ])('refuses %s', async (_, payload, errors) => {
    expect(await errorsOf(ArtifactPathDto, payload)).toEqual(errors);
  });
});

describe(VersionPathDto.name, () => {
  it.each([['1', 1], ['42', 42], [String(Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER]])('reads the version number %s from its digits', async (versionNumber, expected) => {
    expect(await validateDto(VersionPathDto, { ...path, versionNumber })).toEqual({ ...path, versionNumber: expected });
  });

  it.each([
    ['0', 'versionNumber must not be less than 1'],
    ['1.5', notInt('versionNumber', 1)],
    ['one', notInt('versionNumber', 1)],
    [undefined, notInt('versionNumber', 1)],
  ])('refuses the version number %j', async (versionNumber, message) => {
    expect(await errorsOf(VersionPathDto, { ...path, versionNumber })).toEqual([{ field: 'versionNumber', message }]);
  });
});

describe(VersionsQueryDto.name, () => {
  it('reads the page size from digits (1 to 100) and keeps the token as given', async () => {
    expect(await validateDto(VersionsQueryDto, {})).toEqual({});
    expect(await validateDto(VersionsQueryDto, { pageSize: '1', continuationToken: ' t ' })).toEqual({ pageSize: 1, continuationToken: ' t ' });
    expect(await validateDto(VersionsQueryDto, { pageSize: '100', continuationToken: 't'.repeat(4096) })).toEqual({ pageSize: 100, continuationToken: 't'.repeat(4096) });
  });

  it.each<[string, Record<string, unknown>, FieldError[]]>([
    ['a page size of 0', { pageSize: '0' }, [{ field: 'pageSize', message: 'pageSize must not be less than 1' }]],
    ['a page size of 101', { pageSize: '101' }, [{ field: 'pageSize', message: 'pageSize must not be greater than 100' }]],
    ['an empty token', { continuationToken: '' }, [{ field: 'continuationToken', message: 'continuationToken should not be empty' }]],
    ['a token of 4097 characters', { continuationToken: 't'.repeat(4097) }, [{ field: 'continuationToken', message: tooLong('continuationToken', 4096) }]],
  ])('refuses %s', async (_, query, errors) => {
    expect(await errorsOf(VersionsQueryDto, query)).toEqual(errors);
  });
});

describe(ActivateDto.name, () => {
  it('takes a version number from 1, as a JSON integer only', async () => {
    expect(await validateDto(ActivateDto, { versionNumber: 1 })).toEqual({ versionNumber: 1 });
    expect(await errorsOf(ActivateDto, { versionNumber: 0 })).toEqual([{ field: 'versionNumber', message: 'versionNumber must not be less than 1' }]);
    expect(await errorsOf(ActivateDto, { versionNumber: 2.5 })).toEqual([{ field: 'versionNumber', message: 'versionNumber must be an integer number' }]);
    expect(await errorsOf(ActivateDto, { versionNumber: '2' })).toEqual([{ field: 'versionNumber', message: notInt('versionNumber', 1) }]);
    expect(await errorsOf(ActivateDto, {})).toEqual([{ field: 'versionNumber', message: notInt('versionNumber', 1) }]);
  });
});

describe(ApproveDto.name, () => {
  it('takes no override, or an override whose reason is trimmed', async () => {
    expect(await validateDto(ApproveDto, {})).toEqual({});
    const approve = await validateDto(ApproveDto, { override: { reason: ' Audited by hand ', by: 'eve' } });
    expect(approve).toEqual({ override: { reason: 'Audited by hand' } });
    expect(approve.override).toBeInstanceOf(OverrideDto);
    expect(await validateDto(ApproveDto, { override: { reason: 'r'.repeat(1000) } })).toEqual({ override: { reason: 'r'.repeat(1000) } });
  });

  it.each<[string, unknown, FieldError[]]>([
    ['without a reason', {}, [{ field: 'override.reason', message: text('reason', 1000) }]],
    ['with a blank reason', { reason: '  ' }, [{ field: 'override.reason', message: 'reason should not be empty' }]],
    ['with a reason of 1001 characters', { reason: 'r'.repeat(1001) }, [{ field: 'override.reason', message: tooLong('reason', 1000) }]],
    ['that is not an object', 'because', [{ field: 'override', message: 'nested property override must be either object or array' }]],
  ])('refuses an override %s', async (_, override, errors) => {
    expect(await errorsOf(ApproveDto, { override })).toEqual(errors);
  });
});

describe(CampaignEditDto.name, () => {
  it('takes a trimmed name and/or brief (the service refuses an edit of nothing)', async () => {
    expect(await validateDto(CampaignEditDto, {})).toEqual({});
    const edit = await validateDto(CampaignEditDto, { name: ' Autumn ', brief: aBrief({ objective: ' Grow ' }) });
    expect(edit).toEqual({ name: 'Autumn', brief: aBrief({ objective: 'Grow' }) });
    expect(edit.brief).toBeInstanceOf(CampaignBriefDto);
    expect(await validateDto(CampaignEditDto, { name: 'n'.repeat(200) })).toEqual({ name: 'n'.repeat(200) });
  });

  it('refuses a name of 201 characters and an invalid brief, by its path', async () => {
    expect(await errorsOf(CampaignEditDto, { name: 'n'.repeat(201), brief: aBrief({ targetAudience: '' }) })).toEqual([
      { field: 'name', message: tooLong('name', 200) },
      { field: 'brief.targetAudience', message: 'targetAudience should not be empty' },
    ]);
  });
});

describe(CampaignRefDto.name, () => {
  it('takes a campaign id and an ETag as given, up to 100 and 200 characters', async () => {
    expect(await validateDto(CampaignRefDto, ref)).toEqual(ref);
    const longest = { campaignId: 'c'.repeat(100), etag: 'e'.repeat(200) };
    expect(await validateDto(CampaignRefDto, longest)).toEqual(longest);
    expect(await errorsOf(CampaignRefDto, { campaignId: 'c'.repeat(101), etag: 'e'.repeat(201) }))
      .toEqual([{ field: 'campaignId', message: tooLong('campaignId', 100) }, { field: 'etag', message: tooLong('etag', 200) }]);
    expect(await errorsOf(CampaignRefDto, {})).toEqual([{ field: 'campaignId', message: text('campaignId', 100) }, { field: 'etag', message: text('etag', 200) }]);
  });
});

describe(RegenerateMessageDto.name, () => {
  const regenerate = { campaignId: ' campaign-1 ', artifactType: 'shortCopy', instructions: ' Shorter, please ' };

  it.each(ACTIVATIONS)('takes the trimmed instructions, platforms, activate %s and an idempotency key', async (activate) => {
    const message = { ...regenerate, platforms: ['x'], activate, idempotencyKey: 'key-1' };
    expect(await validateDto(RegenerateMessageDto, message)).toEqual({ ...message, instructions: 'Shorter, please' });
  });

  it.each<[string, Record<string, unknown>, FieldError[]]>([
    ['nothing', { campaignId: undefined, artifactType: undefined, instructions: undefined }, [
      { field: 'campaignId', message: text('campaignId', 100) },
      { field: 'artifactType', message: ARTIFACT_TYPE },
      { field: 'instructions', message: text('instructions', 4000) },
    ]],
    ['instructions of 4001 characters', { instructions: 'i'.repeat(4001) }, [{ field: 'instructions', message: tooLong('instructions', 4000) }]],
    ['an empty platform list', { platforms: [] }, [{ field: 'platforms', message: 'name at least one platform, or leave platforms out' }]],
    ['an unknown activation', { activate: 'sometimes' }, [{ field: 'activate', message: 'activate must be one of the following values: unlessFailed, always, never' }]],
    ['a bad idempotency key', { idempotencyKey: 'a b' }, [{ field: 'idempotencyKey', message: 'idempotencyKey must be 1-255 visible ASCII characters' }]],
  ])('refuses %s', async (_, overrides, errors) => {
    expect(await errorsOf(RegenerateMessageDto, { ...regenerate, ...overrides })).toEqual(errors);
  });

  it('accepts instructions of exactly 4000 characters', async () => {
    expect(await validateDto(RegenerateMessageDto, { ...regenerate, instructions: 'i'.repeat(4000) })).toHaveProperty('instructions', 'i'.repeat(4000));
  });
});

describe('socket messages of the editor', () => {
  it('take JSON integers only: a page size of 1 to 100 and a version number from 1', async () => {
    expect(await validateDto(VersionsMessageDto, path)).toEqual(path);
    expect(await validateDto(VersionsMessageDto, { ...path, pageSize: 100, continuationToken: ' t ' })).toEqual({ ...path, pageSize: 100, continuationToken: ' t ' });
    expect(await validateDto(VersionMessageDto, { ...path, versionNumber: 1 })).toEqual({ ...path, versionNumber: 1 });
    expect(await errorsOf(VersionsMessageDto, { ...path, pageSize: '20' })).toEqual([{ field: 'pageSize', message: notInt('pageSize', 1, 100) }]);
    expect(await errorsOf(VersionsMessageDto, { ...path, pageSize: 101, continuationToken: '' }))
      .toEqual([{ field: 'pageSize', message: 'pageSize must not be greater than 100' }, { field: 'continuationToken', message: 'continuationToken should not be empty' }]);
    expect(await errorsOf(VersionsMessageDto, { ...path, pageSize: 0, continuationToken: 't'.repeat(4097) }))
      .toEqual([{ field: 'pageSize', message: 'pageSize must not be less than 1' }, { field: 'continuationToken', message: tooLong('continuationToken', 4096) }]);
    expect(await errorsOf(VersionMessageDto, { ...path, versionNumber: '1' })).toEqual([{ field: 'versionNumber', message: notInt('versionNumber', 1) }]);
  });

  it('activate a version with the ETag as given, up to 200 characters', async () => {
    expect(await validateDto(ActivateMessageDto, { ...path, versionNumber: 2, etag: ' "e" ' })).toEqual({ ...path, versionNumber: 2, etag: ' "e" ' });
    expect(await errorsOf(ActivateMessageDto, { ...path, versionNumber: 2, etag: 'e'.repeat(201) })).toEqual([{ field: 'etag', message: tooLong('etag', 200) }]);
    expect(await errorsOf(ActivateMessageDto, path)).toEqual([{ field: 'etag', message: text('etag', 200) }, { field: 'versionNumber', message: notInt('versionNumber', 1) }]);
  });

  it('approve with an optional, trimmed override', async () => {
    expect(await validateDto(ApproveMessageDto, ref)).toEqual(ref);
    const approve = await validateDto(ApproveMessageDto, { ...ref, override: { reason: ' ok ' } });
    expect(approve).toEqual({ ...ref, override: { reason: 'ok' } });
    expect(approve.override).toBeInstanceOf(OverrideDto);
    expect(await errorsOf(ApproveMessageDto, { ...ref, override: {} })).toEqual([{ field: 'override.reason', message: text('reason', 1000) }]);
  });

  it('edit with a trimmed name of up to 200 characters and/or a brief', async () => {
    expect(await validateDto(EditMessageDto, ref)).toEqual(ref);
    const edit = await validateDto(EditMessageDto, { ...ref, name: ' Autumn ', brief: aBrief() });
    expect(edit).toEqual({ ...ref, name: 'Autumn', brief: aBrief() });
    expect(edit.brief).toBeInstanceOf(CampaignBriefDto);
    expect(await errorsOf(EditMessageDto, { ...ref, name: 'n'.repeat(201), brief: { objective: 'o' } })).toEqual([
      { field: 'name', message: tooLong('name', 200) },
      { field: 'brief.targetAudience', message: text('targetAudience', 500) },
      { field: 'brief.productDetails', message: text('productDetails', 4000) },
    ]);
  });
});
