// A streaming MIME reader for boards: fed the raw message in pieces (binary strings), it reports the
// message headers, each text part (bounded) and each attachment as a stream of decoded chunks.
//
// Memory: the reader holds the unprocessed tail of the input (at most one piece plus one bounded line),
// the headers it keeps (each capped at maxHeader), one frame per open multipart (bounded by maxDepth) and the
// current text part (capped at maxText). Nothing grows with the size of the message.
//
// Speed: the body is never walked byte by byte. Delimiter candidates are found with indexOf("\n--"), all the
// bytes between two candidates go to the decoder in one piece, base64 is decoded with atob over 4-aligned runs
// and quoted-printable by jumping from '=' to '=' with indexOf.
import { addFlag, b64bytes, decodeWords, find, MimeAddress, parseAddresses, parseStructured, safeFileName } from './header';
import { decodeCharset } from './charset';

export interface MimeHeaders {
  subject: string;
  from: MimeAddress[];
  to: MimeAddress[];
  cc: MimeAddress[];
  replyTo: MimeAddress[];
  /** the Date header as written */
  date: string;
  /** the Message-ID without angle brackets */
  messageId: string;
  /** flags raised while decoding these headers */
  flags: string[];
  /** "" for the message itself; for a message carried inline in it (message/rfc822), that part's number */
  partPath: string;
  /** 0 for the message itself, more for a message inside it */
  depth: number;
}

export interface MimeTextPart {
  /** "text/plain", "text/html", "message/delivery-status" */
  type: string;
  /** the charset label of the part ("" if none) */
  charset: string;
  /** the decoded text, line ends normalised to "\n" */
  text: string;
  /** true when the part was longer than maxText bytes and text holds its start only */
  truncated: boolean;
  /** decoded size in bytes of the whole part */
  size: number;
  /** IMAP-style part number ("1", "2.1") */
  partPath: string;
  /** true when the part is one of the versions of a multipart/alternative */
  alternative: boolean;
  /** nesting depth: 0 for a message that is a single part, 1 for a part of the top multipart, ... */
  depth: number;
  /** flags of this part (e.g. "charset-raw:koi8-r" when the text holds raw bytes) */
  flags: string[];
}

export interface MimeAttachmentInfo {
  /** a file name safe for a board's file system (see safeFileName), "" when the mail gives none */
  name: string;
  /** the decoded name as the mail gives it (for display only, never for a path) */
  rawName: string;
  type: string;
  /** "attachment" or "inline" */
  disposition: string;
  partPath: string;
  contentId: string;
  charset: string;
}

export interface MimeAttachmentEnd {
  /** decoded size in bytes */
  size: number;
  flags: string[];
}

export interface MimeReaderOptions {
  /** bytes of decoded text kept per text part (default 4096) */
  maxText?: number;
  /** deepest multipart nesting followed (default 10); deeper parts are skipped with the flag "depth-limit" */
  maxDepth?: number;
  /** bytes kept per header field (default 2048); the rest is dropped with the flag "header-truncated" */
  maxHeader?: number;
  onHeaders?: (h: MimeHeaders) => void;
  onText?: (t: MimeTextPart) => void;
  onAttachmentStart?: (a: MimeAttachmentInfo) => void;
  onAttachmentData?: (chunk: string) => void;
  onAttachmentEnd?: (e: MimeAttachmentEnd) => void;
  /** called once by end() with every flag raised while reading */
  onEnd?: (flags: string[]) => void;
}

// modes
const HEAD = 0;
const BODY = 1;
// what a part's body is for
const SKIP = 0;
const TEXT = 1;
const ATTACH = 2;
// transfer encodings
const RAW = 0;
const B64 = 1;
const QP = 2;

/** Header fields kept from the top-level header block. */
const MESSAGE_FIELDS = ' subject from to cc reply-to date message-id ';
/** Header fields kept from every part's header block. */
const PART_FIELDS = ' content-type content-disposition content-transfer-encoding content-id ';
/** Types read as text unless marked as attachments (the same set as mailparser). */
const TEXT_TYPES = ' text/plain text/html message/delivery-status ';
/** Longest line that may still be a delimiter ("--" + 70-char boundary + "--" + some white space). */
const MAX_DELIM = 200;

interface Frame {
  /** "--" + boundary */
  b: string;
  path: string;
  n: number;
  depth: number;
  alt: boolean;
  digest: boolean;
}

interface Part {
  path: string;
  depth: number;
  /** the header block is a message's (top level or message/rfc822): subject, from, ... are kept */
  msg: boolean;
  alt: boolean;
  digest: boolean;
  /** lower-cased header name -> raw (binary) value */
  h: { [k: string]: string };
  kind: number;
  enc: number;
  type: string;
  charset: string;
  size: number;
  text: string;
  truncated: boolean;
  flags: string[];
}

function newPart(path: string, depth: number, msg: boolean, alt: boolean, digest: boolean): Part {
  return { path, depth, msg, alt, digest, h: {}, kind: SKIP, enc: RAW, type: '', charset: '', size: 0, text: '', truncated: false, flags: [] };
}

export class MimeReader {
  flags: string[];
  private o: MimeReaderOptions;
  private maxText: number;
  private maxDepth: number;
  private maxHeader: number;
  private buf: string;
  private mode: number;
  private part: Part;
  private stack: Frame[];
  // header block state
  private hName: string;
  private inLine: boolean;
  private firstLine: boolean;
  // body state
  private lineStart: boolean;
  private eol: string;
  private rest: string;
  private ended: boolean;

  constructor(opts: MimeReaderOptions) {
    this.o = opts || {};
    this.maxText = this.o.maxText || 4096;
    this.maxDepth = this.o.maxDepth || 10;
    this.maxHeader = this.o.maxHeader || 2048;
    this.flags = [];
    this.buf = '';
    this.mode = HEAD;
    this.part = newPart('', 0, true, false, false);
    this.stack = [];
    this.hName = '';
    this.inLine = false;
    this.firstLine = true;
    this.lineStart = true;
    this.eol = '';
    this.rest = '';
    this.ended = false;
  }

  /** Feeds the next piece of the raw message (a binary string: one char per byte). */
  write(chunk: string): void {
    if (this.ended) throw new Error('MimeReader: write() after end()');
    if (typeof chunk !== 'string') throw new Error('MimeReader: write() takes a binary string');
    this.buf += chunk;
    this.run(false);
  }

  /** Ends the message: flushes what is held, closes every open part and calls onEnd. */
  end(): void {
    if (this.ended) return;
    this.run(true);
    this.ended = true;
    if (this.mode === HEAD) {
      // the input ended inside a header block: no blank line, no body
      addFlag(this.flags, 'no-body');
      this.endHeaders();
    }
    if (this.eol) this.content(this.eol);
    this.eol = '';
    this.endPart();
    this.dropFrames(0);
    this.stack = [];
    if (this.o.onEnd) this.o.onEnd(this.flags);
  }

  private run(final: boolean): void {
    const buf = this.buf;
    const len = buf.length;
    let pos = 0;
    while (pos < len) {
      if (this.mode === HEAD) {
        const nl = buf.indexOf('\n', pos);
        if (nl < 0) {
          // a header line with no end yet: keep it unless it is beyond any sane length
          if (final || len - pos > this.maxHeader + MAX_DELIM) {
            this.headerPiece(buf.substring(pos), final);
            pos = len;
          }
          break;
        }
        let e = nl;
        if (e > pos && buf.charCodeAt(e - 1) === 13) e--;
        this.headerPiece(buf.substring(pos, e), true);
        pos = nl + 1;
        continue;
      }
      // BODY
      if (!this.stack.length) {
        this.content(buf.substring(pos));
        pos = len;
        break;
      }
      if (this.lineStart) {
        if (len - pos < 2 && !final) break;
        if (buf.charCodeAt(pos) === 45 && buf.charCodeAt(pos + 1) === 45) {
          let nl = buf.indexOf('\n', pos);
          if (nl < 0 && !final && len - pos < MAX_DELIM) break;
          if (nl < 0) nl = final ? len : -1;
          if (nl >= 0 && this.delimiter(buf.substring(pos, nl))) {
            pos = nl + 1;
            continue;
          }
        }
        if (this.eol) this.content(this.eol);
        this.eol = '';
        this.lineStart = false;
      }
      const c = find(buf, '\n--', pos);
      let cut = c;
      if (c < 0) {
        if (final) cut = len;
        else {
          // hold back what may be the start of a delimiter line: "\n", "\n-" or a lone "\r"
          cut = len;
          if (buf.charCodeAt(len - 1) === 10) cut = len - 1;
          else if (len - 2 >= pos && buf.charCodeAt(len - 2) === 10 && buf.charCodeAt(len - 1) === 45) cut = len - 2;
          if (cut > pos && buf.charCodeAt(cut - 1) === 13) cut--;
        }
        if (cut > pos) this.content(buf.substring(pos, cut));
        pos = cut;
        break;
      }
      if (cut > pos && buf.charCodeAt(cut - 1) === 13) cut--;
      if (cut > pos) this.content(buf.substring(pos, cut));
      this.eol = buf.substring(cut, c + 1);
      this.lineStart = true;
      pos = c + 1;
    }
    this.buf = pos >= len ? '' : buf.substring(pos);
  }

  /** Checks a line (without its "\n") against the open delimiters; acts on it and returns true on a match. */
  private delimiter(line: string): boolean {
    line = line.replace(/[ \t\r]+$/, '');
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const f = this.stack[i];
      if (line.substr(0, f.b.length) !== f.b) continue;
      const tail = line.substring(f.b.length);
      if (tail !== '' && tail !== '--') continue;
      // the line end before a delimiter belongs to it
      this.eol = '';
      if (this.mode === HEAD) this.endHeaders();
      this.endPart();
      this.dropFrames(i + 1);
      if (tail === '--') {
        this.stack.pop();
        // the epilogue is not content
        this.part = newPart(f.path, f.depth, false, false, false);
        this.mode = BODY;
        this.lineStart = true;
      } else {
        f.n++;
        this.part = newPart(f.path ? f.path + '.' + f.n : String(f.n), f.depth + 1, false, f.alt, f.digest);
        this.mode = HEAD;
        this.hName = '';
        this.inLine = false;
        this.firstLine = true;
      }
      return true;
    }
    return false;
  }

  /** Closes the multiparts from stack[from] up, which never saw their close delimiter (or any delimiter). */
  private dropFrames(from: number): void {
    for (let k = from; k < this.stack.length; k++) addFlag(this.flags, this.stack[k].n ? 'missing-close-boundary' : 'missing-boundary');
    if (from < this.stack.length) this.stack.splice(from, this.stack.length - from);
  }

  /** One header line or a piece of one (complete=false: the line goes on in the next piece). */
  private headerPiece(s: string, complete: boolean): void {
    const p = this.part;
    if (!this.inLine) {
      if (s === '' && complete) {
        this.endHeaders();
        return;
      }
      const c = s.charCodeAt(0);
      if (c === 32 || c === 9) {
        // folded continuation of the field being read
      } else {
        // a delimiter where a part's headers should be: the part has headers only
        if (c === 45 && complete && this.stack.length && s.charCodeAt(1) === 45 && this.delimiter(s)) return;
        this.endLine();
        const colon = s.indexOf(':');
        if (colon <= 0 || /[ \t]/.test(s.substring(0, colon).trim())) {
          if (this.firstLine && !p.path && s.substr(0, 5) === 'From ') addFlag(this.flags, 'mbox-from-line');
          else addFlag(this.flags, 'bad-header-line');
          this.hName = '';
        } else {
          const name = s.substr(0, colon).trim().toLowerCase();
          const keep = find(PART_FIELDS, ' ' + name + ' ', 0) >= 0 || (p.msg && find(MESSAGE_FIELDS, ' ' + name + ' ', 0) >= 0);
          this.hName = keep && !(name in p.h) ? name : '';
          if (this.hName) p.h[name] = '';
          s = s.substring(colon + 1);
        }
      }
      this.firstLine = false;
    }
    if (this.hName) {
      const cur = p.h[this.hName];
      const room = this.maxHeader - cur.length;
      if (s.length > room) {
        addFlag(this.flags, 'header-truncated');
        addFlag(p.flags, 'header-truncated');
        s = s.substr(0, room > 0 ? room : 0);
      }
      p.h[this.hName] = cur + s;
    }
    this.inLine = !complete;
  }

  private endLine(): void {
    this.hName = '';
    this.inLine = false;
  }

  /** The blank line after a header block (or its substitute): decide what the body is. */
  private endHeaders(): void {
    this.endLine();
    const p = this.part;
    const flags = this.flags;
    if (p.msg && this.o.onHeaders) {
      const h = p.h;
      const hf: string[] = p.flags.indexOf('header-truncated') >= 0 ? ['header-truncated'] : [];
      let id = (h['message-id'] || '').trim();
      if (id.charAt(0) === '<') id = id.substring(1, id.indexOf('>') > 0 ? id.indexOf('>') : id.length);
      this.o.onHeaders({
        subject: decodeWords(unfold(h.subject || ''), hf).trim(),
        from: parseAddresses(unfold(h.from || ''), hf),
        to: parseAddresses(unfold(h.to || ''), hf),
        cc: parseAddresses(unfold(h.cc || ''), hf),
        replyTo: parseAddresses(unfold(h['reply-to'] || ''), hf),
        date: unfold(h.date || '').trim(),
        messageId: id,
        flags: hf,
        partPath: p.path,
        depth: p.depth,
      });
      for (let i = 0; i < hf.length; i++) addFlag(flags, hf[i]);
    }
    this.startBody();
  }

  private startBody(): void {
    const p = this.part;
    const flags = this.flags;
    this.mode = BODY;
    this.lineStart = true;
    this.eol = '';
    const ct = parseStructured(unfold(p.h['content-type'] || ''), p.flags);
    let type = ct.value;
    if (!type || type.indexOf('/') < 0) {
      if (type) addFlag(p.flags, 'bad-content-type');
      type = p.digest ? 'message/rfc822' : 'text/plain';
    }
    p.type = type;
    p.charset = ct.params.charset || '';
    if (type.substr(0, 10) === 'multipart/') {
      const b = (ct.params.boundary || '').replace(/[ \t]+$/, '');
      if (b && !/[^\x20-\x7e]/.test(b)) {
        if (p.depth >= this.maxDepth) {
          addFlag(flags, 'depth-limit');
          return;
        }
        this.stack.push({ b: '--' + b, path: p.path, n: 0, depth: p.depth, alt: p.alt || type === 'multipart/alternative', digest: type === 'multipart/digest' });
        // the preamble is not content
        return;
      }
      addFlag(flags, 'multipart-without-boundary');
      p.type = type = 'text/plain';
    }
    const cte = unfold(p.h['content-transfer-encoding'] || '').trim().toLowerCase();
    const cd = parseStructured(unfold(p.h['content-disposition'] || ''), p.flags);
    if (type === 'message/rfc822' && cd.value === 'inline' && (!cte || cte === '7bit' || cte === '8bit' || cte === 'binary')) {
      // a message shown inline: read it as a message (its headers go to onHeaders with its part number)
      if (p.depth >= this.maxDepth) {
        addFlag(flags, 'depth-limit');
        return;
      }
      this.part = newPart(p.path, p.depth + 1, true, false, false);
      this.mode = HEAD;
      this.firstLine = true;
      return;
    }
    // the body of a message that is a single part is its part 1 (IMAP numbering)
    if (p.msg) p.path = p.path ? p.path + '.1' : '1';
    p.enc = cte === 'base64' ? B64 : cte === 'quoted-printable' ? QP : RAW;
    if (cte && p.enc === RAW && cte !== '7bit' && cte !== '8bit' && cte !== 'binary') addFlag(flags, 'unknown-encoding:' + cte.substr(0, 24));
    let disp = cd.value;
    if (disp && disp !== 'attachment' && disp !== 'inline') disp = 'attachment';
    const isText = find(TEXT_TYPES, ' ' + type + ' ', 0) >= 0;
    if (!disp) disp = isText ? 'inline' : 'attachment';
    this.rest = '';
    if (isText && disp === 'inline') {
      p.kind = TEXT;
      return;
    }
    p.kind = ATTACH;
    const rawName = cd.params.filename || ct.params.name || '';
    const name = safeFileName(rawName);
    if (name !== rawName) addFlag(p.flags, 'name-sanitised');
    let cid = unfold(p.h['content-id'] || '').trim();
    if (cid.charAt(0) === '<' && cid.charAt(cid.length - 1) === '>') cid = cid.substring(1, cid.length - 1);
    if (this.o.onAttachmentStart) this.o.onAttachmentStart({ name, rawName, type, disposition: disp, partPath: p.path, contentId: cid, charset: p.charset });
  }

  /** Body bytes of the current part, still transfer-encoded. */
  private content(s: string): void {
    const p = this.part;
    if (p.kind === SKIP || !s) return;
    if (p.enc === B64) s = this.unbase64(s, false);
    else if (p.enc === QP) s = this.unqp(s, false);
    this.deliver(s);
  }

  private deliver(s: string): void {
    const p = this.part;
    if (!s) return;
    p.size += s.length;
    if (p.kind === TEXT) {
      const room = this.maxText - p.text.length;
      if (s.length > room) {
        p.truncated = true;
        s = s.substr(0, room > 0 ? room : 0);
      }
      p.text += s;
    } else if (this.o.onAttachmentData) this.o.onAttachmentData(s);
  }

  /** Streaming base64: decodes the 4-aligned run, keeps up to 3 characters for the next piece. */
  private unbase64(s: string, final: boolean): string {
    if (/[^A-Za-z0-9+\/=\s]/.test(s)) addFlag(this.part.flags, 'bad-base64');
    s = this.rest + s.replace(/[^A-Za-z0-9+\/=]/g, '');
    let out = '';
    // padding ends a run; some mailers glue several encoded runs together, so go on after it
    let eq = s.indexOf('=');
    while (eq >= 0) {
      out += b64bytes(s.substr(0, eq));
      if ((eq & 3) === 1) addFlag(this.part.flags, 'bad-base64');
      s = s.substring(eq).replace(/^=+/, '');
      eq = s.indexOf('=');
    }
    const n = final ? s.length : s.length - (s.length & 3);
    if (final && (n & 3) === 1) addFlag(this.part.flags, 'bad-base64');
    out += n ? b64bytes(s.substr(0, n)) : '';
    this.rest = s.substring(n);
    return out;
  }

  /** Streaming quoted-printable: jumps from '=' to '='; an escape cut by the piece end waits for the next. */
  private unqp(s: string, final: boolean): string {
    s = this.rest + s;
    this.rest = '';
    let out = '';
    let p = 0;
    const n = s.length;
    for (;;) {
      const i = s.indexOf('=', p);
      if (i < 0) break;
      out += s.substring(p, i);
      if (!final && i + 2 >= n) {
        // "=", "=X" or "=\r" at the end: wait for the rest (unless "=X" is already clearly not an escape)
        this.rest = s.substring(i);
        return out;
      }
      const a = s.charAt(i + 1);
      const b = s.charAt(i + 2);
      if (a === '\n') p = i + 2;
      else if (a === '\r' && b === '\n') p = i + 3;
      else {
        const h = hexVal(a.charCodeAt(0));
        const l = hexVal(b.charCodeAt(0));
        if (h >= 0 && l >= 0) {
          out += String.fromCharCode(h * 16 + l);
          p = i + 3;
        } else {
          // a soft break followed by trailing white space, or a bare '=': keep it as text
          const nl = s.indexOf('\n', i + 1);
          if (nl < 0 && !final && n - i < 80 && /^[ \t\r]*$/.test(s.substring(i + 1))) {
            // "=" and white space at the end of the piece: a soft break whose line end is still to come
            this.rest = s.substring(i);
            return out;
          }
          if (nl > i + 1 && nl < i + 80 && /^[ \t\r]*$/.test(s.substring(i + 1, nl))) p = nl + 1;
          else {
            if (i + 1 < n) addFlag(this.part.flags, 'bad-qp');
            out += '=';
            p = i + 1;
          }
        }
      }
    }
    return out + s.substring(p);
  }

  /** Ends the current part: flushes the decoder, reports the text or the end of the attachment. */
  private endPart(): void {
    const p = this.part;
    if (p.kind !== SKIP) {
      if (this.rest) this.deliver(p.enc === B64 ? this.unbase64('', true) : this.unqp('', true));
      this.rest = '';
    }
    for (let i = 0; i < p.flags.length; i++) addFlag(this.flags, p.flags[i]);
    if (p.kind === TEXT) {
      let text = p.text;
      if (p.truncated) {
        addFlag(p.flags, 'text-truncated');
        addFlag(this.flags, 'text-truncated');
      }
      const cs = p.charset;
      // a UTF-8 character cut in two by the size bound is not a character
      if (p.truncated) text = cutUtf8(text);
      const dec = decodeCharset(text, cs);
      if (dec === null) {
        addFlag(p.flags, 'charset-raw:' + cs.toLowerCase());
        addFlag(this.flags, 'charset-raw:' + cs.toLowerCase());
      } else text = dec;
      text = text.replace(/\r\n|\r/g, '\n');
      if (this.o.onText) this.o.onText({ type: p.type, charset: cs, text, truncated: p.truncated, size: p.size, partPath: p.path, alternative: p.alt, depth: p.depth, flags: p.flags });
    } else if (p.kind === ATTACH && this.o.onAttachmentEnd) this.o.onAttachmentEnd({ size: p.size, flags: p.flags });
    p.kind = SKIP;
    p.text = '';
  }
}

/** Unfolds a header value: CRLF/LF followed by white space is removed, the white space kept (RFC 5322 2.2.3). */
function unfold(v: string): string {
  return v.indexOf('\n') < 0 ? v : v.replace(/\r\n|\n/g, '');
}

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  c |= 32;
  return c >= 97 && c <= 102 ? c - 87 : -1;
}

/** Drops an incomplete UTF-8 sequence at the end of a byte string (looks at the last 3 bytes only). */
function cutUtf8(s: string): string {
  const n = s.length;
  for (let k = 1; k <= 3 && k <= n; k++) {
    const c = s.charCodeAt(n - k);
    if (c < 0x80) return s;
    if (c >= 0xc0) {
      const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
      return need > k ? s.substr(0, n - k) : s;
    }
  }
  return s;
}
