// One implementation of the delivery queue port, shared with the operators' delivery retries.
export { JobProducerDeliveryQueue } from '@app/publishing';
