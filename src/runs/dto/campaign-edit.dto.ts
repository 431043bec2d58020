import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { ARTIFACT_TYPES, type ArtifactType } from '@app/contracts';
import { CampaignBriefDto, RegenerationInputDto as RegenerationInputDtoBase, trim } from '../../orchestration/dto/run-request.dto';
import { IDEMPOTENCY_KEY } from '../idempotency';

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);

/** The path of an artifact of a campaign: `/campaigns/:campaignId/artifacts/:artifactType`. */
export class ArtifactPathDto {
  @IsString() @IsNotEmpty() @MaxLength(100)
  campaignId!: string;

  @IsIn(ARTIFACT_TYPES)
  artifactType!: ArtifactType;
}

/** `/versions/:versionNumber`. */
export class VersionPathDto extends ArtifactPathDto {
  @Transform(toInt) @IsInt() @Min(1)
  versionNumber!: number;
}

/** `GET …/versions?pageSize&continuationToken`. */
export class VersionsQueryDto {
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(100)
  pageSize?: number;

  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(4096)
  continuationToken?: string;
}

/** `PUT …/active`: the version to make active. */
export class ActivateDto {
  @IsInt() @Min(1)
  versionNumber!: number;
}

/** Why a campaign is approved although some active version did not pass its audit. */
export class OverrideDto {
  @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(1000)
  reason!: string;
}

/** `POST /campaigns/:id/approve`. */
export class ApproveDto {
  @IsOptional() @ValidateNested() @Type(() => OverrideDto)
  override?: OverrideDto;
}

/** `PATCH /campaigns/:id`: a new name and/or brief. */
export class CampaignEditDto {
  @IsOptional() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(200)
  name?: string;

  @IsOptional() @ValidateNested() @Type(() => CampaignBriefDto)
  brief?: CampaignBriefDto;
}

/** The ETag a socket client saw (REST: `If-Match`). */
class EtagDto {
  @IsString() @IsNotEmpty() @MaxLength(200)
  etag!: string;
}

/** A campaign, by id, with the ETag the socket client saw. */
export class CampaignRefDto extends EtagDto {
  @IsString() @IsNotEmpty() @MaxLength(100)
  campaignId!: string;
}

/** `run:regenerate`: the artifact, the editor's input, an optional idempotency key. */
export class RegenerateMessageDto extends RegenerationInputDtoBase {
  @IsString() @IsNotEmpty() @MaxLength(100)
  campaignId!: string;

  @IsIn(ARTIFACT_TYPES)
  artifactType!: ArtifactType;

  @IsOptional() @IsString() @Matches(IDEMPOTENCY_KEY, { message: 'idempotencyKey must be 1-255 visible ASCII characters' })
  idempotencyKey?: string;
}

/** `campaign:versions`. */
export class VersionsMessageDto extends ArtifactPathDto {
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(100)
  pageSize?: number;

  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(4096)
  continuationToken?: string;
}

/** `campaign:activate`. */
export class ActivateMessageDto extends VersionPathDto {
  @IsString() @IsNotEmpty() @MaxLength(200)
  etag!: string;
}

/** `campaign:approve`. */
export class ApproveMessageDto extends CampaignRefDto {
  @IsOptional() @ValidateNested() @Type(() => OverrideDto)
  override?: OverrideDto;
}

/** `campaign:edit`. */
export class EditMessageDto extends CampaignRefDto {
  @IsOptional() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(200)
  name?: string;

  @IsOptional() @ValidateNested() @Type(() => CampaignBriefDto)
  brief?: CampaignBriefDto;
}
