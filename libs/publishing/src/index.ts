export * from './compose/compose-outcome';
export * from './compose/learner-clr-composer';
export * from './compose/learner-clr-composer.factory';
export * from './compose/learner-clr-composer.module';
