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

  /**
   * Like {@link enqueue} without delay, but a job of the same id that already finished (kept
   * for a while after completing or failing) is replaced, so the attempt really runs again.
   * The sweeper uses it: a job that ran and found nothing to do (e.g. a worker whose clock
   * saw the claim as fresh) must not block the delivery until the finished job ages out.
   */
  requeue(deliveryId: string, attempt: number): Promise<void>;
}

/** Injection token of the {@link DeliveryQueue} (Nest). */
export const DELIVERY_QUEUE = Symbol('DELIVERY_QUEUE');
