import { ApiSchema } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { ARTIFACT_TYPES, type ArtifactType } from '@app/contracts';
import { EnumField, IntField, NestedField, TextField } from '../../common/input-fields';
import { CampaignBriefDto, RegenerationInputDto as RegenerationInputDtoBase } from '../../orchestration/dto/run-request.dto';
import { IDEMPOTENCY_KEY } from '../idempotency';

/** The path of an artifact of a campaign: `/campaigns/:campaignId/artifacts/:artifactType`. */
export class ArtifactPathDto {
  @TextField({ maxLength: 100, trim: false })
  campaignId!: string;

  @EnumField(ARTIFACT_TYPES)
  artifactType!: ArtifactType;
}

/** `/versions/:versionNumber`. */
export class VersionPathDto extends ArtifactPathDto {
  @IntField({ minimum: 1, fromString: true })
  versionNumber!: number;
}

/** `GET …/versions?pageSize&continuationToken`. */
export class VersionsQueryDto {
  @IntField({ optional: true, minimum: 1, maximum: 100, fromString: true, default: 20 })
  pageSize?: number;

  @TextField({ optional: true, maxLength: 4096, trim: false, description: 'The continuationToken of the previous page: reads the next one directly.' })
  continuationToken?: string;
}

/** `PUT …/active`: the version to make active. */
@ApiSchema({ name: 'Activate' })
export class ActivateDto {
  @IntField({ minimum: 1, description: 'The version to make the active one.' })
  versionNumber!: number;
}

/** Why a campaign is approved although some active version did not pass its audit. */
@ApiSchema({ name: 'ApprovalOverride' })
export class OverrideDto {
  @TextField({ maxLength: 1000, description: 'Why the campaign is approved although an active version did not pass its audit.' })
  reason!: string;
}

/** `POST /campaigns/:id/approve`. */
@ApiSchema({ name: 'Approve' })
export class ApproveDto {
  @NestedField(() => OverrideDto, { optional: true })
  override?: OverrideDto;
}

/** `PATCH /campaigns/:id`: a new name and/or brief. */
@ApiSchema({ name: 'CampaignEdit', description: 'A new name and/or brief: at least one of them.' })
export class CampaignEditDto {
  @TextField({ optional: true, maxLength: 200 })
  name?: string;

  @NestedField(() => CampaignBriefDto, { optional: true })
  brief?: CampaignBriefDto;
}

/** The ETag a socket client saw (REST: `If-Match`). */
class EtagDto {
  @TextField({ maxLength: 200, trim: false })
  etag!: string;
}

/** A campaign, by id, with the ETag the socket client saw. */
export class CampaignRefDto extends EtagDto {
  @TextField({ maxLength: 100, trim: false })
  campaignId!: string;
}

/** `run:regenerate`: the artifact, the editor's input, an optional idempotency key. */
export class RegenerateMessageDto extends RegenerationInputDtoBase {
  @TextField({ maxLength: 100, trim: false })
  campaignId!: string;

  @EnumField(ARTIFACT_TYPES)
  artifactType!: ArtifactType;

  @IsOptional() @IsString() @Matches(IDEMPOTENCY_KEY, { message: 'idempotencyKey must be 1-255 visible ASCII characters' })
  idempotencyKey?: string;
}

/** `campaign:versions` (socket: integers are JSON numbers, not digits in a string). */
export class VersionsMessageDto extends ArtifactPathDto {
  @IntField({ optional: true, minimum: 1, maximum: 100 })
  pageSize?: number;

  @TextField({ optional: true, maxLength: 4096, trim: false })
  continuationToken?: string;
}

/** `campaign:version`: one version of an artifact. */
export class VersionMessageDto extends ArtifactPathDto {
  @IntField({ minimum: 1 })
  versionNumber!: number;
}

/** `campaign:activate`. */
export class ActivateMessageDto extends VersionMessageDto {
  @TextField({ maxLength: 200, trim: false })
  etag!: string;
}

/** `campaign:approve`. */
export class ApproveMessageDto extends CampaignRefDto {
  @NestedField(() => OverrideDto, { optional: true })
  override?: OverrideDto;
}

/** `campaign:edit`. */
export class EditMessageDto extends CampaignRefDto {
  @TextField({ optional: true, maxLength: 200 })
  name?: string;

  @NestedField(() => CampaignBriefDto, { optional: true })
  brief?: CampaignBriefDto;
}
