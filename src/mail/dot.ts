// POP3 multi-line data as AT+POP3READ hands it over: lines with a leading dot are dot-stuffed and a line holding only
// "." ends the response (RFC 1939). This undoes the stuffing and finds the end, chunk by chunk, with indexOf over
// each chunk (no loop per byte), holding back at most two bytes between chunks.

export type Sink = (chunk: string) => void;

/**
 * indexOf that reports only whole matches: Espruino 2v29's String.indexOf also reports a needle whose start fits at
 * the end of the string ("abc\r".indexOf("\r\n.") is 3).
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
  carry_: string;
  bol_: boolean;
  first_: boolean;
  sink_: Sink;
  max_: number;

  constructor(sink: Sink, maxChunk?: number) {
    this.sink_ = sink;
    this.max_ = maxChunk || 1460;
    this.done = false;
    this.bytes = this.trailing = 0;
    this.carry_ = '';
    this.bol_ = this.first_ = true;
  }

  write(chunk: string): void {
    if (this.done) {
      this.trailing += chunk.length;
      return;
    }
    const buf = this.carry_ + chunk;
    const len = buf.length;
    this.carry_ = '';
    let pos = 0;
    if (this.first_) {
      // some firmware passes the server's "+OK ..." status line through: the data starts after it
      if (len < 4 && '+OK '.indexOf(buf) == 0) return void (this.carry_ = buf);
      this.first_ = false;
      if (buf.substr(0, 3) == '+OK' && (buf.charAt(3) == ' ' || buf.charAt(3) == '\r')) {
        const eol = find(buf, '\r\n', 0);
        if (eol < 0) {
          this.first_ = true;
          this.carry_ = len > 512 ? '' : buf;
          return;
        }
        pos = eol + 2;
      }
    }
    for (;;) {
      if (this.bol_) {
        if (len - pos < 3) {
          // could still become ".\r\n" or ".." with the next chunk
          if (buf.charAt(pos) == '.' || pos == len) return void (this.carry_ = buf.substr(pos));
        } else if (buf.charAt(pos) == '.') {
          if (buf.substr(pos + 1, 2) == '\r\n') {
            this.done = true;
            this.trailing = len - pos - 3;
            return;
          }
          pos++; // a stuffed dot
        }
        this.bol_ = false;
      }
      const i = find(buf, '\r\n.', pos);
      if (i < 0) {
        // hold back a CR, or a CR LF (the next chunk may start with a dot)
        let hold = buf.charAt(len - 1) == '\r' ? 1 : buf.substr(len - 2) == '\r\n' ? 2 : 0;
        if (len - hold < pos) hold = len - pos;
        this.emit_(buf.substring(pos, len - hold));
        if (hold == 2) {
          this.emit_('\r\n');
          this.bol_ = true;
        } else if (hold) this.carry_ = '\r';
        return;
      }
      this.emit_(buf.substring(pos, i + 2));
      pos = i + 2;
      this.bol_ = true;
    }
  }

  /** The data ended (AT+POP3READ said so): delivers what was held back. Returns false when no "." line came. */
  end(): boolean {
    const c = this.carry_;
    if (!this.done && c) this.emit_(this.bol_ && c.charAt(0) == '.' ? c.substr(1) : c);
    this.carry_ = '';
    return this.done;
  }

  emit_(s: string): void {
    this.bytes += s.length;
    for (let at = 0; at < s.length; at += this.max_) this.sink_(at || s.length > this.max_ ? s.substr(at, this.max_) : s);
  }
}
