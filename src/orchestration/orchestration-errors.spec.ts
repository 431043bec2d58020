import { abortCauseOf, OrchestrationValidationError, RunAbort } from './orchestration-errors';

function abortedWith(reason: unknown): AbortSignal {
  const controller = new AbortController();
  controller.abort(reason);
  return controller.signal;
}

describe(OrchestrationValidationError.name, () => {
  it('names every invalid field in its message and carries them with the VALIDATION_FAILED code', () => {
    const errors = [
      { field: 'brief.objective', message: 'objective should not be empty' },
      { field: 'selectedPlatforms', message: 'select at least one platform' },
    ];
    const error = new OrchestrationValidationError(errors);

    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('OrchestrationValidationError');
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.errors).toEqual(errors);
    expect(error.message).toBe('Invalid run request: brief.objective: objective should not be empty; selectedPlatforms: select at least one platform');
  });
});

describe(RunAbort.name, () => {
  it.each([
    ['CANCELLED', 'Run cancelled'],
    ['RUN_TIMEOUT', 'Run timed out'],
    ['AGENT_TIMEOUT', 'Agent timed out'],
  ] as const)('says why a signal was aborted: %s', (code, message) => {
    const abort = new RunAbort(code);
    expect(abort).toBeInstanceOf(Error);
    expect(abort).toMatchObject({ name: 'RunAbort', code, message });
  });
});

describe(abortCauseOf.name, () => {
  it.each(['CANCELLED', 'RUN_TIMEOUT', 'AGENT_TIMEOUT'] as const)('reads the cause %s from the RunAbort a signal was aborted with', (code) => {
    expect(abortCauseOf(abortedWith(new RunAbort(code)))).toBe(code);
  });

  it('takes any other reason (an AbortSignal default, an error, a string) as a cancel', () => {
    expect(abortCauseOf(abortedWith(undefined))).toBe('CANCELLED');
    expect(abortCauseOf(abortedWith(new Error('RUN_TIMEOUT')))).toBe('CANCELLED');
    expect(abortCauseOf(abortedWith('RUN_TIMEOUT'))).toBe('CANCELLED');
  });
});
