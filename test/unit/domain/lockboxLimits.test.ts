import { LOCKBOX_DECISION_HOURS, LOCKBOX_MAX_MINUTES, LOCKBOX_MIN_MINUTES, lockboxLimitProblems } from '../../../src/domain/lockbox';

const fine = { defaultDurationMinutes: 240, maxDurationMinutes: 1440, decisionHours: 12 };

describe('lockbox limits: one home for the ranges', () => {
  it('are 15–1440 minutes and 1–72 hours', () => {
    expect([LOCKBOX_MIN_MINUTES, LOCKBOX_MAX_MINUTES]).toEqual([15, 1440]);
    expect(LOCKBOX_DECISION_HOURS).toEqual({ min: 1, max: 72 });
  });

  it.each([
    [{}, []],
    [{ maxDurationMinutes: 1441 }, [{ field: 'maxDurationMinutes', problem: 'range' }]],
    [{ maxDurationMinutes: 14, defaultDurationMinutes: 15 }, [{ field: 'maxDurationMinutes', problem: 'range' }]],
    [{ defaultDurationMinutes: 14 }, [{ field: 'defaultDurationMinutes', problem: 'range' }]],
    [{ defaultDurationMinutes: 600, maxDurationMinutes: 480 }, [{ field: 'defaultDurationMinutes', problem: 'aboveMax' }]],
    [{ decisionHours: 0 }, [{ field: 'decisionHours', problem: 'range' }]],
    [{ decisionHours: 73 }, [{ field: 'decisionHours', problem: 'range' }]],
    [{ decisionHours: 1.5 }, [{ field: 'decisionHours', problem: 'range' }]],
    [{ defaultDurationMinutes: 15, maxDurationMinutes: 15, decisionHours: 1 }, []],
    [{ defaultDurationMinutes: 1440, maxDurationMinutes: 1440, decisionHours: 72 }, []],
  ])('%j → %j', (change, problems) => {
    expect(lockboxLimitProblems({ ...fine, ...change })).toEqual(problems);
  });
});
