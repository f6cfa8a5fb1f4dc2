import { Controller, Delete, Get, HttpCode, Param, Req } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { type WalletConnectionView, WalletOperations } from '@app/publishing';
import { type Request } from 'express';
import { Audit } from '../../audit/audit.decorator';
import { type AdminPrincipal } from '../../auth/admin-principal';
import { CurrentAdmin } from '../../auth/current-admin.decorator';
import { actorOf } from '../common/admin-actor';
import { AdminErrorDto } from '../common/admin-error.dto';
import { AdminOperationsApi } from '../common/admin-operation.decorator';
import { WalletConnectionDto } from './wallet.dto';

/** Learners' wallet connections: list a learner's, disconnect one (its tokens are deleted). */
@AdminOperationsApi('wallets')
@Controller('admin')
export class AdminWalletsController {
  constructor(private readonly wallets: WalletOperations) {}

  @Get('learners/:learnerId/wallets')
  @ApiOperation({
    summary: "A learner's wallet connections, newest first; no tokens",
    description:
      'learnerId: the SIS learner id, or the learner ref (32 hex digits). Request paths are logged, so prefer the ref.',
  })
  @ApiOkResponse({ type: [WalletConnectionDto] })
  list(@Param('learnerId') learnerId: string): Promise<WalletConnectionView[]> {
    return this.wallets.listForLearner(learnerId);
  }

  @Delete('wallets/:id')
  @HttpCode(200)
  @Audit({ subject: 'id' })
  @ApiOperation({
    summary: 'Disconnect a wallet connection',
    description: 'Deletes its stored tokens; deliveries to it stop (pending ones go dead when tried).',
  })
  @ApiOkResponse({ type: WalletConnectionDto })
  @ApiNotFoundResponse({ type: AdminErrorDto, description: 'wallet_not_found' })
  @ApiConflictResponse({ type: AdminErrorDto, description: 'wallet_already_disconnected' })
  disconnect(
    @Param('id') id: string,
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: Request,
  ): Promise<WalletConnectionView> {
    return this.wallets.disconnect(id, actorOf(admin, req));
  }
}
