import { describeWithService } from '@app/testing';
import { sisReaderContractSuite } from '../../test/sis-reader.contract-suite';

describeWithService('mariadb', 'SisReader on MariaDB', () => sisReaderContractSuite('mariadb'));
