import { type WalletConnectionView } from '@app/publishing';

/** A learner's connections as a table, newest first; never tokens (the view has none). */
export function walletListText(connections: readonly WalletConnectionView[]): string {
  if (connections.length === 0) return 'no wallet connections\n';
  const lines = connections.map((connection) =>
    [
      connection.id,
      connection.status.padEnd(12),
      connection.walletHost.padEnd(24),
      `connected ${connection.connectedAt}`,
      deliveriesText(connection.deliveries),
      connection.statusReason === null ? '' : `(${connection.statusReason})`,
    ]
      .join('  ')
      .trimEnd(),
  );
  return `${lines.join('\n')}\n`;
}

/** One connection in full. */
export function walletText(connection: WalletConnectionView): string {
  return [
    `wallet connection ${connection.id}: ${connection.status}`,
    `wallet:        ${connection.walletHost}`,
    `reason:        ${connection.statusReason ?? '-'}`,
    `scopes:        ${connection.scopes.join(' ') || '-'}`,
    `target:        ${connection.targetId}`,
    `refresh token: ${connection.hasRefreshToken ? 'yes' : 'no'}`,
    `deliveries:    ${deliveriesText(connection.deliveries) || '-'}`,
    `connected:     ${connection.connectedAt}`,
    `updated:       ${connection.updatedAt}`,
    '',
  ].join('\n');
}

function deliveriesText(counts: Record<string, number>): string {
  return Object.entries(counts)
    .filter(([, count]) => count > 0)
    .map(([status, count]) => `${status} ${count}`)
    .join(', ');
}
