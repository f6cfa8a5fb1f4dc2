import { type AssertionChangeResult, AssertionOperations } from '@app/publishing';
import { EXIT_INVALID, EXIT_OK } from '../cli.errors';
import { type CliIo } from '../cli-io';
import { OperationOutput } from '../operations/operation-output';
import { withOperations } from '../operations/operations-context';
import { followRun } from '../operations/run-waiter';
import { summaryText } from '../sync/sync-progress.formatter';

export interface AssertionChangeOptions {
  reason?: string;
  wait?: boolean;
  timeout?: number;
  json?: boolean;
  config?: string;
}

/**
 * Revokes or reinstates one assertion and reports it: the ledger change and the learner's
 * republish run. Exit 0 when both happened (and, with `--wait`, the run succeeded); 1 when it was
 * refused (unknown, already revoked, not revoked) or the republish could not start (the change
 * stands: the output says how to republish later); 2 for usage, configuration or infrastructure.
 */
export async function changeAssertion(
  io: CliIo,
  kind: 'revoke' | 'reinstate',
  assertion: string,
  options: AssertionChangeOptions,
): Promise<void> {
  const json = options.json === true;
  const output = new OperationOutput(io, json);
  await withOperations(options.config, async ({ app, actor }) => {
    const assertions = app.get(AssertionOperations);
    let result: AssertionChangeResult;
    try {
      result =
        kind === 'revoke'
          ? await assertions.revoke(assertion, options.reason, actor)
          : await assertions.reinstate(assertion, options.reason, actor);
    } catch (error) {
      output.failed(error);
      return;
    }
    const verb = result.change === 'reinstated' ? 'reinstated' : 'revoked';
    const lines = [
      `${verb} ${result.assertion.assertionId} (learner ${result.assertion.learnerRef})${
        result.change === 'taken-over'
          ? ': it had been revoked by a build; now an operator holds it revoked'
          : ''
      }`,
    ];
    const { republish } = result;
    if (republish.status === 'not-started') {
      output.warn(`the learner's CLR was not republished: ${republish.reason}\n${republish.hint}`);
      output.ok(result, lines.join('\n'), EXIT_INVALID);
      return;
    }
    lines.push(`republish run ${republish.run.id} queued`);
    if (options.wait !== true) {
      output.ok(result, lines.join('\n'));
      return;
    }
    if (!json) io.out(`${lines.join('\n')}\n`);
    const followed = await followRun(app, io, republish.run.id, {
      json,
      timeoutSeconds: options.timeout ?? 3600,
    });
    if ('timedOut' in followed) {
      output.ok(
        { ...result, timedOut: followed.timedOut },
        `still running: ${followed.timedOut}`,
        EXIT_INVALID,
      );
      return;
    }
    output.ok(
      { ...result, republish: { status: 'queued', run: followed.summary } },
      summaryText(followed.summary),
      followed.summary.status === 'succeeded' ? EXIT_OK : EXIT_INVALID,
    );
  });
}
