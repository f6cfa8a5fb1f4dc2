/** Why a wallet connect, callback or disconnect could not go on. */
export type WalletFlowErrorCode =
  /** The portal link is missing, forged, expired or lacks a claim. */
  | 'link_invalid'
  /** The wallet's discovery document or registration failed. */
  | 'wallet_unavailable'
  /** The callback's state is unknown, replayed or expired. */
  | 'state_invalid'
  /** The learner refused consent at the wallet. */
  | 'consent_denied'
  /** The wallet refused the code (wrong code, bad PKCE verifier ...). */
  | 'code_rejected'
  /** The connection named does not exist or is not the learner's. */
  | 'connection_not_found'
  /** Wallets are not configured. */
  | 'wallets_disabled';

/**
 * A failure shown to the learner on a plain page. `message` names the problem, never a learner
 * id, token or claim value.
 */
export class WalletFlowError extends Error {
  constructor(
    readonly code: WalletFlowErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'WalletFlowError';
  }

  /** 400 for a bad link, state, code or denied consent; 502 when the wallet fails; 404 when off or unknown. */
  get httpStatus(): number {
    if (this.code === 'wallet_unavailable') return 502;
    if (this.code === 'wallets_disabled' || this.code === 'connection_not_found') return 404;
    return 400;
  }
}
