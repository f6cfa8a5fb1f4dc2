import { ConfigError } from '@app/config';
import { DeliveryError } from '@app/delivery';
import { SyncRunConflictError, SyncRunError } from '@app/publishing';
import { SisError } from '@app/sis';
import { StoreError } from '@app/store';
import { BadRequestException, NotFoundException } from '@nestjs/common';
import { z } from 'zod';
import { ApiError } from './api-error';
import { isOutage, mapError } from './error-mapping';

function summary(error: unknown): [number, string] {
  const mapped = mapError(error);
  return [mapped.status, mapped.code];
}

describe('mapError', () => {
  it('keeps the status, code, details and headers of an ApiError', () => {
    const mapped = mapError(
      new ApiError(409, 'busy', 'run r-1 is running', { runId: 'r-1' }, { 'Retry-After': '5' }),
    );
    expect(mapped).toEqual({
      status: 409,
      code: 'busy',
      message: 'run r-1 is running',
      details: { runId: 'r-1' },
      headers: { 'Retry-After': '5' },
      severity: 'warn',
    });
  });

  it("maps Nest's HTTP exceptions to their status, with array messages as details", () => {
    expect(summary(new NotFoundException('Cannot GET /admin/nope'))).toEqual([404, 'not_found']);
    const mapped = mapError(new BadRequestException(['source must be a string', 'mode is required']));
    expect(mapped.details).toEqual(['source must be a string', 'mode is required']);
    expect(mapped.message).toBe('source must be a string; mode is required');
  });

  it('maps store errors by code, never an outdated schema to a client error', () => {
    expect(summary(new StoreError('NOT_FOUND', 'no delivery d-1'))).toEqual([404, 'not_found']);
    expect(summary(new StoreError('DUPLICATE', 'target "x" exists'))).toEqual([409, 'duplicate']);
    expect(summary(new StoreError('VERSION_CONFLICT', 'stale'))).toEqual([409, 'version_conflict']);
    expect(summary(new StoreError('KEY_ROTATION_CONFLICT', 'raced'))).toEqual([409, 'key_rotation_conflict']);
    expect(summary(new StoreError('NO_ACTIVE_KEY', 'none'))).toEqual([409, 'no_active_key']);
    expect(summary(new StoreError('INVALID_ARGUMENT', 'limit'))).toEqual([400, 'invalid_argument']);
    expect(summary(new StoreError('SCHEMA_OUTDATED', 'migrate'))).toEqual([503, 'service_unavailable']);
    const options = mapError(new StoreError('INVALID_OPTIONS', 'host missing at db.internal'));
    expect([options.status, options.code]).toEqual([500, 'internal_error']);
    expect(options.message).not.toContain('db.internal');
  });

  it('maps run errors by name and code: a conflict to 409 with the active run', () => {
    const mapped = mapError(new SyncRunConflictError('demo', 'run-42'));
    expect([mapped.status, mapped.code, mapped.details]).toEqual([
      409,
      'run_conflict',
      { source: 'demo', activeRunId: 'run-42' },
    ]);
    expect(summary(new SyncRunError('UNKNOWN_SOURCE', 'no source "x"'))).toEqual([422, 'unknown_source']);
    expect(summary(new SyncRunError('NOT_FOUND', 'no run r-9'))).toEqual([404, 'run_not_found']);
    expect(summary(new SyncRunError('QUEUE_UNAVAILABLE', 'redis'))).toEqual([503, 'service_unavailable']);
    // Matched by name when the class is another copy (or not loaded at all).
    const lookalike = Object.assign(new Error('busy'), {
      name: 'SyncRunConflictError',
      code: 'RUN_CONFLICT',
    });
    expect(summary(lookalike)).toEqual([409, 'run_conflict']);
  });

  it('maps validation errors to 400 with every issue', () => {
    const result = z.object({ source: z.string(), limit: z.number().max(10) }).safeParse({ limit: 50 });
    if (result.success) throw new Error('expected a validation error');
    const mapped = mapError(result.error);
    expect([mapped.status, mapped.code]).toEqual([400, 'invalid_request']);
    expect(mapped.details).toEqual([
      { path: 'source', message: 'Required' },
      { path: 'limit', message: 'Number must be less than or equal to 10' },
    ]);
  });

  it('turns outages into 503 and never into 4xx', () => {
    expect(
      summary(new SisError('SIS_UNAVAILABLE', 'SIS source "demo": cannot connect: sis-db.internal')),
    ).toEqual([503, 'sis_unavailable']);
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.1.2.3:5432'), { code: 'ECONNREFUSED' });
    expect(summary(refused)).toEqual([503, 'service_unavailable']);
    expect(summary(new Error('query failed', { cause: refused }))).toEqual([503, 'service_unavailable']);
    expect(
      summary(
        Object.assign(new Error('Reached the max retries per request limit'), {
          name: 'MaxRetriesPerRequestError',
        }),
      ),
    ).toEqual([503, 'service_unavailable']);
    expect(mapError(refused).message).not.toContain('10.1.2.3');
    expect(mapError(refused).headers).toEqual({ 'Retry-After': '30' });
  });

  it('answers 500 with a fixed message for everything unknown, the SIS schema and the configuration', () => {
    const unknown = mapError(new TypeError('cannot read grade of jane@example.edu'));
    expect([unknown.status, unknown.code, unknown.severity]).toEqual([500, 'internal_error', 'error']);
    expect(unknown.message).not.toContain('jane');
    expect(summary(new SisError('SIS_SCHEMA', 'view v_x missing'))).toEqual([500, 'sis_error']);
    const config = mapError(new ConfigError('x.yaml', [{ path: 'store.file', message: 'is required' }]));
    expect([config.status, config.code, config.details]).toEqual([
      500,
      'configuration_invalid',
      [{ path: 'store.file', message: 'is required' }],
    ]);
    expect(summary('a string')).toEqual([500, 'internal_error']);
  });

  it('maps provider failures to 502 and body-parser errors to their client status', () => {
    expect(summary(new DeliveryError('unreachable', 'no answer'))).toEqual([502, 'provider_error']);
    const tooLarge = Object.assign(new Error('request entity too large'), {
      status: 413,
      expose: true,
      type: 'entity.too.large',
    });
    expect(summary(tooLarge)).toEqual([413, 'payload_too_large']);
    const hidden = Object.assign(new Error('internal'), { status: 400, expose: false });
    expect(summary(hidden)).toEqual([500, 'internal_error']);
  });

  it('recognises an outage only by codes and names, not by any error', () => {
    expect(isOutage(Object.assign(new Error('x'), { code: 'ETIMEDOUT' }))).toBe(true);
    expect(isOutage(new Error('Connection is closed.'))).toBe(true);
    expect(isOutage(new Error('grade missing'))).toBe(false);
    expect(isOutage(undefined)).toBe(false);
  });
});
