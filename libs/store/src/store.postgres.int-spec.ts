import { describeWithService } from '@app/testing';
import { storeContract } from '../test/store-contract';
import { postgresHarness } from '../test/store-harness';

describeWithService('postgres', 'PublisherStore on PostgreSQL (schema clr_store_contract)', () => {
  storeContract(() => postgresHarness('clr_store_contract'));
});
