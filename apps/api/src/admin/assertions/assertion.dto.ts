import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { RunDto } from '../runs/run.dto';

export class AssertionReasonDto {
  @ApiProperty({
    maxLength: 500,
    description: 'Why (kept in the ledger, on the revocation entry and in the audit log)',
  })
  reason!: string;
}

export class AssertionDto {
  @ApiProperty({ format: 'uri' }) assertionId!: string;
  @ApiProperty({ description: 'The learner ref (never the SIS id)' }) learnerRef!: string;
  @ApiProperty({ format: 'uri' }) achievementId!: string;
  @ApiProperty({ example: 'course-grade' }) sourceKind!: string;
  @ApiProperty({ enum: ['active', 'revoked'] }) status!: string;
  @ApiProperty({
    type: String,
    enum: ['build', 'operator'],
    nullable: true,
    description:
      'build: its SIS record vanished (comes back with it); operator: stays revoked until reinstated',
  })
  revokedBy!: string | null;
  @ApiProperty({ type: String, nullable: true }) revocationReason!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) revokedAt!: string | null;
  @ApiProperty({ description: "First version of the learner's CLR that carried it" }) firstVersion!: number;
  @ApiProperty({ description: 'Last version that carried it' }) lastVersion!: number;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

class RepublishOutcomeDto {
  @ApiProperty({
    enum: ['queued', 'not-started'],
    description:
      "not-started: the ledger change stands, the learner's CLR follows when republished (see hint)",
  })
  status!: string;

  @ApiPropertyOptional({ type: RunDto, description: 'The republish run (queued)' })
  run?: RunDto;

  @ApiPropertyOptional({ description: 'Why no run started (e.g. another run of the source is active)' })
  reason?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  activeRunId?: string;

  @ApiPropertyOptional({ description: 'How to republish the learner later' })
  hint?: string;
}

export class AssertionChangeDto {
  @ApiProperty({ type: AssertionDto }) assertion!: AssertionDto;

  @ApiProperty({
    enum: ['revoked', 'taken-over', 'reinstated'],
    description: 'taken-over: a build had revoked it; now the operator holds it revoked',
  })
  change!: string;

  @ApiProperty({ type: RepublishOutcomeDto }) republish!: RepublishOutcomeDto;
}
