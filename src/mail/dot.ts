// POP3 multi-line data as AT+POP3READ hands it over: lines with a leading dot are dot-stuffed and a line holding
// only "." ends the response (RFC 1939). This undoes the stuffing and finds the end, chunk by chunk, with
// indexOf over each chunk (no loop per byte), holding back at most two bytes between chunks.

export type Sink = (chunk: string) => void;

/**
 * indexOf that only reports whole matches: Espruino 2v29's String.indexOf also reports a needle whose start
 * fits at the end of the string ("abc\r".indexOf("\r\n.") is 3).
 */
export function find(s: string, needle: string, from: number): number {
  const i = s.indexOf(needle, from);
  return i >= 0 && i + needle.length <= s.length ? i : -1;
}

export class DotDecoder {
  /** true once the terminating "." line was seen */
  done: boolean;
  /** bytes delivered to the sink */
  bytes: number;
  /** bytes that followed the terminating line (ignored) */
  trailing: number;
  private carry: string;
  private lineStart: boolean;
  private first: boolean;
  private sink: Sink;
  private max: number;

  constructor(sink: Sink, maxChunk?: number) {
    this.sink = sink;
    this.max = maxChunk || 1460;
    this.done = false;
    this.bytes = 0;
    this.trailing = 0;
    this.carry = '';
    this.lineStart = true;
    this.first = true;
  }

  write(chunk: string): void {
    if (this.done) {
      this.trailing += chunk.length;
      return;
    }
    let buf = this.carry.length ? this.carry + chunk : chunk;
    this.carry = '';
    let pos = 0;
    if (this.first) {
      // Some firmware passes the server's "+OK ..." status line through; the data starts after it.
      if (buf.length < 4 && '+OK '.indexOf(buf) === 0) {
        this.carry = buf;
        return;
      }
      this.first = false;
      if (buf.substr(0, 3) === '+OK' && (buf.charAt(3) === ' ' || buf.charAt(3) === '\r')) {
        const eol = find(buf, '\r\n', 0);
        if (eol < 0) {
          this.first = true;
          this.carry = buf.length > 512 ? '' : buf;
          return;
        }
        pos = eol + 2;
      }
    }
    const len = buf.length;
    for (;;) {
      if (this.lineStart) {
        if (len - pos < 3) {
          const rest = buf.substr(pos);
          // could still become ".\r\n" or ".." with the next chunk
          if (rest.charAt(0) === '.' || rest === '') {
            this.carry = rest;
            return;
          }
        } else if (buf.charAt(pos) === '.') {
          if (buf.charAt(pos + 1) === '\r' && buf.charAt(pos + 2) === '\n') {
            this.done = true;
            this.trailing = len - pos - 3;
            return;
          }
          pos++; // a stuffed dot
        }
        this.lineStart = false;
      }
      const i = find(buf, '\r\n.', pos);
      if (i < 0) {
        let hold = 0;
        if (buf.charAt(len - 1) === '\r') hold = 1;
        else if (buf.charAt(len - 1) === '\n' && buf.charAt(len - 2) === '\r') hold = 2;
        if (len - hold < pos) hold = len - pos;
        this.emit(buf.substring(pos, len - hold));
        if (hold === 2) {
          this.emit('\r\n');
          this.lineStart = true;
        } else if (hold === 1) this.carry = '\r';
        return;
      }
      this.emit(buf.substring(pos, i + 2));
      pos = i + 2;
      this.lineStart = true;
    }
  }

  /** The data ended (AT+POP3READ said so): deliver what was held back. Returns false when no "." line came. */
  end(): boolean {
    if (!this.done && this.carry.length) {
      const c = this.carry;
      this.carry = '';
      this.emit(this.lineStart && c.charAt(0) === '.' ? c.substr(1) : c);
    }
    return this.done;
  }

  private emit(s: string): void {
    if (!s.length) return;
    this.bytes += s.length;
    if (s.length <= this.max) {
      this.sink(s);
      return;
    }
    for (let at = 0; at < s.length; at += this.max) this.sink(s.substr(at, this.max));
  }
}

/** Collects a small multi-line response (LIST, UIDL) and returns its lines. */
export function collectLines(): { sink: Sink; lines: () => string[] } {
  const parts: string[] = [];
  return {
    sink: (c: string) => {
      parts.push(c);
    },
    lines: () => {
      const text = parts.join('');
      const out = text.split('\r\n');
      if (out.length && out[out.length - 1] === '') out.pop();
      return out;
    },
  };
}
