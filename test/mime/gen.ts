// A seeded generator of real composed mails (nodemailer's MailComposer) for the MIME reader's differential tests.
import { createHash } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';

/** mulberry32: small seeded PRNG */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Expected {
  subject: string;
  text: string;
  attachments: { name: string; size: number; sha256: string; textual: boolean }[];
}

const WORDS = ['hello', 'board', 'Grüße', 'naïve', 'café', '漢字', 'Ελληνικά', 'emoji😀', 'a=b', 'x_y', '?=', '=?', 'quote"d', 'semi;colon', 'comma,', 'tab\there', 'Ünïcödé', 'мир', '€uro'];

export function sentence(r: () => number, n: number): string {
  const w: string[] = [];
  for (let i = 0; i < n; i++) w.push(WORDS[Math.floor(r() * WORDS.length)]);
  return w.join(' ');
}

function textBody(r: () => number): string {
  const lines: string[] = [];
  const n = 1 + Math.floor(r() * 30);
  for (let i = 0; i < n; i++) {
    const k = r();
    if (k < 0.1) lines.push('.' + sentence(r, 3)); // a line beginning with a dot
    else if (k < 0.15) lines.push('..');
    else if (k < 0.2) lines.push('-- not a boundary ' + sentence(r, 2));
    else if (k < 0.25) lines.push('From the start of a line');
    else if (k < 0.35) lines.push(sentence(r, 40 + Math.floor(r() * 300))); // long line
    else if (k < 0.4) lines.push('');
    else if (k < 0.45) lines.push('=' + '='.repeat(Math.floor(r() * 5)) + ' =41 =\t');
    else lines.push(sentence(r, 1 + Math.floor(r() * 12)));
  }
  return lines.join(r() < 0.5 ? '\n' : '\r\n');
}

function bytes(r: () => number, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(r() * 256);
  return b;
}

const NAMES = ['report.pdf', 'Grüße aus Köln.txt', 'данные.bin', '報告書-2024年度の最終版です.docx', 'a very long file name that goes on and on and on for more than eighty characters in total.zip', 'plain.csv', 'semi;colon.txt', 'quote"name.bin', 'noext'];

/** One composed message with what a correct reader must find in it. */
export async function composeOne(seed: number): Promise<{ raw: Buffer; expected: Expected; mail: any }> {
  const r = rng(seed);
  const subject = r() < 0.1 ? 'plain ascii subject' : sentence(r, 1 + Math.floor(r() * 25));
  const mail: any = {
    from: { name: sentence(r, 1 + Math.floor(r() * 3)), address: 'sender@example.com' },
    to: [{ name: 'Ann O\'Neil, Jr.', address: 'ann@example.net' }, 'bob@example.org'],
    subject,
    date: new Date(1700000000000 + seed * 1000),
    messageId: `<gen-${seed}@example.com>`,
  };
  if (r() < 0.4) mail.cc = [{ name: sentence(r, 2), address: 'cc@example.com' }];
  const text = textBody(r);
  mail.text = text;
  const enc = r();
  if (enc < 0.33) mail.textEncoding = 'base64';
  else if (enc < 0.66) mail.textEncoding = 'quoted-printable';
  if (r() < 0.4) mail.html = '<p>' + sentence(r, 20) + '</p>' + (r() < 0.5 ? '<img src="cid:pic@x">' : '');
  const atts: any[] = [];
  const expected: Expected = { subject, text, attachments: [] };
  const nAtt = Math.floor(r() * 4);
  for (let i = 0; i < nAtt; i++) {
    const name = NAMES[Math.floor(r() * NAMES.length)];
    const kind = r();
    let content: Buffer;
    const a: any = { filename: name };
    if (kind < 0.5) {
      content = bytes(r, Math.floor(r() * 6000));
      a.contentType = 'application/octet-stream';
    } else if (kind < 0.8) {
      content = Buffer.from(textBody(r), 'utf8');
      a.contentType = 'text/plain; charset=utf-8';
      a.contentDisposition = 'attachment';
      const e = r();
      if (e < 0.3) a.contentTransferEncoding = 'quoted-printable';
      else if (e < 0.6) a.contentTransferEncoding = 'base64';
    } else {
      content = bytes(r, 200 + Math.floor(r() * 3000));
      a.contentType = 'image/png';
      if (mail.html && r() < 0.7) a.cid = 'pic@x';
    }
    a.content = content;
    atts.push(a);
    expected.attachments.push({ name, size: content.length, sha256: createHash('sha256').update(content).digest('hex'), textual: kind >= 0.5 && kind < 0.8 });
  }
  if (r() < 0.2) {
    // a text part in Latin-1 or Windows-1252 beside the main text
    const latin = 'Ça coûte 5 € — naïve façade ' + sentence(r, 3).replace(/[^\x00-\xff]/g, '?');
    const cs = r() < 0.5 ? 'iso-8859-1' : 'windows-1252';
    mail.alternatives = [{ contentType: `text/plain; charset=${cs}`, content: cs === 'iso-8859-1' ? Buffer.from(latin.replace(/[€—]/g, '?'), 'latin1') : win1252(latin) }];
  }
  if (atts.length) mail.attachments = atts;
  const raw: Buffer = await new Promise((res, rej) => new (MailComposer as any)(mail).compile().build((e: any, b: Buffer) => (e ? rej(e) : res(b))));
  return { raw, expected, mail };
}

function win1252(s: string): Buffer {
  const out: number[] = [];
  for (const ch of s) {
    if (ch === '€') out.push(0x80);
    else if (ch === '—') out.push(0x97);
    else out.push(ch.charCodeAt(0) < 256 ? ch.charCodeAt(0) : 63);
  }
  return Buffer.from(out);
}
