export * from './portal-link.verifier';
export * from './wallet-connect.service';
export * from './wallet-flow.error';
export * from './wallet.operations';
export * from './wallets.module';
