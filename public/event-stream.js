// A minimal text/event-stream parser for fetch() bodies. The page reads Server-Sent Events through
// fetch() rather than EventSource because EventSource cannot send an Authorization header.

/** Reads a text/event-stream body and calls `onFrame({ event, id, data })` per frame with data. */
export async function readFrames(body, onFrame) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n/g, '\n');
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const frame = { event: 'message', id: undefined, data: [] };
      for (const line of buffer.slice(0, end).split('\n')) {
        if (!line || line.startsWith(':')) continue; // comments keep the connection alive
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'data') frame.data.push(value);
        else if (field === 'event' || field === 'id') frame[field] = value;
      }
      buffer = buffer.slice(end + 2);
      if (frame.data.length) onFrame({ ...frame, data: frame.data.join('\n') });
    }
  }
}
