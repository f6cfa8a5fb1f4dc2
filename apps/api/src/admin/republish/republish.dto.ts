import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { RunDto } from '../runs/run.dto';

/** Exactly one of `learnerIds`, `learnerRefs`, `achievementId`, `all`. */
export class RepublishDto {
  @ApiPropertyOptional({
    type: [String],
    description: 'SIS learner ids (personal data: kept in the run plan only, never logged or audited)',
  })
  learnerIds?: string[];

  @ApiPropertyOptional({
    type: [String],
    description: 'Learner refs (32 hex digits), as problems and deliveries show them',
  })
  learnerRefs?: string[];

  @ApiPropertyOptional({
    description:
      'Every learner holding this achievement (its URL or the last segment), found through the assertion ledger',
  })
  achievementId?: string;

  @ApiPropertyOptional({ enum: [true], description: 'Every learner published so far' })
  all?: boolean;

  @ApiPropertyOptional({
    description:
      'SIS source to read (default the first configured); learners last published from another source are left out',
  })
  source?: string;
}

export class RepublishResultDto {
  @ApiProperty({ type: RunDto, description: 'The republish run (mode republish, forced), queued' })
  run!: RunDto;

  @ApiProperty({ enum: ['learnerIds', 'learnerRefs', 'achievement', 'all'] })
  scope!: string;

  @ApiProperty({ description: 'Learners in the run' })
  learners!: number;

  @ApiProperty({ description: 'Selected learners last published from another source (left out)' })
  otherSources!: number;
}
