/**
 * The mapping cannot run at all: the context is unusable or the learner row has no key. Bad SIS
 * rows never throw; they become `RecordProblem`s. The message names the field, never its value.
 */
export class MappingError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field} ${problem}`);
    this.name = 'MappingError';
  }
}
