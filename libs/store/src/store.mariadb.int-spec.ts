import { describeWithService } from '@app/testing';
import { storeContract } from '../test/store-contract';
import { mariadbHarness } from '../test/store-harness';

describeWithService('mariadb', 'PublisherStore on MariaDB (database clr_store_contract)', () => {
  storeContract(() => mariadbHarness('clr_store_contract'));
});
