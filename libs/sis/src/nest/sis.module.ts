import { Module } from '@nestjs/common';
import { SisReader } from '../reader/sis.reader';
import { SisReaders } from './sis-readers.service';

/**
 * SIS access for apps: `SisReaders` (every configured source) and `SisReader` (the first one).
 * Needs `ClrConfigModule.forRoot()` imported by the app.
 */
@Module({
  providers: [
    SisReaders,
    { provide: SisReader, useFactory: (readers: SisReaders) => readers.default, inject: [SisReaders] },
  ],
  exports: [SisReaders, SisReader],
})
export class SisModule {}
