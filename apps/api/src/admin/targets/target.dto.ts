import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DELIVERY_STATUS_VALUES } from '../deliveries/delivery.dto';

export class AddTargetDto {
  @ApiProperty({ description: 'Unique name: 1-63 letters, digits, "-" or "_"', example: 'campus-wallet' })
  name!: string;

  @ApiProperty({
    format: 'uri',
    description: "The provider's DiscoveryDocument URL (https; plain http only on loopback)",
    example: 'https://wallet.example.org/ims/clr/v1p0/discovery',
  })
  discoveryUrl!: string;

  @ApiPropertyOptional({
    format: 'uri',
    description: 'Default: discoveryUrl less /ims/clr/v1p0/discovery (required when it does not end so)',
  })
  baseUrl?: string;

  @ApiPropertyOptional({ type: [String], description: 'Default: the CLR replace scope' })
  scopes?: string[];

  @ApiPropertyOptional({ enum: ['signedClr', 'clr'], default: 'signedClr' })
  payload?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 256, default: 4 })
  concurrency?: number;

  @ApiPropertyOptional({ minimum: 0.01, maximum: 10000, default: 10 })
  ratePerSecond?: number;

  @ApiPropertyOptional({ minimum: 100, maximum: 600000, default: 30000 })
  timeoutMs?: number;
}

export class TargetDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({
    enum: ['config', 'runtime', 'wallet'],
    description:
      'config: from delivery.targets, synced at worker start (which re-applies enabled); runtime: added over ' +
      '/admin or the CLI, never touched by that sync',
  })
  origin!: string;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ format: 'uri' }) baseUrl!: string;
  @ApiProperty({ enum: ['client_credentials', 'dynamic_registration', 'wallet'] }) authMode!: string;
  @ApiProperty({ type: String, nullable: true }) discoveryUrl!: string | null;
  @ApiProperty({ type: String, nullable: true }) tokenUrl!: string | null;
  @ApiProperty({ type: [String] }) scopes!: string[];
  @ApiProperty({ enum: ['signedClr', 'clr'] }) payloadForm!: string;
  @ApiProperty() concurrency!: number;
  @ApiProperty() ratePerSecond!: number;
  @ApiProperty() timeoutMs!: number;
  @ApiProperty({ description: 'Whether it has an OAuth client (configured or registered)' })
  hasClient!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({
    type: 'object',
    properties: Object.fromEntries(DELIVERY_STATUS_VALUES.map((status) => [status, { type: 'integer' }])),
    description: 'Its deliveries per status',
  })
  deliveries!: Record<string, number>;
}
