/**
 * Gates for suites that need a real service. The probe runs once in jest's global setup;
 * a suite whose service is down is skipped with the reason in its title (never in CI, where
 * global setup fails instead).
 */
export type ServiceName = 'redis' | 'postgres' | 'mariadb';

export function serviceDown(service: ServiceName): string | undefined {
  const state = process.env[`CLR_TEST_${service.toUpperCase()}`];
  if (state === 'up') return undefined;
  return state ?? 'not probed (run the suites through jest so global setup runs)';
}

/** `describe` when the service answers, otherwise `describe.skip` naming why. */
export function describeWithService(service: ServiceName, name: string, body: () => void): void {
  const reason = serviceDown(service);
  if (reason === undefined) describe(name, body);
  else describe.skip(`${name} [skipped: ${service} ${reason}]`, body);
}
