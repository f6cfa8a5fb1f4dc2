import { sisReaderContractSuite } from '../../test/sis-reader.contract-suite';

describe('SisReader on SQLite (views over tables)', () => sisReaderContractSuite('sqlite'));
