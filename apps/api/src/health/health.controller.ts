import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { type Response } from 'express';
import { type HealthReport, HealthService } from './health.service';

/** Probes for load balancers and orchestrators. Unauthenticated; bodies carry states and timings only. */
@ApiExcludeController()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** Readiness: 200 when the store, Redis and every SIS source answer, else 503. */
  @Get()
  @Header('Cache-Control', 'no-store')
  async ready(@Res({ passthrough: true }) res: Response): Promise<HealthReport> {
    const report = await this.health.check();
    res.status(report.status === 'up' ? 200 : 503);
    return report;
  }

  /** Liveness: the process answers HTTP. */
  @Get('live')
  @Header('Cache-Control', 'no-store')
  live(): { status: 'up' } {
    return { status: 'up' };
  }
}
