import { type DeliveryQueue } from '@app/delivery';
import { type JobItem, type JobProducer, JobName, QueueName, jobIdOf } from '@app/jobs';

/**
 * The delivery queue port on the job catalogue: deliver queue, job id
 * `jobIdOf({ name: DeliverClr, data: { deliveryId } }, attempt)`, the queue's retry policy.
 * The worker's handler and sweeper use it, and so do operators retrying deliveries.
 */
export class JobProducerDeliveryQueue implements DeliveryQueue {
  constructor(private readonly producer: JobProducer) {}

  async enqueue(deliveryId: string, attempt: number, delayMs?: number): Promise<void> {
    await this.producer.enqueue(itemOf(deliveryId), {
      attempt,
      ...(delayMs !== undefined ? { delayMs } : {}),
    });
  }

  async requeue(deliveryId: string, attempt: number): Promise<void> {
    const item = itemOf(deliveryId);
    const existing = await this.producer.queue(QueueName.Deliver).getJob(jobIdOf(item, attempt));
    if (existing !== undefined) {
      const state = await existing.getState();
      // Waiting, delayed or active: it will run (or is running); adding again adds nothing.
      if (state === 'completed' || state === 'failed') await existing.remove();
    }
    await this.producer.enqueue(item, { attempt });
  }
}

function itemOf(deliveryId: string): JobItem {
  return { name: JobName.DeliverClr, data: { deliveryId } };
}
