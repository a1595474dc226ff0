/* s9mail 0.1.0: e-mail through a SIMCom SIM900/SIM800: SMTP send, POP3, the GPRS bearer, every command of the manual. sim900-mail, MIT licence. Page: docs/modules/s9mail.md; carries s9at, s9smtp, s9pop3 */
// the s9cmd data file, written to Storage when it is not there (or differs)
(function(){var S=require("Storage"),t="\nEMAILCID rq cid:i1-3\nEMAILTO rq timeout:i10-120\nEMAILSSL r type:i0-2\nSMTPSRV rq host:s50 port:i1-65535\nSMTPAUTH rq auth:i0-1 user:s32 password:s32\nSMTPFROM rq address:s48 name:s48\nSMTPRCPT rmq type:i0-2 index:i0-4 address:s48 name:s48\nSMTPSUB rxq subject:s100\nSMTPBODY pq body:s4096\nSMTPFILE rq type:i0-2 name:s48 encoding:i0-1\nSMTPSEND f\nSMTPFT - length:i0-1460\nSMTPCS rq charset:s10\nPOP3SRV rq host:s50 user:s32 password:s32 port:i1-65535\nPOP3IN f\nPOP3NUM fo\nPOP3LIST fo n:i1-65535\nPOP3UIDL fo n:i1-65535\nPOP3CMD fo type:i1-4 n:i1-65535 lines:i0-65535\nPOP3READ o length:i1-1460\nPOP3DEL fo n:i1-65535\nPOP3RSET fo/POP3REST\nPOP3OUT f\nSAPBR - cmd:i0-5 cid:i1-3 tag:s16 value:s64\n*61 NETWORK network error (is the GPRS bearer open?)\n*62 DNS DNS could not resolve the % server\n*63 CONNECT TCP connection to the % server failed\n*64 TIMEOUT the % server did not answer within AT+EMAILTO\n*65 SERVER the % server answered with an error\nS66 NOT_AUTHENTICATED the SMTP server requires authentication\nS67 AUTH_FAILED SMTP authentication failed: user name or password may be wrong\nS68 BAD_RECIPIENT the SMTP server refused a recipient\nP66 LOGIN_REJECTED the POP3 server rejects the log-in\nP67 USER incorrect POP3 user name\nP68 PASSWORD incorrect POP3 user name or password\nP69 READ_TIMEOUT reading the POP3 data timed out\n";if(S.read("s9cmd")!==t&&!S.write("s9cmd",t))throw new Error("s9mail: Storage is full, s9cmd needs "+t.length+" bytes")})();
// $c(name): the carried module's function; $c(name, 1): require() it, added to the module cache first; $c(name, 2): drop it
function $c(n,o){var f=n=="s9at"?function(){
// src/errors.ts
function err(code, message, extra) {
  const e = new Error(message);
  e.name = e.code = code;
  for (const k in extra) e[k] = extra[k];
  return e;
}
function bad(what, why) {
  return err("E_PARAM", what + ": " + why, { detail: what });
}

// src/at/engine.ts
function connect(serial, options) {
  let cnt = 0;
  let sink = null;
  let cur = null;
  let tail = "";
  let state = options && options.syncOnStart === false ? 0 : 1;
  let skip = false;
  const urcs = {};
  let at = null;
  function rx(d) {
    const k = d.length;
    if (k <= cnt && k && sink) return cnt -= k, sink(d);
    cnt || cur ? more(d, 0, k) : lines(d);
  }
  function more(d, p, k) {
    if (!cnt && (tail || skip || state == 3 || !cur)) return odd(p ? d.substr(p) : d);
    let i;
    let l;
    let c;
    try {
      while (p < k) {
        if (cnt) {
          i = k - p < cnt ? k - p : cnt;
          l = p || i < k ? d.substr(p, i) : d;
          cnt -= i;
          p += i;
          sink ? sink(l) : cur.data += l;
        }
        i = d.indexOf("\r\n", p);
        while (i == p) i = d.indexOf("\r\n", p += 2);
        if (i < 0 || i == k - 1) break;
        if (i - p >= size) overflow(1);
        else {
          l = d.substring(p, i);
          c = cur;
          if (!c) line(l);
          else if (l == "OK" && !c.afterOk) end(c, null, l);
          else if (c.a == 1 /* SENT */ && c.counted && !l.indexOf(c.counted[0])) header(c, l);
          else line(l);
        }
        p = i + 2;
      }
      if (p > k) p = k - 1;
      if (p < k) {
        if (k - p > size) return skip = true, overflow(1);
        tail = p ? d.substr(p) : d;
        if (cur && cur.a == 2 /* PROMPT */) odd(null);
      }
    } catch (x) {
      tail = "";
      setTimeout(function() {
        throw x;
      }, 0);
    }
  }
  function odd(d) {
    if (state == 3) return;
    if (d == null) {
      const q = cur.prompt;
      if (q && tail.substr(tail.length - q.length) == q) tail = "", line(q);
      return;
    }
    if (tail) {
      d = tail + d;
      tail = "";
    }
    if (skip) {
      const j = d.indexOf("\n");
      if (j < 0) return;
      skip = false;
      d = d.substr(j + 1);
    }
    if (d) cur ? more(d, 0, d.length) : lines(d);
  }
  function lines(d) {
    if (tail) {
      d = tail + d;
      tail = "";
    }
    if (skip || state == 3) return odd(d);
    const big = d.length > size;
    try {
      const a = d.split("\r\n");
      const m = a.length - 1;
      for (let k = 0; k < m; k++) {
        if (a[k]) big && a[k].length >= size ? overflow(1) : line(a[k]);
        if (cnt) return rx(a.slice(k + 1).join("\r\n"));
      }
      if (a[m]) {
        if (big && a[m].length > size) return skip = true, overflow(1);
        tail = a[m];
        if (cur && cur.a == 2 /* PROMPT */) odd(null);
      }
    } catch (x) {
      tail = "";
      setTimeout(function() {
        throw x;
      }, 0);
    }
  }
  function line(l) {
    if (cur && other(cur, l)) return;
    const w = l.substr(0, 4);
    let claimed = (w == "RDY" || w == "+CFU" || w == "NORM" || w == "UNDE" || w == "OVER") && restart(l);
    for (let h = urcs[w]; h; h = h.n) if (!l.indexOf(h.p)) claimed = true, h.f(l);
    if (!claimed) {
      if (cur && (cur.prefix === "" || cur.prefix == null && cur.a == 1 /* SENT */)) cur.lines.push(l);
      else if (at.onLine) at.onLine(l);
    }
  }
  function header(c, l) {
    const t = l.substr(l.lastIndexOf(",") + 1).trim();
    const k = t ? +t : -1;
    c.lines.push(l);
    if (!c.counted) return k;
    if (k >= 0 && k % 1 == 0) {
      sink = c.onData || null;
      if (!sink && c.data == null) c.data = "";
      cnt = k;
      seen = -1;
      if (quiet < 0) {
        quiet = 0;
        setTimeout(overflow, (o.dataGap || 1500) / 4, 2);
      }
      return;
    }
    end(c, err("E_PROTOCOL", c.line + ": no byte count in " + l, { command: c.line }));
  }
  function other(c, l) {
    const ph = c.a;
    if (ph == 1 /* SENT */ && startsWith(l, c.counted)) return header(c, l), 1;
    if (ph == 1 /* SENT */ && c.writeOn && !l.indexOf(c.writeOn)) {
      const k = header(c, l);
      const p = c.payload;
      const have = p ? p.length : 0;
      if (!(k >= 0) || k % 1 || k > have) return end(c, err("E_PROTOCOL", c.line + ": cannot write what " + l + " asks for (" + have + " bytes given)", { command: c.line })), 1;
      if (k) {
        serial.write(k == have ? p : p.subarray ? p.subarray(0, k) : p.substr(0, k));
        c.written = (c.written || 0) + k;
      }
      return 1;
    }
    if (l == "OK") {
      if (!c.afterOk) end(c, null, l);
      else if (c.c) end(c, null, c.c);
      else if (ph != 3 /* AFTER_OK */) {
        c.a = 3 /* AFTER_OK */;
        clearTimeout(timer);
        timer = setTimeout(overflow, c.finalTimeout || o.finalTimeout || 6e4, 3, c);
      }
      return 1;
    }
    if (l == "ERROR" || !l.indexOf("+CME ERROR:") || !l.indexOf("+CMS ERROR:")) {
      const t = l.substr(11).trim();
      return end(c, err(l == "ERROR" ? "E_ERROR" : "E_CME", c.line + ": " + l, { command: c.line, detail: t, result: /^\d+$/.test(t) ? +t : void 0 })), 1;
    }
    if (startsWith(l, c.finals)) {
      if (c.afterOk && ph != 3 /* AFTER_OK */) c.c = l;
      else end(c, null, l);
      return 1;
    }
    if (l == c.line || l == c.line + "\r") return 1;
    if (ph == 2 /* PROMPT */) {
      if (l == c.prompt) {
        c.a = 1 /* SENT */;
        serial.write(c.payload == null ? "\x1B" : c.payload);
        if (c.payload != null && c.terminator) serial.write(c.terminator);
        return 1;
      }
    } else if (c.prefix && !l.indexOf(c.prefix)) return c.lines.push(l), 1;
  }
  const o = options || {};
  const size = o.rxBufferSize || 640;
  let seen = 0;
  let quiet = -1;
  let boot = -9e9;
  let timer = null;
  const queue = [];
  let probes = 0;
  let valid = null;
  function restart(l) {
    const up = l == "RDY" || l == "+CFUN: 1";
    const reset = l == "RDY" || (up ? Date.now() - boot > 3e3 : / POWER DOWN$/.test(l));
    if (l == "RDY") boot = Date.now();
    if (reset && !(cur && cur.b == synced)) {
      state = 1;
      fail("E_RESET", "module reset (" + l + ")", l);
    }
    if (reset && at.onReset) at.onReset(l);
    return reset || up;
  }
  function fail(code, msg, detail) {
    if (!code) {
      if (state == 3) return;
      state = 3;
      if (serial.removeListener) serial.removeListener("data", rx);
      code = "E_CLOSED";
      msg = "the engine was closed";
    }
    const all = (cur ? [cur] : []).concat(queue.splice(0, queue.length));
    cur = null;
    cnt = 0;
    for (let i = 0; i < all.length; i++) end(all[i], err(code, msg, { command: all[i].line, detail }));
  }
  function end(c, e, fin) {
    const cb = c.b;
    if (!cb) return;
    c.b = null;
    if (c == cur || !cur) {
      cur = null;
      cnt = 0;
      sink = null;
      clearTimeout(timer);
      if (e) {
        if (cb != synced && !state && e.code != "E_ERROR" && e.code != "E_CME") state = 1;
      }
    }
    c.final = fin;
    if (queue.length) kick();
    if (at.onDone) at.onDone(c);
    try {
      cb(e, e ? void 0 : c);
    } catch (x) {
      setTimeout(function() {
        throw x;
      }, 0);
    }
  }
  function kick(c) {
    if (c) {
      const e = refusal(c, state, queue.length, o.maxQueue || 32);
      if (e) {
        const cb = c.b;
        c.b = null;
        return void setTimeout(cb, 0, e);
      }
      valid = c.line;
      queue.push(c);
    }
    if (state == 3 || cur) return;
    if (state == 1 && queue.length) return state = 2, probes = 0, synced(null, {});
    c = queue[0];
    if (!c || state && c.b != synced) return;
    queue.shift();
    cur = c;
    c.a = c.prompt ? 2 /* PROMPT */ : 1 /* SENT */;
    timer = setTimeout(overflow, c.timeout || o.timeout || 5e3, 3, c);
    serial.write(c.line + "\r");
  }
  function synced(e, c) {
    if (state == 3) return;
    const l = e ? e.command : c.line;
    let next = "ATE0V1";
    if (l == next) {
      if (!e) next = "AT+CMEE=2";
      else if (++probes >= (o.probeAttempts || 5)) {
        state = 1;
        const x = err("E_NORESPONSE", "no answer to AT (" + probes + " tries)", { detail: probes });
        fail(x.code, x.message, probes);
        if (at.onError) at.onError(x);
        return;
      }
    } else if (l && (!e || e.code == "E_ERROR" || e.code == "E_CME")) next = "";
    if (next) queue.unshift({ line: next, timeout: o.probeTimeout || 1e3, b: synced, lines: [] });
    else state = 0;
    kick();
  }
  function overflow(why, c) {
    if (why == 3) {
      if (!c.b) return;
      let e2 = null;
      if (c.a == 2 /* PROMPT */) serial.write("\x1B");
      if (c.c) state = 1;
      else e2 = err("E_TIMEOUT", c.line + ": no " + (c.a == 3 /* AFTER_OK */ ? "final after OK" : "answer") + " in time", { command: c.line });
      return end(c, e2, c.c);
    }
    if (why == 2) {
      if (cnt && cnt != seen) seen = cnt, quiet = 0;
      else if (!cnt || ++quiet > 3) return void (cnt = 0, quiet = -1);
      return void setTimeout(overflow, (o.dataGap || 1500) / 4, 2);
    }
    if (!why) tail = "", skip = !cnt;
    const e = err("E_OVERFLOW", "a line over " + size + " bytes" + (cur ? " during " + cur.line : ""), { command: cur && cur.line });
    if (cur) return end(cur, e);
    if (!state) state = 1;
    if (at.onError) at.onError(e);
    kick();
  }
  function send(c, cb) {
    const fast = c.line === valid && !state && !cur && c.payload == null;
    c.b = cb;
    c.lines = [];
    c.c = c.data = c.written = c.final = void 0;
    if (!fast) return kick(c);
    cur = c;
    c.a = c.prompt ? 2 /* PROMPT */ : 1 /* SENT */;
    timer = setTimeout(overflow, c.timeout || o.timeout || 5e3, 3, c);
    serial.write(c.line + "\r");
  }
  function urc(p, f, remove) {
    const k = p.substr(0, 4);
    let h = urcs[k];
    if (remove) {
      for (let b = null; h; b = h, h = h.n)
        if (h.p == p && h.f == f) {
          if (b) b.n = h.n;
          else if (h.n) urcs[k] = h.n;
          else delete urcs[k];
          return;
        }
      return;
    }
    const e = { p, f, n: null };
    if (!h) return void (urcs[k] = e);
    while (h.n) h = h.n;
    h.n = e;
  }
  function resync(cb) {
    if (!state) state = 1;
    cb ? send({ line: "AT" }, cb) : kick();
  }
  at = { send, urc, resync, overflow, close: fail, rx };
  serial.on("data", rx);
  return at;
}
function refusal(c, state, queued, max) {
  const p = c.payload;
  const e = state == 3 ? err("E_CLOSED", "the engine is closed") : queued >= max ? err("E_BUSY", "too many commands queued") : p != null && typeof p != "string" && !p.subarray ? bad("payload", "not a string or Uint8Array") : typeof c.line != "string" || !c.line || c.line.length > 556 || /[\x00-\x1f\x7f]/.test(c.line) ? bad("command line", "not 1-556 characters without control bytes") : null;
  if (e) e.command = c.line;
  return e;
}
function startsWith(l, list) {
  if (list) {
    for (let i = 0; i < list.length; i++) if (list[i] && !l.indexOf(list[i])) return true;
  }
  return false;
}
exports.connect=connect;
}:
n=="s9smtp"?function(){
// src/mail/smtp.ts
var $s9mail=require("s9mail"),codeError=$s9mail.codeError,err=$s9mail.err,bad=$s9mail.bad,hex=$s9mail.hex,promptText=$s9mail.promptText,scan=$s9mail.scan,fields=$s9mail.fields,runSteps=$s9mail.run;
function crlf(text) {
  return text.replace(/\r\n/g, "\n").replace(/\r/g, "\n").replace(/\n/g, "\r\n");
}
var B64 = 57;
function textOk(t, from, last) {
  if (/[^\t\r\n\x20-\x7e]/.test(t)) return false;
  for (let i = t.indexOf("\n", from); i >= 0; i = t.indexOf("\n", i + 1)) if (t.charAt(i - 1) != "\r") return false;
  for (let i = t.indexOf("\r"); i >= 0; i = t.indexOf("\r", i + 1)) if (t.charAt(i + 1) != "\n" && (last || i < t.length - 1)) return false;
  return true;
}
function address(v, what) {
  let a = v && v.address;
  let name = v && v.name;
  if (typeof v == "string") {
    const lt = v.lastIndexOf("<");
    a = v;
    if (lt >= 0 && v.charAt(v.length - 1) == ">") name = v.substr(0, lt).trim().replace(/^"(.*)"$/, "$1"), a = v.substring(lt + 1, v.length - 1);
    a = a.trim();
  }
  if (!/^[A-Za-z0-9!#$%&'*+\/=^_`{|}~.-]+@[A-Za-z0-9.-]+$/.test(a) || /\.\.|\.@|@\./.test("@" + a)) throw bad(what, JSON.stringify(a || v) + " is not a plain e-mail address");
  return name ? [a, name] : [a];
}
function plan(x, early) {
  const c = x.c;
  const m = x.m;
  const smtp = c.opts.smtp;
  const L = function(name, values) {
    return c.s(name, values, early);
  };
  if (!m || !smtp || typeof smtp.host != "string") throw bad(m ? "options.smtp" : "mail", "missing");
  x.ssl = ["none", "implicit", "starttls"].indexOf(smtp.ssl || "none");
  if (x.ssl < 0) throw bad("options.smtp.ssl", "not 'none', 'implicit' or 'starttls'");
  const subject = scan(m.subject === void 0 ? "" : m.subject, 1e9, /[\x00-\x1f\x7f]/, "subject");
  const body = crlf(scan(m.body === void 0 ? "" : m.body, 1e9, null, "body"));
  const cs = m.charset || (/[^\x00-\x7f]/.test(subject + body) ? "UTF-8" : "ASCII");
  const hexed = cs.toUpperCase() != "ASCII";
  const todo = x.todo = [["SMTPCS", L("SMTPCS", [cs])], ["SMTPSRV", L("SMTPSRV", [smtp.host, smtp.port || 25])], ["SMTPAUTH", L("SMTPAUTH", smtp.user ? [1, smtp.user, smtp.password || ""] : [0])], ["SMTPFROM", L("SMTPFROM", address(m.from || c.opts.from, "from"))]];
  const max = c.h("SMTPRCPT", 1, 4) + 1;
  let n = 0;
  for (let k = 0; k < 3; k++) {
    const kind = ["to", "cc", "bcc"][k];
    const v = m[kind];
    const list = v == null ? [] : Array.isArray(v) ? v : [v];
    if (list.length > max) throw bad(kind, list.length + " recipients, at most " + max + " of each kind");
    const lines = [];
    for (let i = 0; i < list.length; i++) lines.push(L("SMTPRCPT", [k, i].concat(address(list[i], kind + "[" + i + "]"))));
    todo.push(["RCPT" + k, lines.join("\n")]);
    n += list.length;
  }
  if (!n) throw bad("to", "no recipient");
  x.wait = ((7 + n + (smtp.user ? 3 : 0)) * (c.opts.emailTimeout || 30) + 20) * 1e3;
  todo.push(["SMTPSUB", L("SMTPSUB", [hexed ? hex(subject, true) : subject])]);
  x.body = scan(hexed ? hex(body, true) : promptText(body, 1e9, "body"), early && !c.e ? 1e9 : c.h("SMTPBODY", 0, 4096), null, "body");
  const a = m.attachment;
  x.src = null;
  if (!a) return void todo.push(["SMTPFILE", L("SMTPFILE", [0])]);
  const f = a.file;
  const d = f === void 0 ? a.data : require("Storage").read(f);
  const size = d && (d.size === void 0 ? d.length : d.size);
  if (!(size >= 0) || typeof d != "string" && !d.subarray && !d.read) throw bad("attachment", f === void 0 ? "needs data: a string, a Uint8Array or a {size, read} reader" : "no Storage file " + f);
  if (a.type && !/^text$|^binary$/.test(a.type)) throw bad("attachment.type", "not 'text' or 'binary'");
  const bin = a.type ? a.type != "text" : typeof d != "string" || !textOk(d, 0, true);
  if (/[\\\/;]/.test(a.name)) throw bad("attachment.name", 'holds a path or ";"');
  todo.push(["SMTPFILE", L("SMTPFILE", [bin ? 2 : 1, a.name, bin ? 1 : 0])]);
  const get = function(o, k) {
    return f !== void 0 ? require("Storage").read(f, o, k) : d.read ? d.read(o, k) : d.subarray ? d.subarray(o, o + k) : d.substr(o, k);
  };
  if (early && !bin) {
    let last = "";
    for (let o = 0; o < size; o += 512) {
      let k = get(o, Math.min(512, size - o));
      if (typeof k != "string") k = k ? E.toString(k) : "";
      if (!textOk(last + k, last ? 1 : 0, o + 512 >= size)) throw err("E_ATTACHMENT", "the attachment is not plain text (7-bit, CR LF line ends) in bytes " + o + "-" + (o + k.length) + ": send it as binary");
      last = k.slice(-1);
    }
  }
  x.src = {
    get,
    bin,
    off: 0,
    buf: "",
    sent: 0,
    size,
    total: bin ? 4 * Math.ceil(size / 3) + 2 * Math.ceil(size / B64) : size
  };
}
function peek(s, n) {
  while (s.buf.length < n && s.off < s.size) {
    let k = s.get(s.off, Math.min(s.bin ? B64 * Math.ceil((n - s.buf.length) / 78) : n - s.buf.length, s.size - s.off));
    if (typeof k != "string") k = k ? E.toString(k) : "";
    if (!k || !s.bin && /[^\x01-\x7f]/.test(k)) throw err("E_ATTACHMENT", "the attachment " + (k ? "is not 7-bit text: send it as binary" : "gave no data at " + s.off));
    s.off += k.length;
    for (let i = 0; s.bin && i < k.length; i += B64) s.buf += btoa(k.substr(i, B64)) + "\r\n";
    if (!s.bin) s.buf += k;
  }
  return s.buf.substr(0, n);
}
var STEPS = [
  function(x, next) {
    plan(x, true);
    x.c.u("smtp", next);
  },
  function(x, next) {
    x.taken = 1;
    x.c.v(x.ssl, next);
  },
  function(x, next) {
    plan(x);
    const c = x.c;
    const held = c.d;
    let i = 0;
    (function item(e) {
      if (e || i == x.todo.length) return next(e);
      const key = x.todo[i][0];
      const text = x.todo[i++][1];
      const k = key.charAt(4);
      const lines = text ? text.split("\n") : [];
      const n = lines.length;
      if (held[key] == text) return item();
      delete held[key];
      if (key.charAt(0) == "R" && !(+held["RMAX" + k] <= n)) lines.unshift("AT+SMTPRCPT=" + k);
      (function line(e2) {
        if (e2) return next(e2);
        if (lines.length) return c.g(lines.shift(), null, line);
        held[key] = text;
        if (key.charAt(0) == "R") held["RMAX" + k] = n;
        item();
      })();
    })();
  },
  function(x, next) {
    const c = x.c;
    const body = x.body;
    const done = function(e) {
      if (!e) c.d.SMTPBODY = body;
      next(e);
    };
    const sim800 = function() {
      c.g("AT+SMTPBODY=" + body.length, { prompt: "DOWNLOAD", payload: body, timeout: 2e4 }, done);
    };
    if (c.d.SMTPBODY == body) return next();
    delete c.d.SMTPBODY;
    if (c.dialect == "sim800") return sim800();
    c.g("AT+SMTPBODY", { prompt: "> ", payload: body, terminator: "\x1a", timeout: 2e4 }, function(e) {
      if (e && !c.dialect && e.code == "E_ERROR") return c.dialect = "sim800", sim800();
      if (!e && !c.dialect) c.dialect = "sim900";
      done(e);
    });
  },
  function(x, next) {
    const c = x.c;
    const s = x.src;
    let open = false;
    const fail = function(e) {
      if (!open || /E_RESET|E_CLOSED/.test(e.code)) return next(e);
      open = false;
      let t = null;
      const done = function() {
        clearTimeout(t);
        c.off("smtpsend", done);
        next(e);
      };
      t = setTimeout(done, x.wait);
      c.on("smtpsend", done);
    };
    const flow = function(e, d) {
      try {
        step(e, d);
      } catch (t) {
        fail(t);
      }
    };
    const step = function(e, d) {
      if (e) return fail(e);
      const f = d.final;
      open = !f.indexOf("+SMTPFT");
      const v = fields(f.substr(f.indexOf(":") + 1));
      if (f.indexOf("+SMTPFT")) {
        c.r();
        x.res = { commands: c.commands - x.n, attachmentBytes: s ? s.size : 0 };
        if (v[0] == 1 && s && x.m.onProgress) x.m.onProgress(s.size, s.size);
        return next(v[0] == 1 ? null : codeError("S", v[0], "AT+SMTPSEND"));
      }
      if (!(v[1] > 0)) return fail(err("E_PROTOCOL", "AT+SMTPFT: " + f));
      const chunk = s.sent < s.total ? peek(s, Math.min(v[1], c.opts.chunk || 1460)) : "";
      c.g("AT+SMTPFT=" + chunk.length, { writeOn: chunk ? "+SMTPFT: 2," : void 0, payload: chunk, finals: ["+SMTPFT: 1,", "+SMTPSEND:"], afterOk: true, finalTimeout: c.l }, function(e2, d2) {
        if (!e2 && chunk) {
          s.buf = s.buf.substr(d2.written || 0);
          s.sent += d2.written || 0;
          if (x.m.onProgress) x.m.onProgress(s.bin ? Math.min(s.size, Math.floor(s.sent * B64 / 78)) : s.sent, s.size);
        }
        flow(e2, d2);
      });
    };
    c.g("AT+SMTPSEND", { finals: s ? ["+SMTPFT: 1,", "+SMTPSEND:"] : ["+SMTPSEND:"], afterOk: true, finalTimeout: x.wait }, flow);
  }
];
function run(c, m, cb) {
  const x = { c, m, n: c.commands, taken: 0 };
  runSteps(STEPS, x, function(e, r) {
    if (x.taken) c.n("smtp");
    if (e) c.r(true);
    cb(e, r);
  });
}
exports.crlf=crlf;exports.run=run;
}:
n=="s9pop3"?function(){
// src/mail/pop3.ts
var $s9mail=require("s9mail"),err=$s9mail.err,bad=$s9mail.bad,fields=$s9mail.fields,payload=$s9mail.payload,later=$s9mail.later,runSteps=$s9mail.run;

// src/mail/dot.ts
function find(s, needle, from) {
  const i = s.indexOf(needle, from);
  return i >= 0 && i + needle.length <= s.length ? i : -1;
}
var DotDecoder = class {
  constructor(sink, maxChunk) {
    this.C = sink;
    this.z = maxChunk || 1460;
    this.done = false;
    this.bytes = this.trailing = 0;
    this.i = "";
    this.w = this.y = true;
  }
  write(chunk) {
    if (this.done) {
      this.trailing += chunk.length;
      return;
    }
    const buf = this.i + chunk;
    const len = buf.length;
    this.i = "";
    let pos = 0;
    if (this.y) {
      if (len < 4 && "+OK ".indexOf(buf) == 0) return void (this.i = buf);
      this.y = false;
      if (buf.substr(0, 3) == "+OK" && (buf.charAt(3) == " " || buf.charAt(3) == "\r")) {
        const eol = find(buf, "\r\n", 0);
        if (eol < 0) {
          this.y = true;
          this.i = len > 512 ? "" : buf;
          return;
        }
        pos = eol + 2;
      }
    }
    for (; ; ) {
      if (this.w) {
        if (len - pos < 3) {
          if (buf.charAt(pos) == "." || pos == len) return void (this.i = buf.substr(pos));
        } else if (buf.charAt(pos) == ".") {
          if (buf.substr(pos + 1, 2) == "\r\n") {
            this.done = true;
            this.trailing = len - pos - 3;
            return;
          }
          pos++;
        }
        this.w = false;
      }
      const i = find(buf, "\r\n.", pos);
      if (i < 0) {
        let hold = buf.charAt(len - 1) == "\r" ? 1 : buf.substr(len - 2) == "\r\n" ? 2 : 0;
        if (len - hold < pos) hold = len - pos;
        this.A(buf.substring(pos, len - hold));
        if (hold == 2) {
          this.A("\r\n");
          this.w = true;
        } else if (hold) this.i = "\r";
        return;
      }
      this.A(buf.substring(pos, i + 2));
      pos = i + 2;
      this.w = true;
    }
  }
  /** The data ended (AT+POP3READ said so): delivers what was held back. Returns false when no "." line came. */
  end() {
    const c = this.i;
    if (!this.done && c) this.A(this.w && c.charAt(0) == "." ? c.substr(1) : c);
    this.i = "";
    return this.done;
  }
  A(s) {
    this.bytes += s.length;
    for (let at = 0; at < s.length; at += this.z) this.C(at || s.length > this.z ? s.substr(at, this.z) : s);
  }
};

// src/mail/pop3.ts
var Mailbox = class {
  constructor(mail) {
    this.mail = mail;
  }
  /** Why a POP3 command cannot run now (no session, or the module ended it), else null. */
  D() {
    const c = this.mail;
    return c.session == "pop3" ? null : c.m || err("E_POP3_NOT_LOGGED_IN", "not logged in to POP3 (call pop3Login first)");
  }
  /** A POP3 command through the generic call, answered with the fields after its status. */
  x(name, values, cb, then) {
    cb = later(cb);
    const e = this.D();
    if (e) cb(e);
    else
      this.mail.call(name, values == null ? "" : "=", values, function(e2, f) {
        if (e2) return cb(e2);
        try {
          cb(null, then(f));
        } catch (x) {
          cb(x);
        }
      });
    return cb.p;
  }
  /** AT+POP3NUM: {count, size} of the maildrop. */
  count(cb) {
    return this.x("POP3NUM", null, cb, function(f) {
      return { count: f[0], size: f[1] };
    });
  }
  /** AT+POP3LIST=<n>: the size of message n. */
  size(n, cb) {
    return this.x("POP3LIST", n, cb, function(f) {
      return f[1];
    });
  }
  /** AT+POP3UIDL=<n>: the unique id of message n. */
  uid(n, cb) {
    return this.x("POP3UIDL", n, cb, function(f) {
      return f.slice(1).join(",");
    });
  }
  /** AT+POP3DEL=<n>: marks message n deleted (gone at a normal log-out). */
  remove(n, cb) {
    return this.x("POP3DEL", n, cb, none);
  }
  /** AT+POP3RSET: unmarks deleted messages. */
  reset(cb) {
    return this.x("POP3RSET", null, cb, none);
  }
  /** AT+POP3OUT: ends the session; deletions take effect. A session the module ended itself reports why. */
  logout(cb) {
    cb = later(cb);
    const c = this.mail;
    if (c.session != "pop3") {
      const lost = c.m;
      c.m = null;
      cb(lost);
    } else
      c.call("POP3OUT", "", null, function(e) {
        c.n("pop3");
        cb(e && e.code != "E_ERROR" ? e : null);
      });
    return cb.p;
  }
  /** LIST: [{n, size}] of every message. */
  list(cb) {
    return this.E(1, "size", cb);
  }
  /** UIDL: [{n, uid}] of every message. */
  uidl(cb) {
    return this.E(2, "uid", cb);
  }
  E(type, field, cb) {
    cb = later(cb);
    let text = "";
    this.B([type], function(s) {
      text += s;
    }, function(e) {
      if (e) return cb(e);
      const out = [];
      const ls = text.split("\r\n");
      for (let i = 0; i < ls.length; i++) {
        const sp = ls[i].split(" ");
        const o = { n: +sp[0] };
        o[field] = field == "size" ? +sp[1] : sp[1];
        if (sp.length > 1) out.push(o);
      }
      cb(null, out);
    });
    return cb.p;
  }
  /** TOP: the headers and the first `lines` body lines of message n, to sink in pieces; the result is the byte count. */
  top(n, lines, sink, cb) {
    cb = later(cb);
    this.B([3, n, lines], sink, cb);
    return cb.p;
  }
  /** RETR: message n, to sink in pieces of at most 1460 bytes; the result is the byte count. */
  retrieve(n, sink, cb) {
    cb = later(cb);
    this.B([4, n], sink, cb);
    return cb.p;
  }
  /** The number of the message with unique id `uid` (UIDL of all), or E_NOT_FOUND. */
  find(uid, cb) {
    cb = later(cb);
    this.uidl(function(e, list) {
      if (e) return cb(e);
      for (let i = 0; i < list.length; i++) if (list[i].uid == uid) return cb(null, list[i].n);
      cb(err("E_NOT_FOUND", "no message with uid " + uid));
    });
    return cb.p;
  }
  /**
   * AT+POP3CMD=<values> and its data read with AT+POP3READ, dot-unstuffed, to sink. While the module has no data yet
   * it reports +POP3READ: 3 when some arrives; reads that bring nothing for longer than AT+EMAILTO, three times, end
   * in E_POP3_READ_TIMEOUT.
   */
  B(values, sink, cb) {
    const c = this.mail;
    const self = this;
    const max = Math.min(1460, c.opts.chunk || 1460);
    const dec = new DotDecoder(sink, max);
    const onData = dec.write.bind(dec);
    let idle = 0;
    let more = false;
    let timer = null;
    const wake = function() {
      more = true;
      if (timer) clearTimeout(timer), timer = null, read();
    };
    const end = function(e) {
      c.at.urc("+POP3READ: 3,", wake, true);
      delete c.k;
      if (!e) dec.end();
      cb(e, e ? void 0 : dec.bytes);
    };
    const read = function() {
      more = false;
      const e0 = self.D();
      if (e0) return end(e0);
      c.g("AT+POP3READ=" + max, { counted: ["+POP3READ: 1,", "+POP3READ: 2,"], onData, finals: ["+POP3OUT:"], timeout: 2e4 }, function(e, d) {
        if (e) return end(c.session != "pop3" && c.m || e);
        if (d.final != "OK") return c.t("POP3READ", d.final, end);
        let h = "";
        for (let i = 0; i < d.lines.length; i++) if (!d.lines[i].indexOf("+POP3READ: ")) h = d.lines[i];
        const f = fields(payload(h, "+POP3READ"));
        if (f[0] == 2 || dec.done) return end(null);
        if (f[0] != 1) return end(err("E_PROTOCOL", "AT+POP3READ: unexpected answer " + JSON.stringify(d.lines.join("|"))));
        if (f[1] > 0) idle = 0;
        if (f[1] == max || more) return read();
        if (++idle > 3) return end(err("E_POP3_READ_TIMEOUT", "AT+POP3READ: no data arrived from the POP3 server"));
        timer = setTimeout(wake, (c.opts.emailTimeout || 30) * 1e3);
      });
    };
    c.at.urc("+POP3READ: 3,", wake);
    c.k = wake;
    this.x("POP3CMD", values, function(e) {
      if (e) end(e);
      else read();
    }, none);
  }
};
function none() {
}
var LOGIN = [
  function(x, next) {
    const a = x.a;
    if (!a || typeof a.host != "string") throw bad("options.pop3", "the POP3 server is not configured");
    x.c.s("POP3SRV", [a.host, a.user, a.password, a.port || 110], true);
    x.ssl = ["none", "implicit", "starttls"].indexOf(a.ssl || "none");
    if (x.ssl < 0) throw bad("options.pop3.ssl", "not 'none', 'implicit' or 'starttls'");
    x.c.u("pop3", next);
  },
  function(x, next) {
    x.taken = 1;
    x.c.m = null;
    x.c.v(x.ssl, next);
  },
  function(x, next) {
    const a = x.a;
    x.c.set("POP3SRV", [a.host, a.user, a.password, a.port || 110], function(e) {
      e ? next(e) : x.c.call("POP3IN", "", null, next);
    });
  }
];
function run(c, account, cb) {
  const x = { c, a: account || c.opts.pop3, taken: 0, ssl: 0 };
  runSteps(LOGIN, x, function(e) {
    if (e && x.taken) c.n("pop3");
    cb(e, e ? void 0 : new Mailbox(c));
  });
}
exports.DotDecoder=DotDecoder;exports.Mailbox=Mailbox;exports.run=run;
}:0;
if(o==2){if(f||require("Storage").read(n)!==undefined)Modules.removeCached(n);return}
if(o&&f&&Modules.getCached().indexOf(n)<0){Modules.addCached(n,f)}
return o?require(n):f}
// src/errors.ts
function err(code, message, extra) {
  const e = new Error(message);
  e.name = e.code = code;
  for (const k in extra) e[k] = extra[k];
  return e;
}
function bad(what, why) {
  return err("E_PARAM", what + ": " + why, { detail: what });
}

// src/at/params.ts
var WIDE = String.fromCharCode.apply(null, [256]).charCodeAt(0) == 256;
function scan(v, max, re, what) {
  if (typeof v != "string") throw bad(what, "not a string");
  if (v.length > max) throw bad(what, v.length + " characters, at most " + max);
  const m = re && re.exec(v);
  if (m) throw bad(what, JSON.stringify(m[0]) + " at " + m.index + " cannot be sent");
  return v;
}
function quote(v, maxLen, what) {
  return '"' + scan(v, maxLen, /[^\x20\x21\x23-\x7e]/, what) + '"';
}
function hex(s, utf8) {
  if (utf8 && WIDE)
    try {
      s = unescape(encodeURIComponent(s));
    } catch (e) {
      throw bad("text", "not well-formed (a lone surrogate)");
    }
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 255) throw bad("hex", "takes bytes, not text");
    out += (c < 16 ? "0" : "") + c.toString(16);
  }
  return out.toUpperCase();
}
function intParam(n, min, max, what) {
  if (typeof n != "number" || Math.floor(n) !== n || n < min || n > max) throw bad(what, n + " is not an integer in " + min + "-" + max);
  return "" + n;
}
function promptText(text, maxLen, what) {
  return scan(text, maxLen, /[^\t\r\n\x20-\x7e]/, what);
}

// src/mail/parse.ts
function payload(line, prefix) {
  if (line.indexOf(prefix)) return line;
  let s = line.substr(prefix.length);
  if (s.charAt(0) == ":") s = s.substr(1);
  return s.charAt(0) == " " ? s.substr(1) : s;
}
function fields(s) {
  const out = [];
  let i = 0;
  for (; ; ) {
    while (s.charAt(i) == " ") i++;
    const c = s.charAt(i);
    let end = s.indexOf(c == '"' ? '"' : c == "(" ? ")" : ",", i + 1);
    let v;
    if (c == '"' || c == "(") {
      if (end < 0) end = s.length;
      v = s.substring(i + 1, end);
      if (c == "(") v = v.split(/[-,]/).map(Number);
      end = s.indexOf(",", end);
    } else {
      if (c == ",") end = i;
      v = s.substring(i, end < 0 ? s.length : end).trim();
      if (/^\d+$/.test(v.charAt(0) == "-" ? v.substr(1) : v)) v = +v;
    }
    out.push(v);
    if (end < 0) return out;
    i = end + 1;
  }
}

// src/mail/client.ts
var Storage = require("Storage");
function later(cb) {
  if (cb) return cb;
  let f;
  const p = new Promise(function(res, rej) {
    f = function(e, r) {
      e ? rej(e) : res(r);
    };
  });
  f.p = p;
  return f;
}
function run(steps, x, cb) {
  cb = later(cb);
  let i = 0;
  let over = false;
  function next(e, v) {
    if (over) return;
    if (e || i == steps.length) return over = true, cb(e || null, e ? void 0 : x.res);
    try {
      steps[i++](x, next, v);
    } catch (t) {
      if (over) throw t;
      next(t);
    }
  }
  next();
  return cb.p;
}
function row(key, name) {
  const t = Storage.read("s9cmd");
  const i = name && !/^[A-Z0-9]+$/.test(name) ? -1 : t.indexOf(key);
  if (i >= 0 && i + key.length <= t.length) return t.substring(i + 1, t.indexOf("\n", i + 1)).split(" ");
  if (name) throw bad("command", "unknown: " + name);
}
function codeError(kind, n, command) {
  const w = kind == "S" ? "SMTP" : "POP3";
  const r = row("\n" + kind + n + " ") || row("\n*" + n + " ") || ["", "UNKNOWN", "unknown result code"];
  return err("E_" + w + "_" + r[1], command + ": " + r.slice(2).join(" ").replace("%", w) + " (" + n + ")", { result: n, command });
}
var Mail = class {
  constructor(serial, opts) {
    const o = this.opts = opts || {};
    if (o.cid !== void 0) intParam(o.cid, 1, 3, "cid");
    if (o.emailTimeout !== void 0) intParam(o.emailTimeout, 10, 120, "emailTimeout");
    if (o.apn !== void 0) quote(o.apn, 64, "apn");
    if (o.apnUser !== void 0) quote(o.apnUser, 32, "apnUser");
    if (o.apnPassword !== void 0) quote(o.apnPassword, 32, "apnPassword");
    const at = this.at = o.engine || $c("s9at",1).connect(serial, { rxBufferSize: o.rxBufferSize });
    this.dialect = o.dialect == "sim800" || o.dialect == "sim900" ? o.dialect : "";
    this.bearerUp = this.session = this.e = this.m = null;
    this.commands = 0;
    this.l = ((o.emailTimeout || 30) * 4 + 20) * 1e3;
    this.d = {};
    this.j = [];
    this.f = {};
    const self = this;
    at.onReset = function(l) {
      self.d = {};
      self.bearerUp = null;
      if (self.session == "pop3") self.m = err("E_RESET", "module reset (" + l + ")");
      self.n(self.session);
      if (self.k) self.k();
      self.emit("reset", l);
    };
    at.onLine = function(l) {
      self.o(l);
    };
  }
  // ---- events: 'urc' (any unsolicited line), 'reset', 'deact' (cid), 'pop3out' (code), 'smtpsend' (code)
  on(ev, fn) {
    (this.f[ev] = this.f[ev] || []).push(fn);
    return this;
  }
  off(ev, fn) {
    const l = this.f[ev] || [];
    if (l.indexOf(fn) >= 0) l.splice(l.indexOf(fn), 1);
    return this;
  }
  emit(ev, a) {
    const l = this.f[ev] || [];
    for (let i = 0; i < l.length; i++) l[i](a);
  }
  /** An unsolicited line nobody claimed. */
  o(l) {
    const n = parseInt(l.substr(l.indexOf(":") + 1), 10);
    if (!l.indexOf("+SAPBR ") && l.indexOf("DEACT") > 0) this.bearerUp = false, this.emit("deact", parseInt(l.substr(7), 10));
    if (!l.indexOf("+POP3OUT:")) {
      if (this.session == "pop3") this.m = n == 1 ? null : codeError("P", n, "POP3 session"), this.n("pop3");
      this.emit("pop3out", n);
      if (this.k) this.k();
    }
    if (!l.indexOf("+SMTPSEND:")) this.r(true), this.emit("smtpsend", n);
    this.emit("urc", l);
  }
  // ---- the generic call
  /**
   * Writes one command line (engine options in `c`, e.g. a prompt or finals) and counts it. With `key`, the line is
   * a setting: not written while the module holds exactly it (cb(null) at once), remembered once accepted.
   */
  g(line, c, cb, key) {
    const held = this.d;
    const v = key ? line.substr(line.indexOf("=") + 1) : "";
    if (key && held[key] == v) return cb(null);
    delete held[key];
    c = c || {};
    c.line = line;
    this.commands++;
    const self = this;
    this.at.send(c, function(e, d) {
      const ls = c.lines;
      for (let i = 0; ls && i < ls.length; i++) if (!ls[i].indexOf("+SAPBR ") || !ls[i].indexOf("+POP3OUT:") || !ls[i].indexOf("+SMTPSEND:")) self.o(ls[i]);
      if (key && !e) held[key] = +v + "" === v ? +v : v;
      if (e && !/E_ERROR|E_CME|E_PARAM|E_BUSY/.test(e.code)) self.d = {}, self.bearerUp = null;
      cb(e, d);
    });
  }
  /** A limit from the =? answers: field `i` of `name`; its maximum, or its minimum with min. */
  h(name, i, dflt, min) {
    const l = this.e || "";
    const at = l.indexOf("\n" + name + ":");
    const f = at >= 0 && at + name.length + 2 < l.length ? fields(l.substring(l.indexOf(":", at) + 1, l.indexOf("\n", at + 1)))[i] : null;
    const v = f && f.length ? f[min ? 0 : f.length - 1] : min ? -1 : f;
    return typeof v == "number" && v >= 0 ? v : dflt;
  }
  /**
   * "AT+NAME=v1,v2..." for the write form: each value checked and encoded as its param in the command table says,
   * against the module's =? limits (`early`, before they are known: lengths unchecked). Throws E_PARAM.
   */
  s(name, values, early) {
    const r = row("\n" + name + " ", name);
    const out = [];
    values = Array.isArray(values) ? values : [values];
    for (let i = 0; i < values.length && values[i] !== void 0; i++) {
      if (!r[i + 2]) throw bad(name, "takes " + i + " values");
      const p = r[i + 2].split(":");
      const d = p[1].substr(1).split("-");
      const what = name + " " + p[0];
      out.push(p[1].charAt(0) == "i" ? intParam(values[i], this.h(name, i, +d[0], true), this.h(name, i, +d[1]), what) : quote(values[i], early && !this.e ? 1e9 : this.h(name, i, +d[0]), what));
    }
    return "AT+" + name + (out.length ? "=" + out : "");
  }
  /**
   * The generic call for every command of the table: form '?' (read), '=?' (test), '=' (write `values`) or ''
   * (execute; a prompt command types values[0]). The answer: a read form gives an object of the params (an array
   * of them for a multi-line read); a test form its fields; a command with a final result the fields after its
   * status; others nothing. Result codes other than success are typed errors (codeError, E_POP3_NEGATIVE).
   */
  call(name, form, values, cb) {
    cb = later(cb);
    const self = this;
    try {
      const r = row("\n" + name + " ", name);
      const f = r[1];
      const c = {};
      const read = form.indexOf("?") >= 0;
      let line = "AT+" + name + form;
      if (read) {
        if (form == "?" && f.indexOf("r") < 0) throw bad(name, "has no read form");
        c.prefix = "+" + name + ":";
      } else if (form) line = this.s(name, values);
      else if (f.indexOf("p") >= 0) c.prompt = "> ", c.payload = promptText(Array.isArray(values) ? values[0] : values, this.h(name, 0, 4096), name), c.terminator = "\x1a";
      if (f.indexOf("f") >= 0 && !read) {
        c.finals = ["+" + name + ":"];
        if (f.indexOf("o") >= 0) c.finals.push("+POP3OUT:");
        if (f.split("/")[1]) c.finals.push("+" + f.split("/")[1] + ":");
        c.afterOk = true;
        c.finalTimeout = this.l;
      }
      this.g(line, c, function(e, d) {
        if (e || !d) return cb(e);
        if (c.finals) return self.t(name, d.final, cb);
        const out = [];
        for (let i = 0; i < d.lines.length; i++) {
          const text = payload(d.lines[i], c.prefix);
          const v = form == "?" && f.indexOf("x") >= 0 ? [text.charAt(0) == '"' ? text.substr(1, text.length - 2) : text] : fields(text);
          const o = {};
          for (let k = 2; k < r.length; k++) o[r[k].split(":")[0]] = v[k - 2];
          out.push(form == "=?" ? v : o);
        }
        cb(null, form == "=?" ? out[0] || [] : form != "?" ? void 0 : f.indexOf("m") >= 0 ? out : out[0] || null);
      }, form == "=" && /r/.test(f) && !/m/.test(f) ? name : void 0);
    } catch (e) {
      cb(e);
    }
    return cb.p;
  }
  /** AT+NAME? as an object of its params, e.g. get('SMTPSRV') -> {host, port}. */
  get(name, cb) {
    return this.call(name, "?", null, cb);
  }
  /** AT+NAME=values (an array, or one value), e.g. set('EMAILTO', 60). A setting the module holds is not sent again. */
  set(name, values, cb) {
    return this.call(name, "=", values, cb);
  }
  /** AT+NAME=? as its fields, e.g. test('POP3READ') -> [[1, 1460]]. */
  test(name, cb) {
    return this.call(name, "=?", null, cb);
  }
  /**
   * A final result "+NAME: <status>[,fields]" (or "+POP3OUT: <code>" instead): the fields after the status, or the
   * typed error it means.
   */
  t(name, fin, cb) {
    const f = fields(fin.substr(fin.indexOf(":") + 1));
    const n = f[0];
    const out = !fin.indexOf("+POP3OUT:") && name != "POP3OUT";
    if (out || name == "POP3OUT") this.n("pop3");
    if (out || /^SMTPSEND$|^POP3IN$|^POP3OUT$/.test(name)) return cb(n == 1 && !out ? null : codeError(out ? "P" : name.charAt(0), n, "AT+" + name));
    cb(n == 1 ? null : err("E_POP3_NEGATIVE", "AT+" + name + ": the POP3 server answered -ERR", { result: 0, command: "AT+" + name }), f.slice(1));
  }
  /**
   * The maxima and ranges of every test form the table marks (q), asked once in one line; their answer lines are
   * kept as one string (a few JsVars, not 100+). `quiet`: only ask, cb(err).
   */
  limits(cb, quiet) {
    cb = later(cb);
    const self = this;
    const done = function() {
      const lim = {};
      if (quiet) return cb();
      const ls = self.e.split("\n");
      for (let i = 0; i < ls.length; i++) if (ls[i]) lim[ls[i].substring(0, ls[i].indexOf(":"))] = fields(payload(ls[i], ls[i].split(":")[0]));
      cb(null, lim);
    };
    if (this.e != null) done();
    else {
      const names = Storage.read("s9cmd").split("\n").filter(function(r) {
        return /^[A-Z0-9]+ [a-z]*q/.test(r);
      });
      this.g("AT+" + names.map(function(r) {
        return r.split(" ")[0] + "=?";
      }).join(";+"), { prefix: "+" }, function(e, c) {
        if (e && !/E_ERROR|E_CME/.test(e.code)) return cb(e);
        self.e = "\n" + (e ? "" : c.lines.join("\n").replace(/[+ ]/g, "") + "\n");
        done();
      });
    }
    return cb.p;
  }
  /**
   * After a send the module drops server, sender, recipients, subject, body and attachment (docs/module-facts.md section 7.2), so they are
   * sent again; what it keeps (cid, timeout, charset, bearer, recipient counts) stays known.
   */
  r(unknown) {
    if (this.opts.keepsSettings && !unknown) return;
    const h = {};
    for (const k in this.d) if (KEPT.test(k)) h[k] = this.d[k];
    this.d = h;
  }
  /** Takes the module for `kind` ('smtp', 'pop3' or 'bearer'); waits or refuses while another runs. */
  u(kind, cb) {
    const self = this;
    if (this.session === null || this.session == kind) this.session = kind, cb();
    else if (this.opts.busy == "refuse") cb(err("E_BUSY", "the module is busy with " + this.session + " (SIM900: no SMTP and POP3 at once)"));
    else
      this.j.push(function() {
        self.u(kind, cb);
      });
  }
  n(kind) {
    if (this.session != kind) return;
    this.session = null;
    if (this.j.length) this.j.shift()();
  }
  /**
   * The GPRS bearer (AT+SAPBR): op 'status' -> {cid, status, state, ip}; 'open' (set-up, AT+SAPBR=1, up to 85 s;
   * nothing when open) -> {ip}; 'close' (up to 65 s); 'setup' (AT+SAPBR=3: GPRS, APN, user, password); 'params'
   * (AT+SAPBR=4) -> {CONTYPE, APN, ...}; 'save' (AT+SAPBR=5, SIM900 only). Other forms: call('SAPBR', ...).
   */
  bearer(op, cb) {
    const c = this;
    const cid = this.opts.cid || 1;
    const plan = { status: "2", setup: "30 31 32 33", save: "5", close: "0", params: "4", open: "2 ! 30 31 32 33 1 2 ?" }[op];
    const x = { i: 0 };
    const step = function(_x, next) {
      const s = plan.split(" ")[x.i++];
      if (!s) return next();
      const type = +s.charAt(0);
      const st = x.res;
      if (s == "!" || s == "?") {
        if (c.bearerUp || s == "?") x.res = { ip: st.ip };
        if (c.bearerUp && s == "!") x.i = 99;
        if (s == "!") return next();
        return next(c.bearerUp ? null : err("E_BEARER", "the GPRS bearer is " + st.state + " after AT+SAPBR=1"));
      }
      let line = "AT+SAPBR=" + type + "," + cid;
      const tag = ["CONTYPE", "APN", "USER", "PWD"][+s.charAt(1)];
      if (type == 3) {
        const v = +s.charAt(1) ? c.opts[["", "apn", "apnUser", "apnPassword"][+s.charAt(1)]] : "GPRS";
        if (v === void 0) return next();
        line += ',"' + tag + '",' + quote(v, tag == "APN" ? 64 : 32, "bearer " + tag);
      }
      c.g(line, { timeout: type == 1 ? 9e4 : type ? 5e3 : 7e4, prefix: type == 4 ? "" : type == 2 ? "+SAPBR:" : void 0 }, function(e, d) {
        if (type == 1 && e) c.bearerUp = false, e = err("E_BEARER", "the GPRS bearer could not be opened: " + e.message, { cause: e });
        if (e) return next(e);
        if (!type) c.bearerUp = false;
        if (type == 2) {
          const f = fields(payload(d.lines[0] || "", "+SAPBR"));
          c.bearerUp = f[1] == 1;
          x.res = { cid: f[0], status: f[1], state: ["connecting", "connected", "closing", "closed"][f[1]] || "unknown", ip: f[2] };
        }
        if (type == 4) {
          x.res = {};
          for (let i = 0; i < d.lines.length; i++) {
            const l = d.lines[i].replace(/^\+SAPBR: *"*([^",]+)"*,/, "$1:").replace(/"/g, "");
            if (l.indexOf("+SAPBR") && l.indexOf(":") > 0) x.res[l.split(":")[0].toUpperCase()] = l.substr(l.indexOf(":") + 1).trim();
          }
        }
        next();
      }, type == 3 ? "SAPBR" + tag : void 0);
    };
    const steps = [];
    for (let i = 0; plan && i < plan.split(" ").length; i++) steps.push(step);
    return run(plan ? steps : [function() {
      throw bad("bearer", "unknown operation " + op);
    }], x, cb);
  }
  /**
   * Everything e-mail needs before a send or a log-in: limits, profile id, server timeout, TLS (AT+EMAILSSL type
   * `ssl`), an open bearer.
   */
  v(ssl, cb) {
    const c = this;
    run([function(_x, next) {
      c.limits(next, true);
    }, function(_x, next) {
      const i = c.e.indexOf("\nEMAILSSL:");
      if (i >= 0 && i + 10 < c.e.length) return next();
      c.g("AT+EMAILSSL=?", { prefix: "+EMAILSSL:" }, function(e, d) {
        if (e && !/E_ERROR|E_CME/.test(e.code)) return next(e);
        c.e += "EMAILSSL:" + (e ? "" : payload(d.lines[0] || "", "+EMAILSSL").replace(/ /g, "")) + "\n";
        next();
      });
    }, function(_x, next) {
      const max = c.h("EMAILSSL", 0, -1);
      if (max < 0 && ssl) return next(err("E_NO_TLS", "this module has no AT+EMAILSSL: it cannot use TLS (ssl: " + ["", "implicit", "starttls"][ssl] + ")"));
      max < 0 ? next() : c.set("EMAILSSL", ssl, next);
    }, function(_x, next) {
      if (c.d.OUT) return next();
      c.g("AT+POP3OUT", { finals: ["+POP3OUT:"], afterOk: true, finalTimeout: c.l }, function(e) {
        if (e && e.code != "E_ERROR") return next(e);
        c.d.OUT = 1;
        next();
      });
    }, function(_x, next) {
      c.set("EMAILCID", c.opts.cid || 1, next);
    }, function(_x, next) {
      c.set("EMAILTO", c.opts.emailTimeout || 30, next);
    }, function(_x, next) {
      c.bearerUp ? next() : c.bearer("open", next);
    }], {}, cb);
  }
  /** Sends a mail (see smtp.ts); the result is {commands, attachmentBytes} once the module reports +SMTPSEND: 1. */
  sendMail(mail, cb) {
    return this.q("s9smtp", mail, cb);
  }
  pop3Login(account, cb) {
    if (typeof account == "function") cb = account, account = void 0;
    return this.q("s9pop3", account, cb);
  }
  /** Runs the Storage module `name`'s job (its exported run(client, arg, cb)) and drops the module afterwards. */
  q(name, arg, cb) {
    cb = later(cb);
    let m;
    try {
      m = $c(name,1);
    } catch (e) {
      return cb(err("E_UNSUPPORTED", name + " is not on this board")), cb.p;
    }
    m.run(this, arg, function(e, r) {
      try {
        $c(name,2);
      } catch (x) {
      }
      cb(e, r);
    });
    return cb.p;
  }
  /** Stops the engine: what is queued fails with E_CLOSED. */
  close() {
    this.at.close();
  }
};
var KEPT = /^EMAIL|^SMTPCS|^SAPBR|^RMAX|^OUT/;
function connect(serial, options, cb) {
  const m = new Mail(serial, options);
  const fail = cb;
  if (cb)
    m.at.resync(function(e) {
      e ? fail(e) : m.limits(function(e2) {
        e2 ? fail(e2) : cb(null, m);
      }, true);
    });
  return m;
}
exports.Mail=Mail;exports.bad=bad;exports.codeError=codeError;exports.connect=connect;exports.err=err;exports.fields=fields;exports.hex=hex;exports.later=later;exports.payload=payload;exports.promptText=promptText;exports.quote=quote;exports.run=run;exports.scan=scan;
// known by its own name too when the tools cached it under another (a URL): what it carries requires it by name
if(Modules.getCached().indexOf("s9mail")<0){global.$x=exports;Modules.addCached("s9mail","module.exports=$x");delete global.$x}
