import { type CompactJws, type KeyResolver, verifyClr } from '@app/clr';
import { signedPayload } from './provider-clr.reader';

/** The verdict on one delivered CLR. Ids, paths and reasons only: nothing about the learner. */
export interface SampleVerdict {
  /** The Clr id's last path segment (an HMAC, not a student id). */
  clr: string;
  valid: boolean;
  /** Signed objects checked (the CLR and its assertions). */
  signatures: number;
  /** The key URL the CLR itself was checked against. */
  keyUrl: string | undefined;
  /** `path: reason` of each finding (at most 5). */
  reasons: string[];
}

/** `count` items spread evenly over `items` (all of them when there are fewer). */
export function spreadSample<T>(items: readonly T[], count: number): T[] {
  if (count >= items.length) return [...items];
  if (count <= 0) return [];
  return Array.from({ length: count }, (_, index) => items[Math.floor((index * items.length) / count)]);
}

/**
 * Verifies each signed CLR with `verifyClr` (Open Badges 2.0 steps: decode, validate, key,
 * signature, key linkage, revocation), keys and revocation lists from `resolver`.
 */
export async function verifySample(
  signedClrs: readonly CompactJws[],
  resolver: KeyResolver,
): Promise<SampleVerdict[]> {
  const verdicts: SampleVerdict[] = [];
  for (const jws of signedClrs) {
    const report = await verifyClr(signedPayload(jws), { resolver });
    const root = report.objects.find((object) => object.kind === 'clr');
    verdicts.push({
      clr: root?.id?.split('/').pop() ?? '(unreadable)',
      valid: report.valid,
      signatures: report.objects.length,
      keyUrl: root?.keyUrl,
      reasons: report.findings.slice(0, 5).map((finding) => `${finding.path}: ${finding.reason}`),
    });
  }
  return verdicts;
}
