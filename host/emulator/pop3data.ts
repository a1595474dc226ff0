// What AT+POP3READ hands out of a multi-line POP3 reply (RFC 1939 §3): the server's bytes as they come, with its
// dot-stuffing kept or removed (option pop3Unstuff) and its final "." line kept or left out (pop3IncludeDot).
// Streamed: a line start's "." is held until the next bytes tell a stuffed line from the final one.

export class Pop3DataFilter {
  /** At the start of a line (the status line's CRLF came before the first data byte). */
  private bol = true;
  /** Held bytes at a line start: "." or ".\r", not yet known to be the final line or a stuffed one. */
  private held = '';

  constructor(private opts: { unstuff: boolean; keepDot: boolean }) {}

  /** The bytes to pass on for this piece of the reply (the reply's bytes end with its final ".\r\n"). */
  push(b: Buffer): Buffer {
    if (!this.opts.unstuff && this.opts.keepDot) return b;
    const out: number[] = [];
    for (let i = 0; i < b.length; i++) this.byte(b[i], out);
    return Buffer.from(out);
  }

  private byte(c: number, out: number[]): void {
    if (this.held) {
      this.held += String.fromCharCode(c);
      if (this.held === '.\r') return;
      if (this.held === '.\r\n') {
        // the final line: the reply ends here
        if (this.opts.keepDot) out.push(0x2e, 0x0d, 0x0a);
      } else {
        // a stuffed line: its first "." goes (unstuff) or stays
        const rest = this.opts.unstuff ? this.held.substring(1) : this.held;
        for (let k = 0; k < rest.length; k++) out.push(rest.charCodeAt(k));
      }
      this.bol = c === 0x0a;
      this.held = '';
      return;
    }
    if (this.bol && c === 0x2e) {
      this.held = '.';
      return;
    }
    out.push(c);
    this.bol = c === 0x0a;
  }
}
