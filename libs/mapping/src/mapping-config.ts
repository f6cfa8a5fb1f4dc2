import { type Alignment } from '@app/clr';
import { type AppConfig } from '@app/config';
import { type MappingContext } from './mapping-context';

/** The parts of the validated configuration the mapping reads. */
export type MappingConfigSource = Pick<AppConfig, 'publicBaseUrl' | 'institution' | 'mapping' | 'case'>;

/**
 * The mapping context of the validated configuration, plus what a build supplies: the resolved
 * alignments and the CLR's `issuedOn`. `case.onUnresolved: fail` maps to `keep-url` here: failing
 * a learner is the build's decision (it sees the resolver's warnings), not the mapping's.
 */
export function mappingContextFromConfig(
  config: MappingConfigSource,
  alignments: ReadonlyMap<string, Alignment>,
  issuedOn: string,
): MappingContext {
  const { institution, mapping } = config;
  return {
    publicBaseUrl: config.publicBaseUrl,
    idSecret: institution.idSecret,
    institution: {
      id: institution.id,
      name: institution.name,
      url: institution.url,
      email: institution.email,
    },
    gradeScale: mapping.gradeScale,
    recipientIdentity: mapping.recipientIdentity,
    hashRecipientIdentity: mapping.hashRecipientIdentity,
    performanceLevels: mapping.competencyLevels,
    unresolvedAlignment: config.case.onUnresolved === 'omit' ? 'omit' : 'keep-url',
    alignments,
    issuedOn,
  };
}
