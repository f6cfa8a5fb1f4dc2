import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

class AdminErrorDetailDto {
  @ApiProperty({ example: 'already_revoked', description: 'Stable snake_case code' })
  code!: string;

  @ApiProperty({ description: 'For people: names ids and fields, never personal data' })
  message!: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'e.g. `{ field }` naming the request field at fault, or the active run of a conflict',
  })
  details?: Record<string, unknown>;
}

/** The one error shape of /admin: `{ error: { code, message, details? }, requestId }`. */
export class AdminErrorDto {
  @ApiProperty({ type: AdminErrorDetailDto })
  error!: AdminErrorDetailDto;

  @ApiProperty({ description: 'Also in X-Request-Id and on every log line of the request' })
  requestId!: string;
}
