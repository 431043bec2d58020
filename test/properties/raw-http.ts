import { Agent, request, type IncomingHttpHeaders } from 'node:http';

/** One request as the property tier sends it: any method, a path as it goes on the wire, any headers, raw bytes. */
export interface RawRequest {
  method: string;
  /** Path and query exactly as sent (not normalised: `..` and `%zz` reach the server as they are). */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Send the body with `Transfer-Encoding: chunked` (in two chunks) instead of `Content-Length`. */
  chunked?: boolean;
  /** Read an event stream for this long (or to its end) before going away; 0 (default): go at its first bytes. */
  streamForMs?: number;
}

/** The answer: status, headers, the text (of an event stream: what was read of it) and the parsed JSON (or undefined). */
export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: unknown;
}

const agent = new Agent({ keepAlive: true, maxSockets: 4 });

/** Closes the idle keep-alive connections of {@link send}. */
export function closeConnections(): void {
  agent.destroy();
}

/**
 * Sends `raw` to `baseUrl` with Node's HTTP client (no URL normalisation, no header rewriting).
 * An event stream is read for `streamForMs` (or to its end) and then closed, as a client going
 * away would. Rejects after `timeoutMs` without an answer.
 */
export function send(baseUrl: string, raw: RawRequest, timeoutMs = 10_000): Promise<RawAnswer> {
  const { hostname, port } = new URL(baseUrl);
  const headers: Record<string, string> = { ...raw.headers };
  if (raw.body && !raw.chunked) headers['content-length'] = String(raw.body.length);
  // Node frames a body of GET, DELETE or OPTIONS only when told to.
  if (raw.body && raw.chunked) headers['transfer-encoding'] = 'chunked';
  return new Promise<RawAnswer>((resolve, reject) => {
    const req = request({ agent, host: hostname, port, method: raw.method, path: raw.path, headers }, (res) => {
      const status = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      if (String(res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
        const leave = () => {
          clearTimeout(timer);
          req.destroy();
          resolve({ status, headers: res.headers, text: Buffer.concat(chunks).toString('utf8'), json: undefined });
        };
        const timer = setTimeout(leave, raw.streamForMs ?? 0);
        res.once('end', leave);
        // Going away mid-stream aborts the response: expected, and already answered.
        res.on('error', () => undefined);
        return;
      }
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status, headers: res.headers, text, json: parseJson(text) });
      });
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`No answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    if (raw.body && raw.chunked) {
      const half = Math.floor(raw.body.length / 2);
      req.write(raw.body.subarray(0, half));
      req.end(raw.body.subarray(half));
    } else {
      req.end(raw.body);
    }
  });
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}
