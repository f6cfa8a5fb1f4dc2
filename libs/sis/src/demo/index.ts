export {
  generateDemoSis,
  type DemoSisOptions,
  type DemoSisSummary,
  DEMO_CASE_PACKAGE,
  DEMO_NOW,
} from './demo-sis.generator';
export { mutateDemoSis, type MutateDemoSisOptions, type MutateDemoSisResult } from './demo-sis.mutator';
