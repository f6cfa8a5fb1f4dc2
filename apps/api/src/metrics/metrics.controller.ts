import { createHash, timingSafeEqual } from 'node:crypto';
import { type AppConfig, InjectAppConfig } from '@app/config';
import { ClrMetrics, type MetricsJson, MetricsSnapshotReader, loggableError } from '@app/observability';
import { Controller, Get, Headers, Logger, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { type Response } from 'express';
import { ApiError } from '../errors/api-error';

/**
 * Prometheus exposition at `/metrics`: this process's metrics, the workers' snapshots summed in,
 * queue depths read now. Open unless `admin.metrics.tokenSha256` is configured.
 */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  private readonly logger = new Logger('Metrics');
  private readonly tokenHash: Buffer | undefined;

  constructor(
    private readonly metrics: ClrMetrics,
    private readonly snapshots: MetricsSnapshotReader,
    @InjectAppConfig() config: AppConfig,
  ) {
    const configured = config.admin.metrics.tokenSha256;
    this.tokenHash = configured === undefined ? undefined : Buffer.from(configured, 'hex');
  }

  @Get()
  async scrape(
    @Headers('authorization') authorization: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    this.checkToken(authorization);
    let others: MetricsJson[] = [];
    try {
      others = await this.snapshots.read();
    } catch (error) {
      // Redis down: serve what this process knows; the queue gauges say the queues are down.
      this.logger.warn({ err: loggableError(error) }, 'metrics: worker snapshots unreadable');
    }
    const text = await this.metrics.render(others);
    res.status(200).set({ 'Content-Type': this.metrics.contentType, 'Cache-Control': 'no-store' }).send(text);
  }

  private checkToken(authorization: string | undefined): void {
    if (this.tokenHash === undefined) return;
    const challenge = { 'WWW-Authenticate': 'Bearer realm="clr-publisher-metrics"' };
    const match = /^Bearer +(\S+) *$/i.exec(authorization ?? '');
    if (match === null)
      throw new ApiError(
        401,
        'unauthorized',
        '/metrics needs Authorization: Bearer <token>',
        undefined,
        challenge,
      );
    const presented = createHash('sha256').update(match[1], 'utf8').digest();
    if (!timingSafeEqual(presented, this.tokenHash)) {
      throw new ApiError(401, 'invalid_token', 'The bearer token was refused', undefined, {
        'WWW-Authenticate': 'Bearer realm="clr-publisher-metrics", error="invalid_token"',
      });
    }
  }
}
