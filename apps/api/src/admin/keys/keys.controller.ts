import { Controller, Get, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { type RotateKeyOutcome, SigningKeyService } from '@app/publishing';
import { Audit } from '../../audit/audit.decorator';
import { type AdminPrincipal } from '../../auth/admin-principal';
import { CurrentAdmin } from '../../auth/current-admin.decorator';
import { AdminErrorDto } from '../common/admin-error.dto';
import { AdminOperationsApi } from '../common/admin-operation.decorator';
import { RotatedKeyDto, SigningKeyDto } from './key.dto';

/** Signing keys: list them, rotate (a new key signs from now on; retired ones stay published). */
@AdminOperationsApi('keys')
@Controller('admin/keys')
export class KeysController {
  constructor(private readonly keys: SigningKeyService) {}

  @Get()
  @ApiOperation({ summary: 'Every signing key, newest first, with its published key documents' })
  @ApiOkResponse({ type: [SigningKeyDto] })
  async list(): Promise<SigningKeyDto[]> {
    return (await this.keys.list()).map((key) => ({
      ...key,
      createdAt: key.createdAt.toISOString(),
      retiredAt: key.retiredAt === null ? null : key.retiredAt.toISOString(),
    }));
  }

  @Post('rotate')
  @Audit({ subject: (_req, result) => (result as RotateKeyOutcome | undefined)?.kid })
  @ApiOperation({
    summary: 'Rotate the signing key',
    description: 'Workers pick the new key up within seconds; everything signed before still verifies.',
  })
  @ApiCreatedResponse({ type: RotatedKeyDto })
  @ApiConflictResponse({
    type: AdminErrorDto,
    description: 'key_rotation_conflict: another rotation won a race',
  })
  rotate(@CurrentAdmin() admin: AdminPrincipal): Promise<RotateKeyOutcome> {
    return this.keys.rotate(admin.actor);
  }
}
