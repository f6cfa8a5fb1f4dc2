import { describeWithService } from '@app/testing';
import { pipelineScenarios } from './pipeline-scenarios';

describeWithService('postgres', 'publishing pipeline end to end (PostgreSQL store)', () =>
  describeWithService('redis', 'with Redis', () => pipelineScenarios('postgres')),
);
