import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ApiModule } from './api.module';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(ApiModule);
  app.enableShutdownHooks();
  const port = Number.parseInt(process.argv[2] ?? '3000', 10);
  await app.listen(port, '127.0.0.1');
}

void bootstrap();
