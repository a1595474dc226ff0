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
  b_: string;
  path_: string;
  n_: number;
  depth_: number;
  alt_: boolean;
  digest_: boolean;
}

interface Part {
  path_: string;
  depth_: number;
  /** the header block is a message's (top level or message/rfc822): subject, from, ... are kept */
  msg_: boolean;
  alt_: boolean;
  digest_: boolean;
  /** lower-cased header name -> raw (binary) value */
  h_: { [k: string]: string };
  kind_: number;
  enc_: number;
  type_: string;
  charset_: string;
  size_: number;
  text_: string;
  truncated_: boolean;
  flags: string[];
}

function newPart(path: string, depth: number, msg: boolean, alt: boolean, digest: boolean): Part {
  return { path_: path, depth_: depth, msg_: msg, alt_: alt, digest_: digest, h_: {}, kind_: SKIP, enc_: RAW, type_: '', charset_: '', size_: 0, text_: '', truncated_: false, flags: [] };
}

export class MimeReader {
  flags: string[];
  o_: MimeReaderOptions;
  maxText_: number;
  maxDepth_: number;
  maxHeader_: number;
  buf_: string;
  mode_: number;
  part_: Part;
  stack_: Frame[];
  // header block state
  hName_: string;
  inLine_: boolean;
  firstLine_: boolean;
  // body state
  lineStart_: boolean;
  eol_: string;
  rest_: string;
  ended_: boolean;

  constructor(opts: MimeReaderOptions) {
    this.o_ = opts || {};
    this.maxText_ = this.o_.maxText || 4096;
    this.maxDepth_ = this.o_.maxDepth || 10;
    this.maxHeader_ = this.o_.maxHeader || 2048;
    this.flags = [];
    this.buf_ = '';
    this.mode_ = HEAD;
    this.part_ = newPart('', 0, true, false, false);
    this.stack_ = [];
    this.hName_ = '';
    this.inLine_ = false;
    this.firstLine_ = true;
    this.lineStart_ = true;
    this.eol_ = '';
    this.rest_ = '';
    this.ended_ = false;
  }

  /** Feeds the next piece of the raw message (a binary string: one char per byte). */
  write(chunk: string): void {
    if (this.ended_) throw new Error('MimeReader: write() after end()');
    if (typeof chunk !== 'string') throw new Error('MimeReader: write() takes a binary string');
    this.buf_ += chunk;
    this.run_(false);
  }

  /** Ends the message: flushes what is held, closes every open part and calls onEnd. */
  end(): void {
    if (this.ended_) return;
    this.run_(true);
    this.ended_ = true;
    if (this.mode_ === HEAD) {
      // the input ended inside a header block: no blank line, no body
      addFlag(this.flags, 'no-body');
      this.endHeaders_();
    }
    if (this.eol_) this.content_(this.eol_);
    this.eol_ = '';
    this.endPart_();
    this.dropFrames_(0);
    this.stack_ = [];
    if (this.o_.onEnd) this.o_.onEnd(this.flags);
  }

  run_(final: boolean): void {
    const buf = this.buf_;
    const len = buf.length;
    let pos = 0;
    while (pos < len) {
      if (this.mode_ === HEAD) {
        const nl = buf.indexOf('\n', pos);
        if (nl < 0) {
          // a header line with no end yet: keep it unless it is beyond any sane length
          if (final || len - pos > this.maxHeader_ + MAX_DELIM) {
            this.headerPiece_(buf.substring(pos), final);
            pos = len;
          }
          break;
        }
        let e = nl;
        if (e > pos && buf.charCodeAt(e - 1) === 13) e--;
        this.headerPiece_(buf.substring(pos, e), true);
        pos = nl + 1;
        continue;
      }
      // BODY
      if (!this.stack_.length) {
        this.content_(buf.substring(pos));
        pos = len;
        break;
      }
      if (this.lineStart_) {
        if (len - pos < 2 && !final) break;
        if (buf.charCodeAt(pos) === 45 && buf.charCodeAt(pos + 1) === 45) {
          let nl = buf.indexOf('\n', pos);
          if (nl < 0 && !final && len - pos < MAX_DELIM) break;
          if (nl < 0) nl = final ? len : -1;
          if (nl >= 0 && this.delimiter_(buf.substring(pos, nl))) {
            pos = nl + 1;
            continue;
          }
        }
        if (this.eol_) this.content_(this.eol_);
        this.eol_ = '';
        this.lineStart_ = false;
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
        if (cut > pos) this.content_(buf.substring(pos, cut));
        pos = cut;
        break;
      }
      if (cut > pos && buf.charCodeAt(cut - 1) === 13) cut--;
      if (cut > pos) this.content_(buf.substring(pos, cut));
      this.eol_ = buf.substring(cut, c + 1);
      this.lineStart_ = true;
      pos = c + 1;
    }
    this.buf_ = pos >= len ? '' : buf.substring(pos);
  }

  /** Checks a line (without its "\n") against the open delimiters; acts on it and returns true on a match. */
  delimiter_(line: string): boolean {
    line = line.replace(/[ \t\r]+$/, '');
    for (let i = this.stack_.length - 1; i >= 0; i--) {
      const f = this.stack_[i];
      if (line.substr(0, f.b_.length) !== f.b_) continue;
      const tail = line.substring(f.b_.length);
      if (tail !== '' && tail !== '--') continue;
      // the line end before a delimiter belongs to it
      this.eol_ = '';
      if (this.mode_ === HEAD) this.endHeaders_();
      this.endPart_();
      this.dropFrames_(i + 1);
      if (tail === '--') {
        this.stack_.pop();
        // the epilogue is not content
        this.part_ = newPart(f.path_, f.depth_, false, false, false);
        this.mode_ = BODY;
        this.lineStart_ = true;
      } else {
        f.n_++;
        this.part_ = newPart(f.path_ ? f.path_ + '.' + f.n_ : String(f.n_), f.depth_ + 1, false, f.alt_, f.digest_);
        this.mode_ = HEAD;
        this.hName_ = '';
        this.inLine_ = false;
        this.firstLine_ = true;
      }
      return true;
    }
    return false;
  }

  /** Closes the multiparts from stack[from] up, which never saw their close delimiter (or any delimiter). */
  dropFrames_(from: number): void {
    for (let k = from; k < this.stack_.length; k++) addFlag(this.flags, this.stack_[k].n_ ? 'missing-close-boundary' : 'missing-boundary');
    if (from < this.stack_.length) this.stack_.splice(from, this.stack_.length - from);
  }

  /** One header line or a piece of one (complete=false: the line goes on in the next piece). */
  headerPiece_(s: string, complete: boolean): void {
    const p = this.part_;
    if (!this.inLine_) {
      if (s === '' && complete) {
        this.endHeaders_();
        return;
      }
      const c = s.charCodeAt(0);
      if (c === 32 || c === 9) {
        // folded continuation of the field being read
      } else {
        // a delimiter where a part's headers should be: the part has headers only
        if (c === 45 && complete && this.stack_.length && s.charCodeAt(1) === 45 && this.delimiter_(s)) return;
        this.endLine_();
        const colon = s.indexOf(':');
        if (colon <= 0 || /[ \t]/.test(s.substring(0, colon).trim())) {
          if (this.firstLine_ && !p.path_ && s.substr(0, 5) === 'From ') addFlag(this.flags, 'mbox-from-line');
          else addFlag(this.flags, 'bad-header-line');
          this.hName_ = '';
        } else {
          const name = s.substr(0, colon).trim().toLowerCase();
          const keep = find(PART_FIELDS, ' ' + name + ' ', 0) >= 0 || (p.msg_ && find(MESSAGE_FIELDS, ' ' + name + ' ', 0) >= 0);
          this.hName_ = keep && !(name in p.h_) ? name : '';
          if (this.hName_) p.h_[name] = '';
          s = s.substring(colon + 1);
        }
      }
      this.firstLine_ = false;
    }
    if (this.hName_) {
      const cur = p.h_[this.hName_];
      const room = this.maxHeader_ - cur.length;
      if (s.length > room) {
        addFlag(this.flags, 'header-truncated');
        addFlag(p.flags, 'header-truncated');
        s = s.substr(0, room > 0 ? room : 0);
      }
      p.h_[this.hName_] = cur + s;
    }
    this.inLine_ = !complete;
  }

  endLine_(): void {
    this.hName_ = '';
    this.inLine_ = false;
  }

  /** The blank line after a header block (or its substitute): decide what the body is. */
  endHeaders_(): void {
    this.endLine_();
    const p = this.part_;
    const flags = this.flags;
    if (p.msg_ && this.o_.onHeaders) {
      const h = p.h_;
      const hf: string[] = p.flags.indexOf('header-truncated') >= 0 ? ['header-truncated'] : [];
      let id = (h['message-id'] || '').trim();
      if (id.charAt(0) === '<') id = id.substring(1, id.indexOf('>') > 0 ? id.indexOf('>') : id.length);
      this.o_.onHeaders({
        subject: decodeWords(unfold(h.subject || ''), hf).trim(),
        from: parseAddresses(unfold(h.from || ''), hf),
        to: parseAddresses(unfold(h.to || ''), hf),
        cc: parseAddresses(unfold(h.cc || ''), hf),
        replyTo: parseAddresses(unfold(h['reply-to'] || ''), hf),
        date: unfold(h.date || '').trim(),
        messageId: id,
        flags: hf,
        partPath: p.path_,
        depth: p.depth_,
      });
      for (let i = 0; i < hf.length; i++) addFlag(flags, hf[i]);
    }
    this.startBody_();
  }

  startBody_(): void {
    const p = this.part_;
    const flags = this.flags;
    this.mode_ = BODY;
    this.lineStart_ = true;
    this.eol_ = '';
    const ct = parseStructured(unfold(p.h_['content-type'] || ''), p.flags);
    let type = ct.value;
    if (!type || type.indexOf('/') < 0) {
      if (type) addFlag(p.flags, 'bad-content-type');
      type = p.digest_ ? 'message/rfc822' : 'text/plain';
    }
    p.type_ = type;
    p.charset_ = ct.params.charset || '';
    if (type.substr(0, 10) === 'multipart/') {
      const b = (ct.params.boundary || '').replace(/[ \t]+$/, '');
      if (b && !/[^\x20-\x7e]/.test(b)) {
        if (p.depth_ >= this.maxDepth_) {
          addFlag(flags, 'depth-limit');
          return;
        }
        this.stack_.push({ b_: '--' + b, path_: p.path_, n_: 0, depth_: p.depth_, alt_: p.alt_ || type === 'multipart/alternative', digest_: type === 'multipart/digest' });
        // the preamble is not content
        return;
      }
      addFlag(flags, 'multipart-without-boundary');
      p.type_ = type = 'text/plain';
    }
    const cte = unfold(p.h_['content-transfer-encoding'] || '').trim().toLowerCase();
    const cd = parseStructured(unfold(p.h_['content-disposition'] || ''), p.flags);
    if (type === 'message/rfc822' && cd.value === 'inline' && (!cte || cte === '7bit' || cte === '8bit' || cte === 'binary')) {
      // a message shown inline: read it as a message (its headers go to onHeaders with its part number)
      if (p.depth_ >= this.maxDepth_) {
        addFlag(flags, 'depth-limit');
        return;
      }
      this.part_ = newPart(p.path_, p.depth_ + 1, true, false, false);
      this.mode_ = HEAD;
      this.firstLine_ = true;
      return;
    }
    // the body of a message that is a single part is its part 1 (IMAP numbering)
    if (p.msg_) p.path_ = p.path_ ? p.path_ + '.1' : '1';
    p.enc_ = cte === 'base64' ? B64 : cte === 'quoted-printable' ? QP : RAW;
    if (cte && p.enc_ === RAW && cte !== '7bit' && cte !== '8bit' && cte !== 'binary') addFlag(flags, 'unknown-encoding:' + cte.substr(0, 24));
    let disp = cd.value;
    if (disp && disp !== 'attachment' && disp !== 'inline') disp = 'attachment';
    const isText = find(TEXT_TYPES, ' ' + type + ' ', 0) >= 0;
    if (!disp) disp = isText ? 'inline' : 'attachment';
    this.rest_ = '';
    if (isText && disp === 'inline') {
      p.kind_ = TEXT;
      return;
    }
    p.kind_ = ATTACH;
    const rawName = cd.params.filename || ct.params.name || '';
    const name = safeFileName(rawName);
    if (name !== rawName) addFlag(p.flags, 'name-sanitised');
    let cid = unfold(p.h_['content-id'] || '').trim();
    if (cid.charAt(0) === '<' && cid.charAt(cid.length - 1) === '>') cid = cid.substring(1, cid.length - 1);
    if (this.o_.onAttachmentStart) this.o_.onAttachmentStart({ name, rawName, type, disposition: disp, partPath: p.path_, contentId: cid, charset: p.charset_ });
  }

  /** Body bytes of the current part, still transfer-encoded. */
  content_(s: string): void {
    const p = this.part_;
    if (p.kind_ === SKIP || !s) return;
    if (p.enc_ === B64) s = this.unbase64_(s, false);
    else if (p.enc_ === QP) s = this.unqp_(s, false);
    this.deliver_(s);
  }

  deliver_(s: string): void {
    const p = this.part_;
    if (!s) return;
    p.size_ += s.length;
    if (p.kind_ === TEXT) {
      const room = this.maxText_ - p.text_.length;
      if (s.length > room) {
        p.truncated_ = true;
        s = s.substr(0, room > 0 ? room : 0);
      }
      p.text_ += s;
    } else if (this.o_.onAttachmentData) this.o_.onAttachmentData(s);
  }

  /** Streaming base64: decodes the 4-aligned run, keeps up to 3 characters for the next piece. */
  unbase64_(s: string, final: boolean): string {
    if (/[^A-Za-z0-9+\/=\s]/.test(s)) addFlag(this.part_.flags, 'bad-base64');
    s = this.rest_ + s.replace(/[^A-Za-z0-9+\/=]/g, '');
    let out = '';
    // padding ends a run; some mailers glue several encoded runs together, so go on after it
    let eq = s.indexOf('=');
    while (eq >= 0) {
      out += b64bytes(s.substr(0, eq));
      if ((eq & 3) === 1) addFlag(this.part_.flags, 'bad-base64');
      s = s.substring(eq).replace(/^=+/, '');
      eq = s.indexOf('=');
    }
    const n = final ? s.length : s.length - (s.length & 3);
    if (final && (n & 3) === 1) addFlag(this.part_.flags, 'bad-base64');
    out += n ? b64bytes(s.substr(0, n)) : '';
    this.rest_ = s.substring(n);
    return out;
  }

  /** Streaming quoted-printable: jumps from '=' to '='; an escape cut by the piece end waits for the next. */
  unqp_(s: string, final: boolean): string {
    s = this.rest_ + s;
    this.rest_ = '';
    let out = '';
    let p = 0;
    const n = s.length;
    for (;;) {
      const i = s.indexOf('=', p);
      if (i < 0) break;
      out += s.substring(p, i);
      if (!final && i + 2 >= n) {
        // "=", "=X" or "=\r" at the end: wait for the rest (unless "=X" is already clearly not an escape)
        this.rest_ = s.substring(i);
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
            this.rest_ = s.substring(i);
            return out;
          }
          if (nl > i + 1 && nl < i + 80 && /^[ \t\r]*$/.test(s.substring(i + 1, nl))) p = nl + 1;
          else {
            if (i + 1 < n) addFlag(this.part_.flags, 'bad-qp');
            out += '=';
            p = i + 1;
          }
        }
      }
    }
    return out + s.substring(p);
  }

  /** Ends the current part: flushes the decoder, reports the text or the end of the attachment. */
  endPart_(): void {
    const p = this.part_;
    if (p.kind_ !== SKIP) {
      if (this.rest_) this.deliver_(p.enc_ === B64 ? this.unbase64_('', true) : this.unqp_('', true));
      this.rest_ = '';
    }
    for (let i = 0; i < p.flags.length; i++) addFlag(this.flags, p.flags[i]);
    if (p.kind_ === TEXT) {
      let text = p.text_;
      if (p.truncated_) {
        addFlag(p.flags, 'text-truncated');
        addFlag(this.flags, 'text-truncated');
      }
      const cs = p.charset_;
      // a UTF-8 character cut in two by the size bound is not a character
      if (p.truncated_) text = cutUtf8(text);
      const dec = decodeCharset(text, cs);
      if (dec === null) {
        addFlag(p.flags, 'charset-raw:' + cs.toLowerCase());
        addFlag(this.flags, 'charset-raw:' + cs.toLowerCase());
      } else text = dec;
      text = text.replace(/\r\n|\r/g, '\n');
      if (this.o_.onText) this.o_.onText({ type: p.type_, charset: cs, text, truncated: p.truncated_, size: p.size_, partPath: p.path_, alternative: p.alt_, depth: p.depth_, flags: p.flags });
    } else if (p.kind_ === ATTACH && this.o_.onAttachmentEnd) this.o_.onAttachmentEnd({ size: p.size_, flags: p.flags });
    p.kind_ = SKIP;
    p.text_ = '';
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
