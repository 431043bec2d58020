import { ERROR_CODES, type ErrorCode } from '@app/contracts';
import type { RawAnswer } from './raw-http';
import type { SocketMessage } from './socket.arbitraries';

/** Codes that are the socket's 5xx: an acknowledgement with one of them is a server failure, not an answer to bad input. */
const SERVER_FAILURE_CODES: ErrorCode[] = ['INTERNAL_ERROR', 'STORE_ERROR', 'SERVICE_UNAVAILABLE'];

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const isText = (value: unknown, nonEmpty = false): value is string => typeof value === 'string' && (!nonEmpty || value.length > 0);
const isCode = (value: unknown): value is ErrorCode => (ERROR_CODES as readonly unknown[]).includes(value);
const isFieldErrors = (value: unknown) => Array.isArray(value) && value.every((e) => isObject(e) && isText(e.field) && isText(e.message));

/** Throws a readable error naming the answer when `ok` is false. */
function check(ok: boolean, what: string, answer: unknown): asserts ok {
  if (!ok) throw new Error(`${what}; the answer was ${JSON.stringify(answer)?.slice(0, 2000)}`);
}

/**
 * The properties of every HTTP answer: never a 5xx; every error an RFC 9457 problem detail
 * (`application/problem+json`, `type`, `title`, `status` equal to the HTTP status, `detail`) with
 * a `code` from libs/contracts/src/errors.ts; a 401 names the scheme in `WWW-Authenticate`.
 * `bodyless` (HEAD): the status and the media type only.
 */
export function assertSafeAnswer(answer: RawAnswer, { bodyless = false } = {}): void {
  const summary = { status: answer.status, contentType: answer.headers['content-type'], body: answer.json ?? answer.text.slice(0, 500) };
  check(answer.status >= 100 && answer.status < 500, `HTTP ${answer.status}: a server error`, summary);
  if (answer.status < 400) return;
  check(/^application\/problem\+json/.test(String(answer.headers['content-type'])), 'an error that is not application/problem+json', summary);
  if (bodyless) return;
  const problem = answer.json;
  check(isObject(problem), 'a problem detail that is not a JSON object', summary);
  const { type, title, detail, status, code, errors } = problem;
  check(isText(type, true) && isText(title, true) && isText(detail) && status === answer.status, 'a problem detail without type, title, detail or the status', summary);
  check(isCode(code), `a problem detail whose code ${JSON.stringify(code)} is not an ErrorCode`, summary);
  check(errors === undefined || isFieldErrors(errors), 'a problem detail whose errors are not { field, message }', summary);
  if (answer.status === 401) check(/^Bearer/.test(String(answer.headers['www-authenticate'])), 'a 401 without WWW-Authenticate: Bearer', summary);
}

/** The success acknowledgement of each message. */
const SUCCESS: Record<SocketMessage, (ack: Record<string, unknown>) => boolean> = {
  'run:start': (ack) => isText(ack.runId, true) && isText(ack.campaignId, true),
  'run:subscribe': (ack) => isObject(ack.run) && isText(ack.run.id, true) && isText(ack.run.status, true),
  'run:unsubscribe': (ack) => Object.keys(ack).length === 1,
  'run:cancel': (ack) => isText(ack.status, true),
};

/**
 * The properties of every acknowledgement: `{ ok: true, … }` in the message's success shape, or
 * `{ ok: false, error: { code, message, details? } }` with a code from libs/contracts/src/errors.ts
 * that is not a server failure (the socket's 5xx).
 */
export function assertSafeAck(event: SocketMessage, ack: unknown): void {
  check(isObject(ack) && typeof ack.ok === 'boolean', `${event}: an acknowledgement without ok`, ack);
  if (ack.ok) {
    check(SUCCESS[event](ack), `${event}: a success acknowledgement of the wrong shape`, ack);
    return;
  }
  const { error } = ack;
  check(isObject(error), `${event}: an error acknowledgement without an error`, ack);
  const { code, message, details } = error;
  check(isCode(code), `${event}: an error acknowledgement without an ErrorCode`, ack);
  check(isText(message), `${event}: an error acknowledgement without a message`, ack);
  check(details === undefined || isFieldErrors(details), `${event}: error details that are not { field, message }`, ack);
  check(!SERVER_FAILURE_CODES.includes(code), `${event}: a server failure (${code})`, ack);
}
