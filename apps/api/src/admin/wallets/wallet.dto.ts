import { ApiProperty } from '@nestjs/swagger';

export class WalletConnectionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: "The wallet's host" }) walletHost!: string;
  @ApiProperty({ enum: ['active', 'broken', 'disconnected'] }) status!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Why it is broken or who disconnected it' })
  statusReason!: string | null;
  @ApiProperty({ type: [String] }) scopes!: string[];
  @ApiProperty({ format: 'uuid', description: 'The delivery target carrying its deliveries' })
  targetId!: string;
  @ApiProperty() hasRefreshToken!: boolean;
  @ApiProperty({ format: 'date-time' }) connectedAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    description: 'Deliveries per status',
  })
  deliveries!: Record<string, number>;
}
