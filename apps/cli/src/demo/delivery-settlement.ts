import { type DeliveryStatus, OPEN_STATUSES, type PublisherStore } from '@app/store';

export type DeliveryCounts = Record<DeliveryStatus, number>;

/** Deliveries not settled yet: pending, retrying or in flight. */
export function openDeliveries(counts: DeliveryCounts): number {
  return OPEN_STATUSES.reduce((sum, status) => sum + counts[status], 0);
}

export interface SettleOptions {
  /** Give up after this long, ms; the counts of that moment are returned. */
  timeoutMs: number;
  /** Default 100 ms. */
  pollMs?: number;
  /** One target's deliveries only. */
  targetId?: string;
}

/** The delivery counts once none is open, or when the time is up (`settled: false`). */
export async function waitForSettledDeliveries(
  store: Pick<PublisherStore, 'deliveries'>,
  options: SettleOptions,
): Promise<{ settled: boolean; counts: DeliveryCounts }> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const counts = await store.deliveries.countByStatus(options.targetId);
    if (openDeliveries(counts) === 0) return { settled: true, counts };
    if (Date.now() >= deadline) return { settled: false, counts };
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 100));
  }
}
