import { type DeliveryDetailView, type DeliveryView, type Page, type RetryDeadResult } from '@app/publishing';

/** Deliveries as a table, newest first. */
export function deliveryListText(page: Page<DeliveryView>): string {
  if (page.items.length === 0) return 'no deliveries\n';
  const lines = page.items.map((delivery) =>
    [
      delivery.id,
      delivery.status.padEnd(10),
      (delivery.targetName ?? delivery.targetId).padEnd(16),
      `learner ${delivery.learnerRef} v${delivery.version}`,
      `attempts ${delivery.attempts}`,
      delivery.lastHttpStatus === null ? '' : `last HTTP ${delivery.lastHttpStatus}`,
    ]
      .join('  ')
      .trimEnd(),
  );
  if (page.next !== null) lines.push(`... more: --offset ${page.next}`);
  return `${lines.join('\n')}\n`;
}

/** One delivery in full. */
export function deliveryText(delivery: DeliveryDetailView | DeliveryView): string {
  const lines = [
    `delivery ${delivery.id}: ${delivery.status}`,
    `target:        ${delivery.targetName ?? delivery.targetId}`,
    `learner:       ${delivery.learnerRef} (CLR version ${delivery.version})`,
    `attempts:      ${delivery.attempts}`,
    `last HTTP:     ${delivery.lastHttpStatus ?? '-'}`,
    `last error:    ${delivery.lastError ?? '-'}`,
    `next attempt:  ${delivery.nextAttemptAt ?? '-'}`,
    `delivered:     ${delivery.deliveredAt ?? '-'}`,
    `created:       ${delivery.createdAt}`,
  ];
  if ('imsxBody' in delivery && delivery.imsxBody !== null) {
    lines.push(
      `provider body: ${typeof delivery.imsxBody === 'string' ? delivery.imsxBody : JSON.stringify(delivery.imsxBody)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export function retryDeadText(result: RetryDeadResult): string {
  return `${result.requeued} dead deliver${result.requeued === 1 ? 'y' : 'ies'}${result.target === null ? '' : ` of ${result.target}`} requeued\n`;
}
