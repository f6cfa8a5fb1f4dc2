/**
 * The FERPA rule for logs, checked the way an auditor would: run the publisher on a demo SIS with
 * its data-quality defects (plus a few more made by hand), through the api, the worker and the
 * stand-in provider (one post refused with a body naming a learner, one delivery dying on 503s),
 * call the operators' and the public routes, capture every JSON log line in a file (and whatever
 * reached stdout or stderr), then look for every learner's names, email, birth date, SIS ids and
 * grades in them. None may appear; a line logged with them on purpose must be found.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLR_SCOPES, type Clr } from '@app/clr';
import { PublicationUrls, RevocationListService } from '@app/publishing';
import { describeWithService } from '@app/testing';
import { Logger } from '@nestjs/common';
import pino from 'pino';
import request from 'supertest';
import { type App } from 'supertest/types';
import { TokenIssuer } from '../api/token-issuer';
import {
  type PersonalDataFinding,
  type SisPersonalData,
  findPersonalData,
  readSisPersonalData,
} from '../support/personal-data.scan';
import { type PipelineStack, TARGET_NAME, startPipelineStack } from '../support/pipeline-harness';

/** The demo gives its 125th learner the defects; 130 keeps the SIS small. */
const LEARNERS = 130;
/** How long deliveries may take to settle. */
const SETTLE_MS = 150_000;
const OPERATOR_TOKEN = `operator-${randomBytes(12).toString('hex')}`;
const AS_OPERATOR = { Authorization: `Bearer ${OPERATOR_TOKEN}` };
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Writes that reached stdout or stderr while the suite ran (a console fallback would land here). */
class StrayOutput {
  readonly chunks: string[] = [];
  private readonly restore: (() => void)[] = [];

  start(): void {
    for (const stream of [process.stdout, process.stderr]) {
      const original = stream.write.bind(stream) as (...args: unknown[]) => boolean;
      stream.write = (chunk: unknown, ...rest: unknown[]) => {
        this.chunks.push(
          typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'),
        );
        return original(chunk, ...rest);
      };
      this.restore.push(() => {
        stream.write = original;
      });
    }
  }

  stop(): void {
    for (const undo of this.restore.splice(0)) undo();
  }

  get lines(): string[] {
    return this.chunks.join('').split('\n');
  }
}

describeWithService('redis', 'no personal data in the logs of a full sync (e2e)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clr-pii-logs-'));
  const logFile = join(dir, 'publisher.log');
  const destination = pino.destination({ dest: logFile, sync: true });
  const issuer = new TokenIssuer();
  const stray = new StrayOutput();
  let stack: PipelineStack;
  let server: App;
  let sis: SisPersonalData;
  let refusedLearner: { given: string; family: string; email: string };

  const logLines = (): string[] => {
    destination.flushSync();
    return readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((line) => line !== '');
  };
  const records = (): Record<string, unknown>[] =>
    logLines().map((line) => JSON.parse(line) as Record<string, unknown>);
  const waitForRun = (runId: string) => stack.runs.waitForRun(runId, { timeoutMs: 120_000, pollMs: 50 });

  beforeAll(async () => {
    stray.start();
    await issuer.start();
    stack = await startPipelineStack({
      name: 'pii-logs',
      learners: LEARNERS,
      batchSize: 25,
      defects: true,
      logs: destination,
      logLevel: 'trace',
      deliveryMaxAttempts: 3,
      extraYaml: `
admin:
  tokens:
    - { name: e2e-operator, role: operator, sha256: ${sha256(OPERATOR_TOKEN)} }
providerApi:
  issuer: ${issuer.issuer}
  jwksUrl: ${issuer.jwksUrl}
  audience: ${issuer.audience}
  readers: [${issuer.clientId}]
  discovery:
    name: E2E University CLR
    authorizationUrl: https://auth.e2e-university.example/authorize
    tokenUrl: https://auth.e2e-university.example/token
    registrationUrl: https://auth.e2e-university.example/register
    privacyPolicyUrl: https://www.e2e-university.example/privacy
    termsOfServiceUrl: https://www.e2e-university.example/terms
`,
    });
    server = stack.api.getHttpServer();
    // More of what a registrar's data has: an impossible birth date, a blank given name, a grade
    // of a course that does not exist, an unreadable percentage.
    stack.onSis((db) => {
      db.prepare("UPDATE clr_learners SET birth_date = '2001-02-30' WHERE learner_id = 'S0000002'").run();
      db.prepare("UPDATE clr_learners SET given_name = '   ' WHERE learner_id = 'S0000004'").run();
      db.prepare(
        "UPDATE clr_course_grades SET course_id = 'C0998' WHERE grade_id = (SELECT MIN(grade_id) FROM clr_course_grades WHERE learner_id = 'S0000003')",
      ).run();
      db.prepare(
        "UPDATE clr_course_grades SET percent = 'ninety' WHERE grade_id = (SELECT MIN(grade_id) FROM clr_course_grades WHERE learner_id = 'S0000005')",
      ).run();
    });
    // Read after the edits: names and dates as the SIS has them now, defects included.
    sis = stack.onSis((db) => readSisPersonalData(db));
    const named = sis.learners.find((learner) => learner.email !== null && /^[A-Z]/.test(learner.givenName))!;
    refusedLearner = { given: named.givenName, family: named.familyName, email: named.email! };
    await stack.startWorker();
  }, 180_000);

  afterAll(async () => {
    stray.stop();
    await stack?.close();
    await issuer.stop();
    destination.end();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('syncs the whole SIS through the admin API: problems reported, one delivery refused by the provider', async () => {
    // A provider that echoes personal data in its refusal: kept in the store, never logged.
    stack.provider.state.injectFault({
      status: 400,
      count: 1,
      description: `CLR of ${refusedLearner.given} ${refusedLearner.family} <${refusedLearner.email}> refused`,
    });
    const started = await request(server).post('/admin/runs').set(AS_OPERATOR).send({ mode: 'full' });
    expect(started.status).toBe(202);
    const summary = await waitForRun((started.body as { id: string }).id);
    expect(summary.status).toBe('succeeded');
    expect(summary.counts.learnersSeen).toBe(LEARNERS);
    expect(summary.problems.length).toBeGreaterThan(3);
    // The run as the admin API shows it names the learner with the bad birth date by ref only.
    const runId = (started.body as { id: string }).id;
    type ProblemPage = {
      items: { recordSet: string; key: string; learnerRef: string | null }[];
      next: number | null;
    };
    const learnerProblems: ProblemPage['items'] = [];
    for (let after: number | null | undefined; after !== null;) {
      const shown = await request(server)
        .get(`/admin/runs/${runId}`)
        .set(AS_OPERATOR)
        .query(after === undefined ? {} : { problemsAfter: after });
      expect(shown.status).toBe(200);
      expect(JSON.stringify(shown.body)).not.toContain('S0000002');
      const page = (shown.body as { problems: ProblemPage }).problems;
      learnerProblems.push(...page.items.filter((problem) => problem.recordSet === 'clr_learners'));
      after = page.next;
    }
    expect(learnerProblems.length).toBeGreaterThan(0);
    for (const problem of learnerProblems) expect(problem.key).toBe(problem.learnerRef);
    // Everything is logged at trace level, synchronously, in this one process with the provider
    // verifying every signature: under a loaded machine the deliveries take a while.
    const counts = await stack.settle(SETTLE_MS);
    expect(counts.rejected).toBe(1);
    expect(counts.delivered).toBeGreaterThan(LEARNERS - 10);
  }, 400_000);

  it('revokes an assertion through the admin API; its republished delivery dies on 503s and is retried', async () => {
    const [learner] = await stack.store.versions.listLearners({ limit: 1 });
    const [entry] = await stack.store.ledger.listForLearner(learner.learnerRef, 'active');
    const segment = entry.assertionId.split('/').pop()!;
    // Its issuer's revocation list, from the version that carries it.
    const carrying = JSON.parse(
      (await stack.store.versions.latestVersion(learner.learnerRef))!.unsignedJson,
    ) as Clr;
    const issuerId = carrying.assertions!.find((assertion) => assertion.id === entry.assertionId)!
      .achievement!.issuer.id;
    const listPath = new URL(stack.api.get(RevocationListService).listUrlOf(issuerId)).pathname;
    stack.provider.state.injectFault({ status: 503, count: 3, description: 'e2e: provider down' });
    const revoked = await request(server)
      .post(`/admin/assertions/${segment}/revoke`)
      .set(AS_OPERATOR)
      .send({ reason: 'issued in error' });
    expect(revoked.status).toBe(200);
    const republish = (revoked.body as { republish: { run?: { id: string } } }).republish;
    await waitForRun(republish.run!.id);
    expect((await stack.settle(SETTLE_MS)).dead).toBe(1);
    stack.provider.state.clearFaults();

    const dead = await request(server).get('/admin/deliveries').query({ status: 'dead' }).set(AS_OPERATOR);
    expect(dead.status).toBe(200);
    const [deadDelivery] = (dead.body as { items: { id: string }[] }).items;
    expect((await request(server).get(`/admin/deliveries/${deadDelivery.id}`).set(AS_OPERATOR)).status).toBe(
      200,
    );
    const retried = await request(server).post(`/admin/deliveries/${deadDelivery.id}/retry`).set(AS_OPERATOR);
    expect(retried.status).toBeLessThan(300);
    await stack.settle(SETTLE_MS);
    expect((await stack.store.deliveries.get(deadDelivery.id))?.status).toBe('delivered');

    // The public side of the revocation: listed, and the hosted assertion gone.
    const list = await request(server).get(listPath).set('Accept', 'application/ld+json');
    expect(list.status).toBe(200);
    expect(list.text).toContain(entry.assertionId);
    const hosted = await request(server)
      .get(`/ims/clr/v1p0/assertions/${segment}`)
      .set('Accept', 'application/ld+json');
    expect(hosted.status).toBe(410);
  }, 480_000);

  it('answers the operators’ reads and the public endpoints (keys, assertions, CLRs, discovery)', async () => {
    const runs = await request(server).get('/admin/runs').set(AS_OPERATOR);
    expect(runs.status).toBe(200);
    const [latestRun] = (runs.body as { items: { id: string }[] }).items;
    expect((await request(server).get(`/admin/runs/${latestRun.id}`).set(AS_OPERATOR)).status).toBe(200);
    const rejected = await request(server)
      .get('/admin/deliveries')
      .query({ status: 'rejected', target: TARGET_NAME })
      .set(AS_OPERATOR);
    expect(rejected.status).toBe(200);
    expect((await request(server).get('/admin/keys').set(AS_OPERATOR)).status).toBe(200);
    expect((await request(server).get('/admin/targets').set(AS_OPERATOR)).status).toBe(200);
    expect((await request(server).get('/admin/runs')).status).toBe(401);

    const [, learner] = await stack.store.versions.listLearners({ limit: 2 });
    // The key a verifier fetches: the signed CLR's `kid`, owned by its publisher.
    const latest = (await stack.store.versions.latestVersion(learner.learnerRef))!;
    const urls = stack.api.get(PublicationUrls);
    const keyUrl = urls.keyUrl(
      urls.keyDocumentId(latest.keyId!, (JSON.parse(latest.unsignedJson) as Clr).publisher.id),
    );
    expect(
      (await request(server).get(new URL(keyUrl).pathname).set('Accept', 'application/ld+json')).status,
    ).toBe(200);
    const [active] = await stack.store.ledger.listForLearner(learner.learnerRef, 'active');
    const hosted = await request(server)
      .get(`/ims/clr/v1p0/assertions/${active.assertionId.split('/').pop()!}`)
      .set('Accept', 'application/ld+json');
    expect(hosted.status).toBe(200);
    expect(
      (await request(server).get('/ims/clr/v1p0/assertions/0123456789abcdef0123456789abcdef')).status,
    ).toBe(404);

    const token = await issuer.token({ scope: CLR_SCOPES.readonly });
    const page = await request(server)
      .get('/ims/clr/v1p0/clrs')
      .query({ limit: 5 })
      .set('Authorization', `Bearer ${token}`)
      .set('Accept', 'application/json');
    expect(page.status).toBe(200);
    const clrId = stack.ids.clrId(sis.learners[10].learnerId);
    const one = await request(server)
      .get(new URL(clrId).pathname)
      .set('Authorization', `Bearer ${token}`)
      .set('Accept', 'application/json');
    expect(one.status).toBe(200);
    expect((await request(server).get(new URL(clrId).pathname)).status).toBe(401);
    expect((await request(server).get('/ims/clr/v1p0/discovery')).status).toBe(200);
    expect((await request(server).get('/metrics')).status).toBe(200);
    expect((await request(server).get('/health')).status).toBe(200);
  });

  it('logged what happened, by id: runs, batches with problems, refused and dead deliveries, requests', () => {
    const lines = records();
    const messages = new Set(lines.map((line) => line.msg));
    for (const expected of [
      'run extracted',
      'run finished',
      'build batch built',
      'build batch built with problems',
      'delivery delivered',
      'delivery rejected by the target',
      'delivery attempt failed; retrying',
      'delivery dead: no attempt left',
    ]) {
      expect(messages).toContain(expected);
    }
    const paths = new Set(lines.map((line) => (line.req as { path?: string } | undefined)?.path));
    for (const path of [
      '/admin/runs',
      '/admin/deliveries',
      '/ims/clr/v1p0/clrs',
      '/ims/clr/v1p0/discovery',
    ]) {
      expect(paths).toContain(path);
    }
  });

  it('holds no learner’s name, email, birth date, SIS id or grade in any log line or stray output', () => {
    const logged = logLines();
    expect(logged.length).toBeGreaterThan(200);
    const findings: PersonalDataFinding[] = findPersonalData(logged, sis);
    expect(findings).toEqual([]);
    expect(findPersonalData(stray.lines, sis)).toEqual([]);
  });

  it('finds personal data logged on purpose (positive control): each kind, on the line it was written', () => {
    const before = logLines().length;
    const learner = sis.learners.find(
      (candidate) => candidate.birthDate !== null && candidate.sourcedId !== null,
    )!;
    const grade = sis.grades.find((value) => value.length === 2)!;
    // Through Nest's logger, as a careless line in any service would be written.
    const careless = new Logger('PositiveControl');
    careless.warn(`learner ${learner.givenName} has no CLR`);
    careless.warn({ family: learner.familyName }, 'positive control');
    careless.warn({ contact: learner.email }, 'positive control');
    careless.warn({ born: learner.birthDate }, 'positive control');
    careless.warn({ learner: learner.learnerId }, 'positive control');
    careless.warn({ sourced: learner.sourcedId }, 'positive control');
    careless.warn({ grade }, 'positive control');
    careless.warn({ percent: sis.percents[0] }, 'positive control');

    const findings = findPersonalData(logLines().slice(before), sis);
    const kinds = (line: number) =>
      findings.filter((finding) => finding.line === line).map((finding) => finding.kind);
    expect(kinds(1)).toContain('given name');
    expect(kinds(2)).toContain('family name');
    expect(kinds(3)).toContain('email');
    expect(kinds(4)).toContain('birth date');
    expect(kinds(5)).toContain('student id');
    expect(kinds(6)).toContain('sourced id');
    expect(kinds(7)).toEqual(['grade']);
    expect(kinds(8)).toEqual(['percent']);
    expect(findings.map((finding) => finding.line).sort((a, b) => a - b)[0]).toBe(1);

    // And a console write that bypassed the logger (demo data: made-up people).
    process.stdout.write(`positive control: ${learner.learnerId}\n`);
    expect(findPersonalData(stray.lines, sis).map((finding) => finding.kind)).toEqual([
      'student id',
      'student id',
    ]);
  });
});
