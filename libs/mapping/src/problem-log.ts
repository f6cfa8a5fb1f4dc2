import { type RecordProblem, type RecordSetName } from '@app/sis';

/** Collects the rows a mapping skipped or degraded, once each, in a stable order. */
export class ProblemLog {
  private readonly problems = new Map<string, RecordProblem>();

  skipped(recordSet: RecordSetName, key: string, reason: string): void {
    this.add({ recordSet, key, reason, effect: 'skipped' });
  }

  degraded(recordSet: RecordSetName, key: string, reason: string): void {
    this.add({ recordSet, key, reason, effect: 'degraded' });
  }

  list(): RecordProblem[] {
    return [...this.problems.values()];
  }

  private add(problem: RecordProblem): void {
    const id = JSON.stringify([problem.recordSet, problem.key, problem.effect, problem.reason]);
    if (!this.problems.has(id)) this.problems.set(id, problem);
  }
}
