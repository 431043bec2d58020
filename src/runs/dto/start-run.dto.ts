import { ApiSchema } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, Validate, ValidateIf, ValidationArguments, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';
import { IntField, NestedField, TextField } from '../../common/input-fields';
import { IDEMPOTENCY_KEY } from '../idempotency';
import { CampaignBriefDto, RunOptionsDto } from '../../orchestration/dto/run-request.dto';

/** A new campaign: a name and its brief. */
@ApiSchema({ name: 'CampaignInput' })
export class CampaignInputDto {
  @TextField({ maxLength: 200, description: 'The campaign’s name (trimmed).' })
  name!: string;

  @NestedField(() => CampaignBriefDto, { requiredMessage: 'brief is required' })
  brief!: CampaignBriefDto;
}

/** `POST /api/campaigns/:id/runs`: options of a run of an existing campaign. */
@ApiSchema({ name: 'RunOptions' })
export class StartCampaignRunDto extends RunOptionsDto {}

/** `POST /api/runs`: create a campaign and start its first run. */
@ApiSchema({ name: 'CreateAndStartRun' })
export class CreateAndStartRunDto extends RunOptionsDto {
  @NestedField(() => CampaignInputDto, { requiredMessage: 'campaign is required' })
  campaign!: CampaignInputDto;
}

/** Fails when the property named by the first constraint is given too: the two exclude each other. */
@ValidatorConstraint({ name: 'notBoth' })
class NotBoth implements ValidatorConstraintInterface {
  validate(_value: unknown, args: ValidationArguments): boolean {
    return (args.object as Record<string, unknown>)[String(args.constraints[0])] === undefined;
  }
  defaultMessage(args: ValidationArguments): string {
    return `give campaign or campaignId, not both (${args.property} was given with ${String(args.constraints[0])})`;
  }
}

/** Socket `run:start`: a new campaign, or the id of an existing one (not both), plus run options. */
export class StartRunDto extends RunOptionsDto {
  @ValidateIf((o: StartRunDto) => o.campaignId === undefined || o.campaign !== undefined)
  @NestedField(() => CampaignInputDto, { requiredMessage: 'campaign or campaignId is required' }) @Validate(NotBoth, ['campaignId'])
  campaign?: CampaignInputDto;

  @ValidateIf((o: StartRunDto) => o.campaign === undefined || o.campaignId !== undefined)
  @TextField({ maxLength: 100, trim: false }) @Validate(NotBoth, ['campaign'])
  campaignId?: string;

  /** As REST's `Idempotency-Key` header: a repeat of the same start within the window returns its run. */
  @IsOptional() @IsString() @Matches(IDEMPOTENCY_KEY, { message: 'idempotencyKey must be 1-255 visible ASCII characters' })
  idempotencyKey?: string;
}

/** What `RunsService.start` takes. */
export type StartRunInput = Pick<StartRunDto, 'campaign' | 'campaignId' | 'executionMode' | 'selectedPlatforms'>;

/** `run:subscribe`: a run and the last `seq` the client has (a JSON integer: the socket takes no digits in a string). */
export class SubscribeDto {
  @TextField({ maxLength: 100, trim: false })
  runId!: string;

  @IntField({ optional: true, minimum: 0, maximum: Number.MAX_SAFE_INTEGER })
  afterSeq?: number;
}

/** `run:unsubscribe`, `run:cancel`: a run. */
export class RunRefDto {
  @TextField({ maxLength: 100, trim: false })
  runId!: string;
}

/** `GET /api/runs/:id/events?afterSeq=`. */
export class EventsQueryDto {
  @IntField({ optional: true, minimum: 0, maximum: Number.MAX_SAFE_INTEGER, fromString: true, default: 0, description: 'The last seq the client has: events with a greater seq are answered.' })
  afterSeq?: number;
}

/** `GET /api/campaigns?page&pageSize`. */
export class PageQueryDto {
  @IntField({ optional: true, minimum: 1, maximum: 100_000, fromString: true, default: 1, description: 'The page, from 1 (a continuationToken, when given, says which page is read).' })
  page?: number;

  @IntField({ optional: true, minimum: 1, maximum: 100, fromString: true, default: 20 })
  pageSize?: number;

  /** The `continuationToken` of the previous page, to read the next one directly. */
  @TextField({ optional: true, maxLength: 4096, trim: false, description: 'The continuationToken of the previous page: reads the next one directly.' })
  continuationToken?: string;
}
