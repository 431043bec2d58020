import { NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { OrchestrationValidationError } from '../orchestration/orchestration-errors';
import { StoreConflictError, StoreError } from '../persistence/store-errors';
import { toProblem } from './problem-details.filter';

describe(toProblem.name, () => {
  it.each([
    [new DomainError('RUN_NOT_FOUND', 'Run x not found'), 404, 'RUN_NOT_FOUND'],
    [new DomainError('CAMPAIGN_NOT_FOUND', 'nope'), 404, 'CAMPAIGN_NOT_FOUND'],
    [new StoreConflictError('RUN_ACTIVE', 'busy'), 409, 'RUN_ACTIVE'],
    [new DomainError('RUN_ALREADY_FINISHED', 'done'), 409, 'RUN_ALREADY_FINISHED'],
    [new DomainError('UNAUTHORIZED', 'token'), 401, 'UNAUTHORIZED'],
    [new DomainError('FORBIDDEN', 'role'), 403, 'FORBIDDEN'],
    [new DomainError('SERVICE_UNAVAILABLE', 'draining'), 503, 'SERVICE_UNAVAILABLE'],
    [new StoreError('disk full'), 503, 'STORE_ERROR'],
    [new NotFoundException('Cannot GET /x'), 404, 'NOT_FOUND'],
    [new PayloadTooLargeException(), 413, 'PAYLOAD_TOO_LARGE'],
    // body-parser's errors, as http-errors builds them: a status and a type.
    [Object.assign(new Error('too large'), { type: 'entity.too.large', status: 413 }), 413, 'PAYLOAD_TOO_LARGE'],
    [Object.assign(new SyntaxError('Unexpected token'), { type: 'entity.parse.failed', status: 400 }), 400, 'VALIDATION_FAILED'],
    [Object.assign(new Error('unsupported content encoding "xyz"'), { type: 'encoding.unsupported', status: 415 }), 415, 'UNSUPPORTED_MEDIA_TYPE'],
    [Object.assign(new Error('unsupported charset "KLINGON"'), { type: 'charset.unsupported', status: 415 }), 415, 'UNSUPPORTED_MEDIA_TYPE'],
    [Object.assign(new Error('request aborted'), { type: 'request.aborted', status: 400 }), 400, 'VALIDATION_FAILED'],
    // zlib's, when a body is not what its Content-Encoding says.
    [Object.assign(new Error('incorrect header check'), { code: 'Z_DATA_ERROR', errno: -3 }), 400, 'VALIDATION_FAILED'],
    // A server-side failure with a type stays a 500.
    [Object.assign(new Error('stream is not readable'), { type: 'stream.not.readable', status: 500 }), 500, 'INTERNAL_ERROR'],
  ])('maps %p to %i %s', (error, status, code) => {
    const problem = toProblem(error);
    expect(problem).toMatchObject({ status, code });
    expect(problem.type).toBe(`urn:campaign-orchestrator:problem:${code.toLowerCase().replace(/_/g, '-')}`);
    expect(problem.title.length).toBeGreaterThan(0);
  });

  it('names the invalid fields of a validation error', () => {
    const problem = toProblem(new OrchestrationValidationError([{ field: 'brief.objective', message: 'objective should not be empty' }]));
    expect(problem).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', errors: [{ field: 'brief.objective', message: 'objective should not be empty' }] });
  });

  it('hides the message of an unexpected error', () => {
    const problem = toProblem(new TypeError('secret internals at /srv/app.js'));
    expect(problem).toMatchObject({ status: 500, code: 'INTERNAL_ERROR', detail: 'An unexpected error occurred' });
  });
});
