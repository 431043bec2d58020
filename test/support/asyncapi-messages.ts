import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fromFile, Parser } from '@asyncapi/parser';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { strictSchema } from './strict-schema';

/** docs/asyncapi.yaml and docs/openapi.json beside it, where its shared shapes come from. */
const ASYNCAPI_FILE = resolve(__dirname, '..', '..', 'docs', 'asyncapi.yaml');
const OPENAPI_FILE = resolve(__dirname, '..', '..', 'docs', 'openapi.json');

/** The payload schemas of docs/asyncapi.yaml, by message name, with their references resolved. */
interface Schemas {
  /** Client message name → the schema of its acknowledgement. */
  replies: Record<string, unknown>;
  /** Server message name → its payload's schema. */
  sent: Record<string, unknown>;
  /** Client message name → its payload's schema. */
  received: Record<string, unknown>;
}

/** The schemas of the documents as they are now, parsed by the AsyncAPI parser (a few seconds), or read from the copy an earlier test file left. */
async function schemas(): Promise<Schemas> {
  const hash = createHash('sha256').update(readFileSync(ASYNCAPI_FILE)).update(readFileSync(OPENAPI_FILE)).digest('hex').slice(0, 16);
  const cached = join(tmpdir(), `campaign-orchestrator-asyncapi-${hash}.json`);
  if (existsSync(cached)) return JSON.parse(readFileSync(cached, 'utf8')) as Schemas;
  const { document, diagnostics } = await fromFile(new Parser(), ASYNCAPI_FILE).parse();
  if (!document) throw new Error(`docs/asyncapi.yaml does not parse: ${diagnostics.map((d) => d.message).join('; ')}`);
  const found: Schemas = { replies: {}, sent: {}, received: {} };
  for (const operation of document.operations().all()) {
    for (const message of operation.messages().all()) {
      const name = message.name()!;
      if (operation.action() === 'send') {
        found.sent[name] = message.payload()!.json();
        continue;
      }
      found.received[name] = message.payload()!.json();
      const reply = operation.reply()?.messages().all()[0];
      if (reply) found.replies[name] = reply.payload()!.json();
    }
  }
  // Written whole, then renamed: a test file running beside this one reads all of it or none.
  const partial = `${cached}.${process.pid}`;
  writeFileSync(partial, JSON.stringify(found));
  renameSync(partial, cached);
  return found;
}

/**
 * Validators of what the server sends over the socket, built from docs/asyncapi.yaml by the
 * AsyncAPI parser (references resolved) and checked with ajv: the reply (acknowledgement) of each
 * client message, and each message the server sends (`run:event`, `session:expired`). Strict: a
 * field the document does not name fails. Each schema is compiled the first time it is needed.
 */
export class AsyncApiMessages {
  private readonly ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
  private readonly compiled = new Map<string, ValidateFunction>();

  private constructor(private readonly schemas: Schemas) {}

  private static loaded: Promise<AsyncApiMessages> | undefined;

  /** The validators of docs/asyncapi.yaml, loaded once per test file. */
  static load(): Promise<AsyncApiMessages> {
    return (AsyncApiMessages.loaded ??= schemas().then((found) => new AsyncApiMessages(found)));
  }

  /** The validator of `schema` (`strict`: no field the document does not name). */
  private validator(key: string, schema: unknown, strict: boolean): ValidateFunction {
    let validate = this.compiled.get(key);
    if (!validate) {
      const copy = structuredClone(schema);
      if (strict) strictSchema(copy);
      this.compiled.set(key, (validate = this.ajv.compile(copy as object)));
    }
    return validate;
  }

  /** What is wrong with `ack` as the acknowledgement of `message` (empty when nothing is). */
  checkAck(message: string, ack: unknown): string[] {
    const schema = this.schemas.replies[message];
    if (!schema) return [`${message} has no reply in docs/asyncapi.yaml`];
    const validate = this.validator(`reply ${message}`, schema, true);
    return validate(ack) ? [] : describe(validate);
  }

  /** Whether docs/asyncapi.yaml allows `payload` as the client message `message` (as written: the server drops unknown fields rather than refusing them). */
  allows(message: string, payload: unknown): boolean {
    const schema = this.schemas.received[message];
    if (!schema) throw new Error(`${message} is not a message the server receives in docs/asyncapi.yaml`);
    return this.validator(`received ${message}`, schema, false)(payload);
  }

  /** What is wrong with `payload` as the server message `name` (empty when nothing is). */
  checkSent(name: string, payload: unknown): string[] {
    const schema = this.schemas.sent[name];
    if (!schema) return [`${name} is not a message the server sends in docs/asyncapi.yaml`];
    const validate = this.validator(`sent ${name}`, schema, true);
    return validate(payload) ? [] : describe(validate);
  }
}

function describe(validate: ValidateFunction): string[] {
  // A oneOf reports every branch; the first errors are enough to read.
  return (validate.errors ?? []).slice(0, 12).map((e) => `${e.instancePath || '(root)'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
}
