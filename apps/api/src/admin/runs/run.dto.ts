import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageFieldsDto } from '../common/page.dto';

const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];

export class StartRunDto {
  @ApiPropertyOptional({ description: 'SIS source name; default the first configured', example: 'demo' })
  source?: string;

  @ApiProperty({ enum: ['full', 'incremental'] })
  mode!: string;

  @ApiPropertyOptional({
    description: 'Sign and store new versions even where nothing changed',
    default: false,
  })
  force?: boolean;
}

export class CancelRunDto {
  @ApiPropertyOptional({
    description: 'Why (kept on the run and in the audit log; default "cancelled by an operator")',
    maxLength: 500,
  })
  reason?: string;
}

class RunBatchesDto {
  @ApiProperty() total!: number;
  @ApiProperty() done!: number;
  @ApiProperty() failed!: number;
}

class RunCountsDto {
  @ApiProperty() learnersSeen!: number;
  @ApiProperty() learnersBuilt!: number;
  @ApiProperty() learnersUnchanged!: number;
  @ApiProperty() learnersFailed!: number;
  @ApiProperty() learnersRemoved!: number;
  @ApiProperty() deliveriesQueued!: number;
  @ApiProperty() assertionsSigned!: number;
  @ApiProperty() assertionsRevoked!: number;
  @ApiProperty() problemCount!: number;
}

/** A run with its progress and counters. */
export class RunDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() source!: string;
  @ApiProperty({ enum: ['full', 'incremental', 'republish'] }) mode!: string;
  @ApiProperty({ enum: ['cron', 'operator', 'cli'] }) trigger!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The actor who asked' }) requestedBy!:
    string | null;
  @ApiProperty({ enum: RUN_STATUSES }) status!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Why it failed or was cancelled' }) error!:
    string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) startedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finishedAt!: string | null;
  @ApiProperty({ type: String, enum: ['pending', 'running', 'done'], nullable: true }) extract!:
    string | null;
  @ApiProperty({ type: RunBatchesDto }) batches!: RunBatchesDto;
  @ApiProperty({ type: RunCountsDto }) counts!: RunCountsDto;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Watermarks the run commits when it succeeds',
  })
  watermarks!: Record<string, string>;
}

class RunProblemDto {
  @ApiProperty({ description: 'Cursor: pass as problemsAfter for the next page' }) id!: number;
  @ApiProperty({ example: 'clr_course_grades' }) recordSet!: string;
  @ApiProperty({ description: "The SIS row's key; a learner row's is the learner ref, never the SIS id" })
  key!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ type: String, nullable: true, example: 'skipped' }) effect!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The learner ref (never the SIS id)' })
  learnerRef!: string | null;
}

class RunProblemPageDto {
  @ApiProperty({ type: [RunProblemDto] }) items!: RunProblemDto[];
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'problemsAfter of the next page; null on the last',
  })
  next!: number | null;
}

export class RunDetailDto extends RunDto {
  @ApiProperty({ type: RunProblemPageDto }) problems!: RunProblemPageDto;
}

class RunListCountsDto {
  @ApiProperty() learnersSeen!: number;
  @ApiProperty() learnersBuilt!: number;
  @ApiProperty() learnersUnchanged!: number;
  @ApiProperty() learnersFailed!: number;
  @ApiProperty() deliveriesQueued!: number;
  @ApiProperty() assertionsSigned!: number;
  @ApiProperty() problemCount!: number;
}

class RunListItemDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() source!: string;
  @ApiProperty({ enum: ['full', 'incremental', 'republish'] }) mode!: string;
  @ApiProperty({ enum: ['cron', 'operator', 'cli'] }) trigger!: string;
  @ApiProperty({ type: String, nullable: true }) requestedBy!: string | null;
  @ApiProperty({ enum: RUN_STATUSES }) status!: string;
  @ApiProperty({ type: String, nullable: true }) error!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) startedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finishedAt!: string | null;
  @ApiProperty({ type: RunListCountsDto }) counts!: RunListCountsDto;
}

export class RunPageDto extends PageFieldsDto {
  @ApiProperty({ type: [RunListItemDto] }) items!: RunListItemDto[];
}

export class RunResumeDto {
  @ApiProperty({ type: RunDto }) run!: RunDto;
  @ApiProperty({ description: "Whether the extraction's job was queued again" }) extractQueued!: boolean;
  @ApiProperty({ description: 'Pending batches whose jobs were queued again' }) batchesQueued!: number;
}
