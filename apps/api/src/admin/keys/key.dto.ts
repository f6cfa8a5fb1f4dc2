import { ApiProperty } from '@nestjs/swagger';

export class SigningKeyDto {
  @ApiProperty({ description: 'RFC 7638 thumbprint' }) kid!: string;
  @ApiProperty({ example: 'RS256' }) algorithm!: string;
  @ApiProperty({ enum: ['active', 'retired'] }) status!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) retiredAt!: string | null;
  @ApiProperty({
    type: [String],
    description: 'Key documents published for it (one per issuer Profile it signed for)',
  })
  keyUrls!: string[];
}

export class RotatedKeyDto {
  @ApiProperty({ description: 'The new active key' }) kid!: string;
  @ApiProperty({ type: [String], description: 'Keys retired by the rotation (they stay published)' })
  retired!: string[];
}
