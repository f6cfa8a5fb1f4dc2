/**
 * Where the delivery handler and sweeper put deliver jobs. The worker implements it with the
 * job catalogue's producer (deliver queue, `jobIdOf({ name: DeliverClr, data: { deliveryId } },
 * attempt)`), so adding the same (delivery, attempt) twice adds one job. The port keeps
 * libs/delivery below libs/jobs in the layering.
 */
export interface DeliveryQueue {
  /**
   * Queues attempt `attempt` of a delivery (its job id names both), after `delayMs` when given.
   * Resolves once the queue has it.
   */
  enqueue(deliveryId: string, attempt: number, delayMs?: number): Promise<void>;
}

/** Injection token of the {@link DeliveryQueue} (Nest). */
export const DELIVERY_QUEUE = Symbol('DELIVERY_QUEUE');
