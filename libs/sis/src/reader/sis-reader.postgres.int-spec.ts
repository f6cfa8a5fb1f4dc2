import { describeWithService } from '@app/testing';
import { sisReaderContractSuite } from '../../test/sis-reader.contract-suite';

describeWithService('postgres', 'SisReader on PostgreSQL', () => sisReaderContractSuite('postgres'));
