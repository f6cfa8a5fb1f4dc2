import { describeWithService } from '@app/testing';
import { pipelineScenarios } from './pipeline-scenarios';

describeWithService('redis', 'publishing pipeline end to end (SQLite store)', () =>
  pipelineScenarios('sqlite'),
);
