import { Controller, Get, Header } from '@nestjs/common';

/** The privacy policy and terms the discovery document points at, so those URLs resolve. */
@Controller('about')
export class AboutController {
  @Get('privacy')
  @Header('Content-Type', 'text/plain; charset=utf-8')
  privacy(): string {
    return (
      'Stand-in CLR provider for testing. CLRs it receives are kept in memory only, ' +
      'are never shared, and are gone when it stops.\n'
    );
  }

  @Get('terms')
  @Header('Content-Type', 'text/plain; charset=utf-8')
  terms(): string {
    return 'Stand-in CLR provider for testing and demonstrations. No service level; do not send real learner data.\n';
  }
}
