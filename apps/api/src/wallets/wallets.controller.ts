import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { WALLET_CONNECT, type WalletConnectService, WalletFlowError } from '@app/publishing';
import { type Response } from 'express';
import { sendWalletPage } from './wallet-page';

/**
 * The learner-facing wallet routes (public: no admin auth). The learner's browser follows a
 * portal link here and is redirected to their wallet, which sends it back to the callback.
 * Answers are plain HTML pages; URLs carry only the portal's token and the opaque state.
 */
@ApiExcludeController()
@Controller('wallets')
export class WalletsController {
  constructor(@Inject(WALLET_CONNECT) private readonly wallets: WalletConnectService | null) {}

  /** `?token=` a portal-signed link naming the learner and the wallet: 302 to the wallet. */
  @Get('connect')
  async connect(@Query('token') token: unknown, @Res() response: Response): Promise<void> {
    await this.answer(response, async (wallets) => {
      const location = await wallets.begin(token);
      response
        .status(302)
        .set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' })
        .location(location)
        .end();
    });
  }

  /** The wallet's answer: `?code&state` or `?error&state`. */
  @Get('callback')
  async callback(@Query() query: Record<string, unknown>, @Res() response: Response): Promise<void> {
    await this.answer(response, async (wallets) => {
      const { deliveryQueued } = await wallets.complete({
        code: query['code'],
        state: query['state'],
        error: query['error'],
      });
      sendWalletPage(
        response,
        200,
        'Wallet connected',
        deliveryQueued
          ? 'Your wallet is connected. Your learner record is on its way to it and will follow every update.'
          : 'Your wallet is connected. Your learner record will be sent to it once it is published.',
      );
    });
  }

  /** `?token=` a portal-signed link naming the learner and a connection (or wallet). */
  @Get('disconnect')
  async disconnect(@Query('token') token: unknown, @Res() response: Response): Promise<void> {
    await this.answer(response, async (wallets) => {
      await wallets.disconnectByLink(token);
      sendWalletPage(
        response,
        200,
        'Wallet disconnected',
        'Your wallet is disconnected; nothing more will be sent to it.',
      );
    });
  }

  private async answer(
    response: Response,
    work: (wallets: WalletConnectService) => Promise<void>,
  ): Promise<void> {
    if (this.wallets === null) {
      sendWalletPage(response, 404, 'Not available', 'Learner wallets are not enabled here.');
      return;
    }
    try {
      await work(this.wallets);
    } catch (error) {
      if (!(error instanceof WalletFlowError)) throw error;
      sendWalletPage(response, error.httpStatus, titleOf(error), `${capitalised(error.message)}.`);
    }
  }
}

function titleOf(error: WalletFlowError): string {
  switch (error.code) {
    case 'consent_denied':
      return 'Wallet not connected';
    case 'state_invalid':
      return 'Connection attempt not valid';
    case 'link_invalid':
      return 'Link not valid';
    case 'code_rejected':
    case 'wallet_unavailable':
      return 'Wallet not connected';
    case 'connection_not_found':
      return 'Wallet connection not found';
    case 'wallets_disabled':
      return 'Not available';
  }
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
