// Tests on the engines wait on real processes sharing two cores with other files (a metric measured
// every 10 s, a consumer group settling): 60 s unless a test says otherwise, not jest's 5 s. Set here
// because jest-circus reads only the global `testTimeout`, not a project's; `jest.setTimeout` in a
// setup file is per file, so the unit tier keeps its 5 s.
import { jest } from '@jest/globals';

jest.setTimeout(60_000);
