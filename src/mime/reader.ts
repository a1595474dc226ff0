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
import { b64bytes, decodeWords, hexByte, MimeAddress, parseAddresses, parseStructured, safeFileName } from './header';
import { addFlag, decodeCharset } from './charset';

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

/** What a part's body is for. */
const enum Kind {
  Skip,
  Text,
  Attach,
}
/** Transfer encodings (B64 and QP: 1 + their index in the list in endHeaders). */
const enum Enc {
  Raw,
  B64,
  QP,
}
/** The header fields kept, by their index in the list in write(): a part's fields, then a message's. */
const enum Field {
  ContentType,
  ContentDisposition,
  ContentTransferEncoding,
  ContentId,
  Subject,
  From,
  To,
  Cc,
  ReplyTo,
  Date,
  MessageId,
}

/**
 * RFC 3676 format=flowed, as mailparser (libmime) decodes it: a line ending in a space is joined with the next of the
 * same quote depth (losing that space with delsp=yes, the quote marker of the next line always), except after a
 * "-- " signature separator; a space that starts a line (after its quote marker) is stuffing and removed. Lines end
 * in "\n" after it.
 */
function unflow(str: string, delSp: boolean): string {
  var lines = str.split('\n');
  var out: string[] = [];
  // the paragraph being joined, its quote depth and its quote marker as written ("> ", ">>")
  var para = '';
  var depth = 0;
  var prefix = '';
  for (var i = 0; i < lines.length; i++) {
    var line = lines[i];
    if (line.slice(-1) == '\r') line = line.slice(0, -1);
    var d = 0;
    while (line.charAt(d) == '>') d++;
    var pl = d && line.charAt(d) == ' ' ? d + 1 : d;
    var content = line.slice(pl);
    if (d == depth && para.slice(-1) == ' ' && para != '-- ') para = delSp ? para.slice(0, -1) + content : para + (d ? content : content.replace(/^ /, ''));
    else {
      if (i) out.push((prefix + para).replace(/^ /, ''));
      para = content;
      depth = d;
      prefix = line.slice(0, pl);
    }
  }
  if (para || prefix) out.push((prefix + para).replace(/^ /, ''));
  return out.join('\n');
}

/** An open multipart. */
interface Frame {
  /** "--" + boundary */
  b_: string;
  /** what its parts' numbers start with: "" at the top, else "1.", "2.3." */
  path_: string;
  /** parts seen so far */
  n_: number;
  depth_: number;
  alt_: boolean;
  digest_: boolean;
}

export interface MimeReader {
  /** every flag raised while reading */
  flags: string[];
  /** Feeds the next piece of the raw message (a binary string: one char per byte). */
  write(chunk: string): void;
  /** Ends the message: flushes what is held, closes every open part and calls onEnd. */
  end(): void;
}

/**
 * The reader: a constructor whose methods are closures over its state, which is smaller code than a class, and on
 * Espruino takes RAM for them only while a reader exists (not from the module's load). The input not read yet is
 * in buf_, the open multiparts (innermost last) in stack_.
 */
export const MimeReader: new (opts: MimeReaderOptions) => MimeReader = function (this: any, opts: MimeReaderOptions) {
  var self = this;
  var o: MimeReaderOptions = opts || {};
  var flags: string[] = (self.flags = []);
  var stack: Frame[] = (self.stack_ = []);
  self.buf_ = '';
  // reading a header block (else a body)
  var head: boolean;
  // header block: the kept field being read (a Field, or -1), the last piece ended inside a line, no line seen yet
  var field: number;
  var inLine: boolean;
  var firstLine: boolean;
  // body: at the start of a line; the line end held back (it belongs to a delimiter that may follow); the
  // decoder's held input
  var lineStart: boolean;
  var eol = '';
  var rest = '';
  // end() was called / has finished
  var final: boolean | undefined;
  var ended: boolean | undefined;
  // the current part: its number, depth, whether its header block is a message's (top level or message/rfc822:
  // subject, from, ... are kept), whether it is in a multipart/alternative or a multipart/digest
  var path: string;
  var depth: number;
  var msg: boolean;
  var alt: boolean;
  var digest: boolean;
  // its kept header fields (raw), what its body is for, its transfer encoding, type, charset, decoded size, text
  // (the first maxText bytes: it was cut when shorter than size), flags
  var h: { [k: number]: string };
  var kind: Kind;
  var enc: Enc;
  var type: string;
  var charset: string;
  var size: number;
  var text: string;
  var partFlags: string[];
  // its Content-Type was cut at maxHeader; its text is format=flowed (1, 2 with delsp=yes)
  var ctCut: boolean;
  var flowed: number;
  var maxDelim = 200;

  /** Calls the callback option `name`, if given. */
  function emit(name: string, arg: any): void {
    if ((o as any)[name]) (o as any)[name](arg);
  }

  /** A new header block: of a part of the multipart f, or (without f) of a message. */
  function start(newPath: string, newDepth: number, f?: Frame): void {
    path = newPath;
    depth = newDepth;
    msg = !f;
    alt = !!f && f.alt_;
    digest = !!f && f.digest_;
    h = {};
    field = -1;
    inLine = false;
    kind = size = flowed = 0;
    text = '';
    partFlags = [];
    head = firstLine = true;
    ctCut = false;
  }

  /** Body bytes of the current part, still transfer-encoded (fin: the decoder gives what it holds too). */
  function content(s: string, fin?: boolean): void {
    if (!kind) return;
    if (enc == Enc.B64) {
      // streaming base64
      if (/[^A-Za-z0-9+\/=\s]/.test(s)) addFlag(partFlags, 'bad-base64');
      // padding ends a run; some mailers glue several encoded runs together, so go on after it
      var runs = (rest + s.replace(/[^A-Za-z0-9+\/=]/g, '')).split('=');
      rest = runs.pop()!;
      // the last run is decoded 4-aligned: up to 3 characters wait for the next piece
      var n = fin ? rest.length : rest.length & -4;
      runs.push(rest.slice(0, n));
      rest = rest.slice(n);
      s = '';
      for (var run of runs) s += b64bytes(run, partFlags);
    } else if (enc == Enc.QP) {
      // streaming quoted-printable: jumps from '=' to '='; an escape cut by the piece end waits for the next
      s = rest + s;
      n = s.length;
      var out = '';
      var at = 0;
      var keep = n;
      var blank = /^[ \t\r]*$/;
      for (var i = s.indexOf('='); i >= 0; i = s.indexOf('=', at)) {
        out += s.slice(at, i);
        var nl = s.indexOf('\n', i);
        var hex = s.substr(i + 1, 2);
        // (tested here: Espruino misreads a regex that starts a statement after a skipped block)
        var isHex = /^[0-9A-Fa-f][0-9A-Fa-f]/.test(hex);
        if (!fin && (i + 2 >= n || (nl < 0 && n - i < 80 && blank.test(s.slice(i + 1))))) {
          // "=", "=X", or "=" and white space (a soft break whose line end is still to come) at the end
          at = keep = i;
          break;
        }
        if (isHex) {
          out += hexByte(0, hex);
          at = i + 3;
        } else if (nl > i && nl < i + 80 && blank.test(s.slice(i + 1, nl))) {
          // a soft line break (white space before the line end allowed)
          at = nl + 1;
        } else {
          // a bare '=': kept as text
          if (i + 1 < n) addFlag(partFlags, 'bad-qp');
          out += '=';
          at = i + 1;
        }
      }
      rest = s.slice(keep);
      s = out + s.slice(at, keep);
    }
    if (s) {
      size += s.length;
      if (kind == Kind.Text) text += s.slice(0, (o.maxText || 4096) - text.length);
      else emit('onAttachmentData', s);
    }
  }

  /** The blank line after a header block (or its substitute): reports a message's headers, decides what the body is. */
  function endHeaders(): void {
    if (msg && o.onHeaders) {
      // (a copy of the part's flags: while its headers are read, they can only be "header-truncated")
      var hf = partFlags.slice();
      var id = (h[Field.MessageId] || '').trim();
      o.onHeaders({
        subject: decodeWords(h[Field.Subject] || '', hf).trim(),
        from: parseAddresses(h[Field.From] || '', hf),
        to: parseAddresses(h[Field.To] || '', hf),
        cc: parseAddresses(h[Field.Cc] || '', hf),
        replyTo: parseAddresses(h[Field.ReplyTo] || '', hf),
        date: (h[Field.Date] || '').trim(),
        messageId: id[0] == '<' ? id.slice(1).split('>')[0] : id,
        flags: hf,
        partPath: path,
        depth,
      });
      addFlag(flags, hf);
    }
    head = false;
    lineStart = true;
    eol = rest = '';
    var ct = parseStructured(h[Field.ContentType] || '', partFlags);
    type = ct.value;
    if (type.indexOf('/') < 0) {
      if (type) addFlag(partFlags, 'bad-content-type');
      // (RFC 2046 5.1.5: a digest's part is a message unless it says otherwise; mailparser reads it as text)
      else if (digest) addFlag(partFlags, 'digest-default');
      type = digest ? 'message/rfc822' : 'text/plain';
    }
    charset = ct.params.charset || '';
    // RFC 3676, for text/plain only (as mailparser: a browser never unfolds an HTML part)
    var lc = function (v: string | undefined) {
      return (v || '').toLowerCase().trim();
    };
    if (type == 'text/plain' && lc(ct.params.format) == 'flowed') flowed = lc(ct.params.delsp) == 'yes' ? 2 : 1;
    // a multipart needs a boundary: printable ASCII, whole (not cut with its header); without one its body is read as
    // text
    var b = (ct.params.boundary || '').replace(/[ \t]+$/, '');
    var multi = type.indexOf('multipart/') == 0;
    if (multi && (!/^[\x20-\x7e]+$/.test(b) || ctCut)) {
      addFlag(flags, 'multipart-without-boundary');
      type = 'text/plain';
      multi = false;
    }
    var cte = (h[Field.ContentTransferEncoding] || '').trim().toLowerCase();
    var plain = ['', '7bit', '8bit', 'binary'].indexOf(cte) >= 0;
    // (a multipart's disposition is not read)
    var cd = multi ? ct : parseStructured(h[Field.ContentDisposition] || '', partFlags);
    var inline = cd.value == 'inline';
    // a multipart (its preamble is not content), or a message shown inline: read as a message, whose headers go
    // to onHeaders with its part number
    if (multi || (type == 'message/rfc822' && inline && plain)) {
      if (depth >= (o.maxDepth || 10)) addFlag(flags, 'depth-limit');
      else if (multi) {
        // (a delimiter line is held until its end: as long as the longest boundary allows)
        if (b.length + 10 > maxDelim) maxDelim = b.length + 10;
        stack.push({
          b_: '--' + b,
          path_: path ? path + '.' : '',
          n_: 0,
          depth_: depth,
          alt_: alt || type == 'multipart/alternative',
          digest_: type == 'multipart/digest',
        });
      }
      else start(path, depth + 1);
      return;
    }
    // the body of a message that is a single part is its part 1 (IMAP numbering)
    if (msg) path = path ? path + '.1' : '1';
    enc = ['base64', 'quoted-printable'].indexOf(cte) + 1;
    if (!enc && !plain) addFlag(flags, 'unknown-encoding:' + cte.slice(0, 24));
    // text (the same types as mailparser) unless marked as an attachment; (the list ends in "\n", which no
    // header value holds: Espruino's indexOf may report a needle cut at the end)
    kind =
      ' text/plain text/html message/delivery-status \n'.indexOf(' ' + type + ' ') >= 0 && (inline || !cd.value)
        ? Kind.Text
        : Kind.Attach;
    if (kind == Kind.Attach) {
      var rawName = cd.params.filename || ct.params.name || '';
      var name = safeFileName(rawName);
      if (name != rawName) addFlag(partFlags, 'name-sanitised');
      var cid = (h[Field.ContentId] || '').trim();
      if (cid[0] == '<' && cid[cid.length - 1] == '>') cid = cid.slice(1, -1);
      emit('onAttachmentStart', { name, rawName, type, disposition: inline ? 'inline' : 'attachment', partPath: path, contentId: cid, charset });
    }
  }

  /**
   * Ends the current part: its header block if still open, the decoder's held input; reports the text or the
   * end of the attachment. Then closes the multiparts from stack[from] up, which never saw their close
   * delimiter (or any delimiter).
   */
  function close(from: number): void {
    // the line end before a delimiter belongs to it
    eol = '';
    if (head) endHeaders();
    content('', true);
    var t = text;
    var truncated = size > t.length;
    if (kind == Kind.Text) {
      if (truncated) {
        addFlag(partFlags, 'text-truncated');
        // a UTF-8 character cut in two by the size bound is not a character (looks at the last 3 bytes only)
        for (var k = 1; k < 4 && k <= t.length; k++) {
          var c = t.charCodeAt(t.length - k);
          if (c < 0x80) break;
          if (c >= 0xc0) {
            if ((c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2) > k) t = t.slice(0, -k);
            break;
          }
        }
      }
      if (flowed) t = unflow(t, flowed > 1);
      t = decodeCharset(t, charset, partFlags).replace(/\r\n|\r/g, '\n');
    }
    addFlag(flags, partFlags);
    if (kind == Kind.Text) emit('onText', { type, charset, text: t, truncated, size, partPath: path, alternative: alt, depth, flags: partFlags });
    else if (kind) emit('onAttachmentEnd', { size, flags: partFlags });
    kind = Kind.Skip;
    for (var f of stack.splice(from)) addFlag(flags, 'missing-' + (f.n_ ? 'close-' : '') + 'boundary');
  }

  /** Checks a line (without its "\n") against the open delimiters; acts on it and returns true on a match. */
  function delimiter(line: string): boolean {
    line = line.replace(/[ \t\r]+$/, '');
    for (var i = stack.length - 1; i >= 0; i--) {
      var f = stack[i];
      if (line == f.b_ || line == f.b_ + '--') {
        close(i + 1);
        if (line == f.b_) {
          f.n_++;
          start(f.path_ + f.n_, f.depth_ + 1, f);
        } else {
          stack.pop();
          // the epilogue is not content (close() left no part open)
          head = false;
          lineStart = true;
        }
        return true;
      }
    }
    return false;
  }

  function write(chunk: string): void {
    if (ended || typeof chunk != 'string') throw new Error(ended ? 'write after end' : 'write needs a binary string');
    var maxHeader = o.maxHeader || 2048;
    var buf = self.buf_ + chunk;
    var len = buf.length;
    var pos = 0;
    while (pos < len) {
      var nl = buf.indexOf('\n', pos);
      if (head) {
        // a header line, or a piece of one (complete=false: the line goes on in the next piece)
        var e = nl;
        var complete: boolean | undefined = nl >= 0;
        if (!complete) {
          // a header line with no end yet: keep it unless it is beyond any sane length (200: see maxDelim below)
          if (!final && len - pos <= maxHeader + 200) break;
          e = nl = len;
          complete = final;
        } else if (e > pos && buf[e - 1] == '\r') e--;
        var s = buf.slice(pos, e);
        pos = nl + 1;
        if (!inLine) {
          if (!s) {
            endHeaders();
            continue;
          }
          // (a line starting with white space continues the field being read)
          if (' \t'.indexOf(s[0]) < 0) {
            // a delimiter where a part's headers should be: the part has headers only
            if (complete && delimiter(s)) continue;
            var colon = s.indexOf(':');
            var name = s.substr(0, colon).trim().toLowerCase();
            field = -1;
            if (colon < 1 || /[ \t]/.test(name)) addFlag(flags, firstLine && !path && s.slice(0, 5) == 'From ' ? 'mbox-from-line' : 'bad-header-line');
            else {
              var k = 'content-type content-disposition content-transfer-encoding content-id subject from to cc reply-to date message-id'.split(' ').indexOf(name);
              // kept: the first of each field of a part, and of a message's; a repeated To: or Cc: line adds its
              // addresses to the first (as mailparser; From: and Reply-To: occur once, RFC 5322 3.6)
              if (k >= 0 && (k <= Field.ContentId || msg) && !(k in h)) h[(field = k)] = '';
              else if ((k == Field.To || k == Field.Cc) && msg) h[(field = k)] += ',';
              s = s.slice(colon + 1);
            }
          }
          firstLine = false;
        }
        if (field >= 0) {
          s = h[field] + s;
          if (s.length > maxHeader) {
            addFlag(flags, 'header-truncated');
            addFlag(partFlags, 'header-truncated');
            // (a boundary cut off with it would never match: the part is read as text)
            if (!field) ctCut = true;
            // an encoded word cut in two is not text: it goes with the rest of the field, which is not read on
            s = s.slice(0, maxHeader);
            var w = s.lastIndexOf('=?');
            if (w >= 0 && s.indexOf('?=', w + 2) < 0) s = s.slice(0, w);
            h[field] = s;
            field = -1;
          } else h[field] = s;
        }
        inLine = !complete;
        continue;
      }
      // body
      if (!stack.length) {
        content(buf.slice(pos));
        pos = len;
        break;
      }
      if (lineStart) {
        if (len - pos < 2 && !final) break;
        if (buf.substr(pos, 2) == '--') {
          // maxDelim: the longest line that may still be a delimiter ("--" + boundary + "--" + some white space): 200
          // for RFC 2046's 70-character boundaries, more for a longer one (at most maxHeader)
          if (nl < 0 && final) nl = len;
          if (nl < 0 && len - pos < maxDelim) break;
          if (nl >= 0 && delimiter(buf.slice(pos, nl))) {
            pos = nl + 1;
            continue;
          }
        }
        content(eol);
        eol = '';
        lineStart = false;
      }
      // all the bytes up to the next delimiter candidate go in one piece
      var c = buf.indexOf('\n--', pos);
      // (Espruino's indexOf may report a "\n" or "\n-" at the end)
      if (c > len - 3) c = -1;
      var cut = c < 0 ? len : c;
      // hold back what may be the start of a delimiter line: "\n" or "\n-" at the end (and a "\r" before it)
      if (c < 0 && !final) cut = buf[len - 1] == '\n' ? len - 1 : len - 2 >= pos && buf.slice(len - 2) == '\n-' ? len - 2 : len;
      if ((c >= 0 || !final) && cut > pos && buf[cut - 1] == '\r') cut--;
      if (cut > pos) content(buf.slice(pos, cut));
      if (c < 0) {
        pos = cut;
        break;
      }
      eol = buf.slice(cut, c + 1);
      lineStart = true;
      pos = c + 1;
    }
    self.buf_ = buf.slice(pos);
  }

  self.write = write;
  self.end = function (): void {
    if (final) return;
    final = true;
    write('');
    ended = true;
    // the input ended inside a header block: no blank line, no body
    if (head) addFlag(flags, 'no-body');
    content(eol);
    close(0);
    emit('onEnd', flags);
  };
  start('', 0);
} as any;
