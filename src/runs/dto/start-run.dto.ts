import { Transform, Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateIf, ValidateNested } from 'class-validator';
import { IDEMPOTENCY_KEY } from '../idempotency';
import { CampaignBriefDto, RunOptionsDto, trim } from '../../orchestration/dto/run-request.dto';

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);

/** A new campaign: a name and its brief. */
export class CampaignInputDto {
  @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(200)
  name!: string;

  @ValidateNested() @Type(() => CampaignBriefDto) @IsNotEmpty({ message: 'brief is required' })
  brief!: CampaignBriefDto;
}

/** `POST /api/campaigns/:id/runs`: options of a run of an existing campaign. */
export class StartCampaignRunDto extends RunOptionsDto {}

/** `POST /api/runs`: create a campaign and start its first run. */
export class CreateAndStartRunDto extends RunOptionsDto {
  @ValidateNested() @Type(() => CampaignInputDto) @IsNotEmpty({ message: 'campaign is required' })
  campaign!: CampaignInputDto;
}

/** Socket `run:start`: a new campaign, or the id of an existing one, plus run options. */
export class StartRunDto extends RunOptionsDto {
  @ValidateIf((o: StartRunDto) => o.campaignId === undefined)
  @ValidateNested() @Type(() => CampaignInputDto) @IsNotEmpty({ message: 'campaign or campaignId is required' })
  campaign?: CampaignInputDto;

  @ValidateIf((o: StartRunDto) => o.campaign === undefined || o.campaignId !== undefined)
  @IsString() @IsNotEmpty() @MaxLength(100)
  campaignId?: string;

  /** As REST's `Idempotency-Key` header: a repeat of the same start within the window returns its run. */
  @IsOptional() @IsString() @Matches(IDEMPOTENCY_KEY, { message: 'idempotencyKey must be 1-255 visible ASCII characters' })
  idempotencyKey?: string;
}

/** What `RunsService.start` takes. */
export type StartRunInput = Pick<StartRunDto, 'campaign' | 'campaignId' | 'executionMode' | 'selectedPlatforms'>;

/** `run:subscribe`: a run and the last `seq` the client has. */
export class SubscribeDto {
  @IsString() @IsNotEmpty() @MaxLength(100)
  runId!: string;

  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER)
  afterSeq?: number;
}

/** `run:unsubscribe`, `run:cancel`: a run. */
export class RunRefDto {
  @IsString() @IsNotEmpty() @MaxLength(100)
  runId!: string;
}

/** `GET /api/runs/:id/events?afterSeq=`. */
export class EventsQueryDto {
  @IsOptional() @Transform(toInt) @IsInt() @Min(0)
  afterSeq?: number;
}

/** `GET /api/campaigns?page&pageSize`. */
export class PageQueryDto {
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(100_000)
  page?: number;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(100)
  pageSize?: number;

  /** The `continuationToken` of the previous page, to read the next one directly. */
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(4096)
  continuationToken?: string;
}
