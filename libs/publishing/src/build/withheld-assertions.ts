import { type Clr } from '@app/clr';

/**
 * The CLR without the assertions an operator revoked (the ledger's `withheldFor`): the SIS row
 * may still be there, but the learner's CLR must not carry them until they are reinstated. The
 * same object when none of them is in it. Achievements stay: `clr.achievements` lists the ones
 * associations point at, whether asserted or not, so every `targetId` still resolves.
 */
export function withoutWithheld(clr: Clr, withheld: ReadonlySet<string> | undefined): Clr {
  if (withheld === undefined || withheld.size === 0 || clr.assertions === undefined) return clr;
  const assertions = clr.assertions.filter((assertion) => !withheld.has(assertion.id));
  return assertions.length === clr.assertions.length ? clr : { ...clr, assertions };
}
