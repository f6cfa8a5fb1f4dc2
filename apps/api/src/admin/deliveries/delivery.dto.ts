import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageFieldsDto } from '../common/page.dto';

export const DELIVERY_STATUS_VALUES = [
  'pending',
  'in_flight',
  'delivered',
  'retrying',
  'dead',
  'rejected',
  'superseded',
];

export class DeliveryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) targetId!: string;
  @ApiProperty({ type: String, nullable: true }) targetName!: string | null;
  @ApiProperty({ description: 'The learner ref (never the SIS id)' }) learnerRef!: string;
  @ApiProperty({ format: 'uuid' }) clrVersionId!: string;
  @ApiProperty({ description: "The CLR version's number" }) version!: number;
  @ApiProperty({ enum: DELIVERY_STATUS_VALUES }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ type: Number, nullable: true }) lastHttpStatus!: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'Short cause, no personal data' }) lastError!:
    string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) nextAttemptAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deliveredAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class DeliveryDetailDto extends DeliveryDto {
  @ApiProperty({
    nullable: true,
    description: "The provider's last error body (imsx_StatusInfo), parsed when it is JSON",
    oneOf: [{ type: 'object', additionalProperties: true }, { type: 'string' }],
  })
  imsxBody!: unknown;
}

export class DeliveryPageDto extends PageFieldsDto {
  @ApiProperty({ type: [DeliveryDto] }) items!: DeliveryDto[];
}

export class RetryDeadDto {
  @ApiPropertyOptional({ description: "Only this target's dead deliveries (its name)" })
  target?: string;
}

export class RetryDeadResultDto {
  @ApiProperty({ description: 'Dead deliveries put back to pending and queued' }) requeued!: number;
  @ApiProperty({ type: String, nullable: true }) target!: string | null;
}
