// Test helper: a serial client written the way third-party drivers are (pyserial's readline, Java's line queue):
// it writes text with the line end it chooses and reads the module's answer line by line, each line with its own
// "\n" as readline returns it. It knows nothing of src/ or of the emulator's insides; it talks to emu.stream().
import type { Duplex } from 'node:stream';
import type { Sim900Emulator } from '../../host/emulator';

export class LineClient {
  private buf = '';
  private wake: (() => void) | null = null;
  private port: Duplex;
  /** Every byte written, for checking what went out. */
  sent = '';

  constructor(emu: Sim900Emulator, private eol: string) {
    this.port = emu.stream();
    this.port.on('data', (b: Buffer) => {
      this.buf += b.toString('latin1');
      if (this.wake) this.wake();
    });
  }

  write(s: string): void {
    this.sent += s;
    this.port.write(Buffer.from(s, 'latin1'));
  }

  /** Waits for `text` in the input and consumes everything up to and including it. */
  async until(text: string, ms = 8000): Promise<string> {
    const end = Date.now() + ms;
    for (;;) {
      const i = this.buf.indexOf(text);
      if (i >= 0) {
        const got = this.buf.substring(0, i + text.length);
        this.buf = this.buf.substring(i + text.length);
        return got;
      }
      const left = end - Date.now();
      if (left <= 0) throw new Error(`"${JSON.stringify(text)}" did not come; pending: ${JSON.stringify(this.buf)}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.wake = () => (clearTimeout(t), r());
      });
      this.wake = null;
    }
  }

  /** The next line, "\n" included (pyserial's readline). */
  readLine(ms?: number): Promise<string> {
    return this.until('\n', ms);
  }

  /** Lines until one passes `last` (that one included). */
  async linesUntil(last: (l: string) => boolean, ms?: number): Promise<string[]> {
    const out: string[] = [];
    for (;;) {
      const l = await this.readLine(ms);
      out.push(l);
      if (last(l)) return out;
    }
  }

  /** Writes a command with the client's line end and returns the lines of its answer through the final result. */
  command(cmd: string, ms?: number): Promise<string[]> {
    this.write(cmd + this.eol);
    return this.linesUntil((l) => l === 'OK\r\n' || l === 'ERROR\r\n' || l.startsWith('+CME ERROR:'), ms);
  }

  /** What arrived and was not read yet. */
  pending(): string {
    return this.buf;
  }

  close(): void {
    this.port.destroy();
  }
}
