import { type AdminPrincipal, Audit, CurrentAdmin, Roles } from '@app/api';
import { ConfigError } from '@app/config';
import { SyncRunConflictError } from '@app/publishing';
import { SisError } from '@app/sis';
import { StoreError } from '@app/store';
import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { z } from 'zod';

/** Admin routes that exist only in these tests: each throws or changes in a known way. */
@Controller('admin/test-ops')
export class TestOpsController {
  @Post(':id/poke')
  @Audit({ action: 'test.poke' })
  poke(@Param('id') id: string, @CurrentAdmin() admin: AdminPrincipal): { poked: string; by: string } {
    return { poked: id, by: admin.actor };
  }

  @Post('unnamed/:id')
  unnamed(): { ok: true } {
    return { ok: true };
  }

  @Post('missing/:id')
  @Audit({ action: 'test.missing' })
  missing(@Param('id') id: string): never {
    throw new StoreError('NOT_FOUND', `no run ${id}`);
  }

  @Post('search')
  @Roles('viewer')
  search(): { results: [] } {
    return { results: [] };
  }

  @Post('conflict')
  conflict(): never {
    throw new SyncRunConflictError('demo', 'run-42');
  }

  @Post('invalid')
  invalid(@Body() body: unknown): never {
    z.object({ source: z.string(), limit: z.number().max(10) }).parse(body);
    throw new Error('unreachable');
  }

  @Get('boom')
  boom(): never {
    throw new TypeError('cannot read grade of jane.doe@example.edu (student S-90210)');
  }

  @Get('db-down')
  dbDown(): never {
    throw Object.assign(new Error('connect ECONNREFUSED 10.9.8.7:5432'), { code: 'ECONNREFUSED' });
  }

  @Get('driver')
  driver(): never {
    throw Object.assign(new Error('duplicate key value violates unique constraint: (S-90210)'), {
      name: 'QueryFailedError',
      driverError: {},
    });
  }

  @Get('sis-down')
  sisDown(): never {
    throw new SisError('SIS_UNAVAILABLE', 'SIS source "demo": cannot connect: sis-db.internal:1433');
  }

  @Get('config')
  config(): never {
    throw new ConfigError('(test)', [{ path: 'store.file', message: 'is required' }]);
  }
}

/** A route under the public CLR prefix, whose errors are not the admin API's business. */
@Controller('ims/test-public')
export class TestPublicController {
  @Get()
  fail(): never {
    throw new Error('public failure');
  }
}
