import { type TargetView } from '@app/publishing';

/** Targets, one line each, with their delivery counts that matter to an operator. */
export function targetListText(targets: readonly TargetView[]): string {
  if (targets.length === 0) return 'no delivery targets\n';
  return `${targets.map(targetLine).join('\n')}\n`;
}

export function targetLine(target: TargetView): string {
  const { deliveries } = target;
  return [
    target.name.padEnd(20),
    (target.enabled ? 'enabled' : 'disabled').padEnd(8),
    target.origin.padEnd(7),
    target.authMode.padEnd(20),
    target.baseUrl,
    `pending ${deliveries.pending + deliveries.retrying + deliveries.in_flight}, delivered ${deliveries.delivered}, dead ${deliveries.dead}, rejected ${deliveries.rejected}`,
  ].join('  ');
}
