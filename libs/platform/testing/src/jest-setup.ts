import { jest } from '@jest/globals';

// Integration tests wait on real brokers and databases: allow them the time.
jest.setTimeout(120_000);
