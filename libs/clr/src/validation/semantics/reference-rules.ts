import { appendPath } from '../../json/json-path';
import type { Finding } from '../finding';
import { isObject, type ModelNode } from './model-walker';

const finding = (path: string, reason: string): Finding => ({ path, reason, stage: 'semantics' });

/**
 * Every Association's `targetId` names an Achievement of the same CLR (in `achievements` or in an
 * assertion). Only run on a whole CLR: a lone hosted Assertion may point at achievements that
 * live in the CLR it came from.
 */
export function checkAssociations(nodes: readonly ModelNode[]): Finding[] {
  const achievementIds = new Set(
    nodes.filter((node) => node.kind === 'Achievement').map((node) => node.value.id),
  );
  const findings: Finding[] = [];
  for (const node of nodes) {
    if (node.kind !== 'Association' || typeof node.value.targetId !== 'string') continue;
    if (!achievementIds.has(node.value.targetId)) {
      findings.push(finding(appendPath(node.path, 'targetId'), 'does not name an Achievement of this CLR'));
    } else if (node.value.targetId === node.parent?.value.id) {
      findings.push(
        finding(appendPath(node.path, 'targetId'), 'an Achievement cannot be associated with itself'),
      );
    }
  }
  return findings;
}

/**
 * Results against their achievement: each Result names a ResultDescription of the assertion's
 * achievement; `achievedLevel` (and the description's `requiredLevel`) name one of its rubric
 * criterion levels; a `Status` result carries `status`; a value respects `allowedValues` and the
 * numeric `valueMin`..`valueMax` range. Reasons never repeat the value (it is a grade).
 */
export function checkResults(nodes: readonly ModelNode[]): Finding[] {
  const findings: Finding[] = [];
  for (const node of nodes) {
    if (node.kind === 'ResultDescription') findings.push(...checkRequiredLevel(node));
    if (node.kind !== 'Result' || node.parent?.kind !== 'Assertion') continue;
    const achievement = node.parent.value.achievement;
    // Without an achievement there is nothing to resolve against; the assertion rules report that.
    if (!isObject(achievement)) continue;
    const resultDescription = node.value.resultDescription;
    if (typeof resultDescription !== 'string') continue;
    const description = descriptionsOf(achievement).find((candidate) => candidate.id === resultDescription);
    if (!description) {
      findings.push(
        finding(
          appendPath(node.path, 'resultDescription'),
          "does not name a ResultDescription of the assertion's achievement",
        ),
      );
      continue;
    }
    findings.push(...checkResultAgainst(node, description));
  }
  return findings;
}

function checkResultAgainst(result: ModelNode, description: Record<string, unknown>): Finding[] {
  const findings: Finding[] = [];
  const { achievedLevel, status, value } = result.value;
  if (typeof achievedLevel === 'string' && !levelIdsOf(description).includes(achievedLevel)) {
    findings.push(
      finding(
        appendPath(result.path, 'achievedLevel'),
        'does not name a RubricCriterionLevel of its ResultDescription',
      ),
    );
  }
  if (description.resultType === 'Status' && status === undefined) {
    findings.push(
      finding(
        appendPath(result.path, 'status'),
        "is required when the ResultDescription's resultType is Status",
      ),
    );
  }
  if (typeof value !== 'string') return findings;
  const valuePath = appendPath(result.path, 'value');
  const allowed = description.allowedValues;
  if (Array.isArray(allowed) && allowed.length > 0) {
    if (!allowed.includes(value)) {
      findings.push(finding(valuePath, "is not one of the ResultDescription's allowedValues"));
    }
    return findings;
  }
  const min = numberOrUndefined(description.valueMin);
  const max = numberOrUndefined(description.valueMax);
  if (min === undefined && max === undefined) return findings;
  const number = numberOrUndefined(value);
  if (number === undefined) {
    findings.push(
      finding(
        valuePath,
        'is not a number, but the ResultDescription gives a numeric valueMin/valueMax range',
      ),
    );
  } else if ((min !== undefined && number < min) || (max !== undefined && number > max)) {
    findings.push(finding(valuePath, "is outside the ResultDescription's valueMin..valueMax range"));
  }
  return findings;
}

function checkRequiredLevel(description: ModelNode): Finding[] {
  const required = description.value.requiredLevel;
  if (typeof required !== 'string' || levelIdsOf(description.value).includes(required)) return [];
  return [
    finding(appendPath(description.path, 'requiredLevel'), 'does not name one of its rubricCriterionLevels'),
  ];
}

function descriptionsOf(achievement: Record<string, unknown>): Array<Record<string, unknown>> {
  return Array.isArray(achievement.resultDescriptions) ? achievement.resultDescriptions.filter(isObject) : [];
}

function levelIdsOf(description: Record<string, unknown>): unknown[] {
  const levels = description.rubricCriterionLevels;
  return Array.isArray(levels) ? levels.filter(isObject).map((level) => level.id) : [];
}

/** Model numbers are strings ('100', '3.5'); a blank or non-decimal string is not a number. */
function numberOrUndefined(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*$/.test(value)) return undefined;
  return Number(value);
}
