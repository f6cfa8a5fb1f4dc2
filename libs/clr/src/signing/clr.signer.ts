import { buildEmbeddedCryptographicKey, type Signer } from '../keys';
import {
  CLR_CONTEXT_URL,
  type Achievement,
  type Assertion,
  type Clr,
  type CompactJws,
  type CryptographicKey,
  type Endorsement,
  type EndorsementProfile,
  type JsonLdContext,
  type Profile,
  type WithContext,
} from '../model';
import { signCompactJws } from './compact-jws.signer';
import { plainTreeCopy } from './plain-tree-copy';
import { SigningError } from './signing-error';

/** One key, or the keys of every Profile that issues something in the CLR. */
export type SignerSet = Signer | readonly Signer[];

export interface SignOptions {
  /**
   * Embed the signer's CryptographicKey as the signing Profile's `publicKey` (as Open Credential
   * Publisher does) so a verifier can check the key linkage from the object alone. Default true.
   */
  embedPublicKey?: boolean;
}

/** A signed object: the compact JWS and the exact payload object it carries. */
export interface SignedObject<T> {
  jws: CompactJws;
  payload: WithContext<T>;
}

export interface SignedClr {
  /** JWS of the Clr, for `{ "@context": ..., "signedClr": ... }`. */
  signedClr: CompactJws;
  /** The signed payload: the Clr with its `signedAssertions` / `signedEndorsements`. */
  clr: WithContext<Clr>;
}

/**
 * Signs one Assertion with the key of its issuer (`achievement.issuer`). Sets
 * `verification: { type: 'Signed', creator: keyUrl }`, the issuer's `publicKey` and
 * `revocationList`, and `@context` (a signed Assertion is a standalone document). The input is
 * not modified.
 *
 * @throws SigningError when the Assertion has no issuer id or the signer does not own it.
 */
export async function signAssertion(
  assertion: Assertion,
  signer: Signer,
  options: SignOptions = {},
): Promise<SignedObject<Assertion>> {
  const payload = withContext(structuredClone(assertion));
  prepareAssertion(payload, signerIndex(signer), '$', options);
  return { jws: await signCompactJws(payload, signer), payload };
}

/**
 * Signs one Endorsement with the key of its `issuer`, as {@link signAssertion} does.
 * @throws SigningError when the Endorsement has no issuer id or the signer does not own it.
 */
export async function signEndorsement(
  endorsement: Endorsement,
  signer: Signer,
  options: SignOptions = {},
): Promise<SignedObject<Endorsement>> {
  const payload = withContext(structuredClone(endorsement));
  prepareEndorsement(payload, signerIndex(signer), '$', options);
  return { jws: await signCompactJws(payload, signer), payload };
}

/**
 * Signs a whole CLR the way Open Credential Publisher does (CLR 1.0 digest §8):
 * 1. every Endorsement with `verification.type: 'Signed'` (on the Clr, its learner and
 *    publisher, achievements, assertions, their achievements and issuers) is signed and moved
 *    to its parent's `signedEndorsements`;
 * 2. every Assertion not verified as `Hosted` is signed into `signedAssertions` and removed from
 *    `assertions`;
 * 3. the Clr is signed with the publisher's key.
 * Each object is signed with the Signer whose `ownerId` is the id of the Profile that issues it
 * (endorsement `issuer`, assertion `achievement.issuer`, Clr `publisher`). The input is not
 * modified.
 *
 * @throws SigningError naming the object when a Profile has no Signer or an object lacks its
 *   issuer id.
 */
export async function signClr(clr: Clr, signers: SignerSet, options: SignOptions = {}): Promise<SignedClr> {
  const index = signerIndex(signers);
  // A plain JSON tree (what the mapping makes) is copied by a plain walk, several times faster
  // than structuredClone; anything else (shared or cyclic objects, class instances, dates ...)
  // takes structuredClone as before, whose copy keeps the sharing the signing steps depend on.
  const tree = plainTreeCopy(clr);
  const payload = tree === undefined ? withContext(structuredClone(clr)) : withContextCopy(tree);
  await signEndorsementsIn(payload, index, options);

  const assertions = payload.assertions ?? [];
  // An achievement asserted here may also be listed in `achievements`, and its copies MUST match
  // exactly (CLR 1.0): every achievement issuer with a key, listed or in a Hosted assertion, is
  // linked to its key and revocation list as the signed assertions' issuers are (below).
  for (const achievement of payload.achievements ?? []) linkIssuer(achievement.issuer, index, options);
  for (const assertion of assertions) {
    if (assertion.verification?.type === 'Hosted') linkIssuer(assertion.achievement?.issuer, index, options);
  }
  const toSign = assertions.map((assertion, i) => ({ assertion, path: `$.assertions[${i}]` }));
  const signed = toSign.filter(({ assertion }) => assertion.verification?.type !== 'Hosted');
  // In a tree nothing else refers to a signed assertion (it leaves `assertions` below), so a
  // copy with `@context` first serialises the same as the reordered original; shared objects
  // must be reordered in place, where every reference sees it.
  const contextFirst = tree === undefined ? withContext : withContextCopy;
  const jwsList = await Promise.all(
    signed.map(({ assertion, path }) => {
      const assertionPayload = contextFirst(assertion);
      const signer = prepareAssertion(assertionPayload, index, path, options);
      return signCompactJws(assertionPayload, signer);
    }),
  );
  if (signed.length > 0) {
    payload.signedAssertions = [...(payload.signedAssertions ?? []), ...jwsList];
    const kept = assertions.filter((assertion) => assertion.verification?.type === 'Hosted');
    if (kept.length > 0) payload.assertions = kept;
    else delete payload.assertions;
  }

  const signer = prepareSigned(payload, payload.publisher, index, '$', 'publisher', options);
  return { signedClr: await signCompactJws(payload, signer), clr: payload };
}

type SignerIndex = Map<string, Signer>;

function signerIndex(signers: SignerSet): SignerIndex {
  const index: SignerIndex = new Map();
  const list: readonly Signer[] = 'privateKey' in signers ? [signers] : signers;
  for (const signer of list) {
    if (index.has(signer.ownerId)) {
      throw new SigningError('invalid-signers', '$', `two signers for profile ${signer.ownerId}`);
    }
    index.set(signer.ownerId, signer);
  }
  return index;
}

function prepareAssertion(
  assertion: Assertion,
  index: SignerIndex,
  path: string,
  options: SignOptions,
): Signer {
  const issuer = assertion.achievement?.issuer;
  return prepareSigned(assertion, issuer, index, path, 'achievement.issuer', options);
}

function prepareEndorsement(
  endorsement: Endorsement,
  index: SignerIndex,
  path: string,
  options: SignOptions,
): Signer {
  return prepareSigned(endorsement, endorsement.issuer, index, path, 'issuer', options);
}

/**
 * Points the object's verification at the signer's key and links the signing Profile to the
 * key and revocation list, in place. Returns the Signer to use.
 */
function prepareSigned(
  target: Assertion | Endorsement | Clr,
  profile: Profile | EndorsementProfile | undefined,
  index: SignerIndex,
  path: string,
  profilePath: string,
  options: SignOptions,
): Signer {
  const profileId = profile?.id;
  if (profile === undefined || typeof profileId !== 'string' || profileId.length === 0) {
    throw new SigningError('invalid-object', path, `no ${profilePath}.id: cannot tell whose key signs it`);
  }
  const signer = index.get(profileId);
  if (signer === undefined) {
    throw new SigningError('no-signer', path, `no signing key for ${profilePath} ${profileId}`);
  }
  linkIssuer(profile, index, options);
  target.verification = { type: 'Signed', creator: signer.keyUrl };
  return signer;
}

/** Links an achievement issuer that has a Signer to its key and revocation list, in place. */
function linkIssuer(issuer: Profile | undefined, index: SignerIndex, options: SignOptions): void {
  const signer = typeof issuer?.id === 'string' ? index.get(issuer.id) : undefined;
  if (issuer === undefined || signer === undefined) return;
  if (options.embedPublicKey !== false) issuer.publicKey = embeddedKey(signer);
  issuer.revocationList = signer.revocationListUrl;
}

const embeddedKeys = new WeakMap<Signer, CryptographicKey>();

function embeddedKey(signer: Signer): CryptographicKey {
  let key = embeddedKeys.get(signer);
  if (key === undefined) {
    key = buildEmbeddedCryptographicKey({
      keyUrl: signer.keyUrl,
      ownerId: signer.ownerId,
      publicKeyPem: signer.publicKeyPem,
    });
    embeddedKeys.set(signer, key);
  }
  // A copy per Profile: the payloads are serialised separately and must not share mutations.
  return { ...key };
}

/** Endorsable parts of a Clr, each visited once even when the same object is referenced twice. */
async function signEndorsementsIn(clr: Clr, index: SignerIndex, options: SignOptions): Promise<void> {
  const seen = new Set<object>();
  const holders: { holder: EndorsementHolder; path: string }[] = [];
  const add = (holder: EndorsementHolder | undefined, path: string): void => {
    if (holder === undefined || seen.has(holder)) return;
    seen.add(holder);
    holders.push({ holder, path });
  };
  const addProfile = (profile: Profile | undefined, path: string): void => {
    for (let depth = 0; profile !== undefined && depth < 16; depth += 1) {
      add(profile, path);
      profile = profile.parentOrg;
      path = `${path}.parentOrg`;
    }
  };
  const addAchievement = (achievement: Achievement | undefined, path: string): void => {
    add(achievement, path);
    addProfile(achievement?.issuer, `${path}.issuer`);
  };
  add(clr, '$');
  addProfile(clr.learner, '$.learner');
  addProfile(clr.publisher, '$.publisher');
  (clr.achievements ?? []).forEach((achievement, i) => addAchievement(achievement, `$.achievements[${i}]`));
  (clr.assertions ?? []).forEach((assertion, i) => {
    add(assertion, `$.assertions[${i}]`);
    addAchievement(assertion.achievement, `$.assertions[${i}].achievement`);
    addProfile(assertion.source, `$.assertions[${i}].source`);
  });
  await Promise.all(holders.map(({ holder, path }) => signHolderEndorsements(holder, path, index, options)));
}

type EndorsementHolder = Clr | Profile | Achievement | Assertion;

async function signHolderEndorsements(
  holder: EndorsementHolder,
  path: string,
  index: SignerIndex,
  options: SignOptions,
): Promise<void> {
  const endorsements = holder.endorsements;
  if (endorsements === undefined || endorsements.length === 0) return;
  const toSign = endorsements
    .map((endorsement, i) => ({ endorsement, path: `${path}.endorsements[${i}]` }))
    .filter(({ endorsement }) => endorsement.verification?.type === 'Signed');
  if (toSign.length === 0) return;
  const jwsList = await Promise.all(
    toSign.map(({ endorsement, path: endorsementPath }) => {
      const payload = withContext(structuredClone(endorsement));
      const signer = prepareEndorsement(payload, index, endorsementPath, options);
      return signCompactJws(payload, signer);
    }),
  );
  holder.signedEndorsements = [...(holder.signedEndorsements ?? []), ...jwsList];
  const kept = endorsements.filter((endorsement) => endorsement.verification?.type !== 'Signed');
  if (kept.length > 0) holder.endorsements = kept;
  else delete holder.endorsements;
}

/** Puts `@context` first (the CLR context unless the object already has one), in place. */
function withContext<T extends object>(value: T): WithContext<T> {
  const record = value as T & { '@context'?: JsonLdContext };
  const context = record['@context'] ?? CLR_CONTEXT_URL;
  if (Object.keys(record)[0] === '@context') return record as WithContext<T>;
  const entries = Object.entries(record).filter(([key]) => key !== '@context');
  for (const key of Object.keys(record)) delete (record as Record<string, unknown>)[key];
  Object.assign(record, { '@context': context }, Object.fromEntries(entries));
  return record as WithContext<T>;
}

/** {@link withContext} as a shallow copy (the object itself when `@context` is already first). */
function withContextCopy<T extends object>(value: T): WithContext<T> {
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys[0] === '@context') return value as WithContext<T>;
  const copy: Record<string, unknown> = { '@context': record['@context'] ?? CLR_CONTEXT_URL };
  for (const key of keys) if (key !== '@context') copy[key] = record[key];
  return copy as WithContext<T>;
}
