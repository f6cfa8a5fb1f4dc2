import { storeContract } from '../test/store-contract';
import { sqliteHarness } from '../test/store-harness';

describe('PublisherStore on SQLite (temp file)', () => {
  storeContract(() => sqliteHarness('contract'));
});
