import type { TestInfrastructure } from './test-infrastructure';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __tsuzukuInfra?: TestInfrastructure }).__tsuzukuInfra?.stop();
}
