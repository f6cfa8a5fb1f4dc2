import { applyDecorators, UseInterceptors } from '@nestjs/common';
import { ApiExtraModels } from '@nestjs/swagger';
import { AdminApi } from '../admin-api.decorator';
import { AdminErrorDto } from './admin-error.dto';
import { OperationErrorInterceptor } from './operation-error.interceptor';

/** An /admin controller over the shared operations: the admin OpenAPI decorations and their error mapping. */
export const AdminOperationsApi = (tag: string): ClassDecorator =>
  applyDecorators(AdminApi(tag), ApiExtraModels(AdminErrorDto), UseInterceptors(OperationErrorInterceptor));
