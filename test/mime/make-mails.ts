// `node --import tsx test/mime/make-mails.ts`: writes the hand-made test mails of test/mime/mails/ (and its INDEX.tsv)
// deterministically; test/mime/own.test.ts checks that the folder holds exactly what this script writes.
//
// Each mail is a realistic message as a mailer sends it (CRLF line ends), made to find where the board's reader and
// mailparser disagree: legacy single-byte charsets (body, RFC 2047 subject and display name, RFC 2231 file names),
// multi-byte charsets, RFC 3676 format=flowed, repeated address fields, raw 8-bit header bytes, multipart/digest and
// broken boundaries. Legacy charsets are encoded with iconv-lite (every text is checked to survive the round trip,
// so no character silently becomes '?'); ISO-2022-JP, which iconv-lite lacks, is made from its EUC-JP form.
import { existsSync, mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as iconv from 'iconv-lite';

export const MAILS_DIR = join(__dirname, 'mails');

export type Kind = 'legacy' | 'legacy-2231' | 'multibyte' | 'flowed' | 'addresses' | 'raw8bit' | 'digest' | 'boundary';

export interface Mail {
  file: string;
  kind: Kind;
  /** the case, as INDEX.tsv names it */
  case: string;
  /** what the mail checks (INDEX.tsv) */
  checks: string;
  /** the charset label the mail uses for its text (legacy, multibyte) */
  charset?: string;
  /** the attachment names a correct reader gives (legacy-2231, raw8bit) */
  names?: string[];
  raw: Buffer;
  /** what the sender wrote (legacy, multibyte): the subject, the From display name, the text (lines joined by "\n") */
  written?: { subject: string; name: string; text: string };
  /**
   * Where mailparser misreads the mail itself (raw windows-1252 header bytes become U+FFFD; a digest part of the
   * default type is read as text/plain; a multipart without boundary gives no text at all): the same message
   * written the well-formed way (RFC 2047/2231 words, explicit message/rfc822, text/plain as RFC 2045 5.2 says),
   * whose mailparser reading is what the reader should give. Not written to the folder.
   */
  wellFormed?: Buffer;
  /** why wellFormed is the reference (for the test's messages) */
  wellFormedWhy?: string;
}

const CRLF = '\r\n';

// ---------------------------------------------------------------------------------------------------------------
// Encoding helpers. Messages are built as binary strings (one char per byte) and written as latin1.

/** The bytes of s in a charset, checked to decode back to s. */
export function encode(cs: string, s: string): Buffer {
  const b = cs.toLowerCase() === 'iso-2022-jp' ? encodeIso2022jp(s) : iconv.encode(s, cs);
  const back = cs.toLowerCase() === 'iso-2022-jp' ? decodeIso2022jp(b) : iconv.decode(b, cs);
  if (back !== s) throw new Error(`${cs} cannot hold ${JSON.stringify(s)} (comes back as ${JSON.stringify(back)})`);
  return b;
}

/** ISO-2022-JP (RFC 1468): JIS X 0208 in 7 bits between ESC $ B and ESC ( B, made from the EUC-JP bytes. */
export function encodeIso2022jp(s: string): Buffer {
  const euc = iconv.encode(s, 'euc-jp');
  const out: number[] = [];
  let jis = false;
  for (let i = 0; i < euc.length; i++) {
    const c = euc[i];
    if (c < 0x80) {
      if (jis) out.push(0x1b, 0x28, 0x42);
      jis = false;
      out.push(c);
    } else if (c >= 0xa1 && c <= 0xfe && euc[i + 1] >= 0xa1 && euc[i + 1] <= 0xfe) {
      if (!jis) out.push(0x1b, 0x24, 0x42);
      jis = true;
      out.push(c & 0x7f, euc[++i] & 0x7f);
    } else throw new Error(`ISO-2022-JP cannot hold ${JSON.stringify(s)} (half-width kana or JIS X 0212)`);
  }
  if (jis) out.push(0x1b, 0x28, 0x42);
  return Buffer.from(out);
}

/** The reverse of encodeIso2022jp (ESC $ B / ESC $ @ and ESC ( B / ESC ( J), decoded through EUC-JP by iconv-lite. */
export function decodeIso2022jp(b: Buffer): string {
  const euc: number[] = [];
  let jis = false;
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c === 0x1b && b[i + 1] === 0x24 && (b[i + 2] === 0x42 || b[i + 2] === 0x40)) {
      jis = true;
      i += 2;
    } else if (c === 0x1b && b[i + 1] === 0x28 && (b[i + 2] === 0x42 || b[i + 2] === 0x4a)) {
      jis = false;
      i += 2;
    } else if (jis && c > 0x20 && c < 0x7f && i + 1 < b.length) euc.push(c | 0x80, b[++i] | 0x80);
    else euc.push(c);
  }
  return iconv.decode(Buffer.from(euc), 'euc-jp');
}

/** Decodes bytes in a charset on the host (iconv-lite, and ISO-2022-JP through EUC-JP). */
export function decodeOnHost(b: Buffer, cs: string): string {
  return cs.toLowerCase() === 'iso-2022-jp' ? decodeIso2022jp(b) : iconv.decode(b, cs);
}

const bin = (b: Buffer) => b.toString('latin1');

/** A binary string with line ends made CRLF. */
const crlf = (s: string) => s.replace(/\r?\n/g, CRLF);

/** Base64 in lines of 76 characters, each ended by CRLF. */
function base64Body(b: Buffer): string {
  const s = b.toString('base64');
  let out = '';
  for (let i = 0; i < s.length; i += 76) out += s.slice(i, i + 76) + CRLF;
  return out;
}

/**
 * Quoted-printable (RFC 2045 6.7) of bytes whose lines end in CRLF: '=', control bytes and bytes above 126 are
 * escaped, and so is white space at a line end; lines longer than 76 get soft breaks, never inside an escape.
 */
function qpBody(b: Buffer): string {
  const lines = bin(b).split(CRLF);
  const out: string[] = [];
  for (const line of lines) {
    const tokens: string[] = [];
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i);
      const last = i === line.length - 1;
      if ((c >= 33 && c <= 126 && c !== 61) || ((c === 32 || c === 9) && !last)) tokens.push(line[i]);
      else tokens.push('=' + c.toString(16).toUpperCase().padStart(2, '0'));
    }
    let cur = '';
    for (const t of tokens) {
      if (cur.length + t.length > 75) {
        out.push(cur + '=');
        cur = '';
      }
      cur += t;
    }
    out.push(cur);
  }
  return out.join(CRLF);
}

/** Q encoding of bytes for an encoded word (RFC 2047 4.2): letters, digits and !*+-/ stay, space is '_'. */
function qWord(b: Buffer): string {
  let s = '';
  for (const c of b) {
    if (c === 32) s += '_';
    else if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || '!*+-/'.includes(String.fromCharCode(c))) s += String.fromCharCode(c);
    else s += '=' + c.toString(16).toUpperCase().padStart(2, '0');
  }
  return s;
}

/**
 * RFC 2047 encoded words for a text: as many words of at most 75 characters as needed, each holding whole
 * characters (a multi-byte character is never split between two words), folded onto continuation lines.
 */
function words(cs: string, text: string, enc: 'B' | 'Q'): string {
  // characters, a combining mark kept with the letter before it
  const chars = text.match(/\P{M}\p{M}*/gu) || [];
  const out: string[] = [];
  let i = 0;
  while (i < chars.length) {
    let n = 1;
    let best = '';
    for (; i + n <= chars.length; n++) {
      const b = encode(cs, chars.slice(i, i + n).join(''));
      const w = `=?${cs}?${enc}?${enc === 'B' ? b.toString('base64') : qWord(b)}?=`;
      if (w.length > 75 && best) break;
      best = w;
    }
    out.push(best);
    i += n - 1;
  }
  return out.join(CRLF + ' ');
}

/** Header lines (name, value) joined with CRLF, and the blank line after them. */
function head(fields: [string, string][]): string {
  return fields.map(([k, v]) => `${k}: ${v}`).join(CRLF) + CRLF + CRLF;
}

/** A multipart body: each part (its headers and body, as written) after a delimiter, then the close delimiter. */
function multipart(boundary: string, parts: string[], preamble = 'This is a multi-part message in MIME format.', close = true): string {
  let s = preamble ? preamble + CRLF : '';
  for (const p of parts) s += `--${boundary}${CRLF}${p}${p.endsWith(CRLF) ? '' : CRLF}`;
  if (close) s += `--${boundary}--${CRLF}`;
  return s;
}

/** The common top fields of a message. */
function top(o: { from: string; to: string; subject: string; date: string; id: string; mailer?: [string, string]; more?: [string, string][] }): [string, string][] {
  const f: [string, string][] = [
    ['From', o.from],
    ['To', o.to],
    ['Subject', o.subject],
    ['Date', o.date],
    ['Message-ID', `<${o.id}>`],
  ];
  if (o.mailer) f.push(o.mailer);
  return f.concat(o.more || [], [['MIME-Version', '1.0']]);
}

// ---------------------------------------------------------------------------------------------------------------
// 1. Legacy single-byte charsets

interface Legacy {
  cs: string;
  name: string;
  address: string;
  subject: string;
  body: string[];
}

/** Vietnamese in windows-1258: a precomposed letter the table lacks becomes its base letter and a combining mark. */
function cp1258(s: string): string {
  const fits = (t: string) => iconv.decode(iconv.encode(t, 'windows-1258'), 'windows-1258') === t;
  let out = '';
  for (const ch of s) {
    if (fits(ch)) {
      out += ch;
      continue;
    }
    // base letter and marks; one mark may compose with the base into a letter of the table (ô, ơ, ư, ă, ...)
    const [base, ...marks] = Array.from(ch.normalize('NFD'));
    let done = '';
    for (let j = 0; j < marks.length && !done; j++) {
      const letter = (base + marks[j]).normalize('NFC');
      const rest = marks.filter((_, k) => k !== j).join('');
      if (letter.length === 1 && fits(letter + rest)) done = letter + rest;
    }
    if (!done && fits(base + marks.join(''))) done = base + marks.join('');
    if (!done) throw new Error(`windows-1258 cannot hold ${ch}`);
    out += done;
  }
  return out;
}

const LEGACY: Legacy[] = [
  {
    cs: 'koi8-r',
    name: 'Иван Петров',
    address: 'ivan.petrov@example.ru',
    subject: 'Отчёт за март: всё готово',
    body: ['Здравствуйте, Ольга!', '', 'Съешь же ещё этих мягких французских булок, да выпей чаю. ЭХ, ЧУЖАК! ОБЩИЙ СЪЁМ ЦЕН ШЛЯП (ЮФТЬ), ВДРЫЗГ!', 'Температура: 25°, погрешность ≤ 0,5°; итог ≈ 3 ÷ 4.', '', 'С уважением,', 'Иван'],
  },
  {
    cs: 'koi8-u',
    name: 'Олександр Коваленко',
    address: 'o.kovalenko@example.ua',
    subject: 'Звіт: ґанок і їжак',
    body: ['Добрий день, Тарасе!', '', 'Чуєш їх, доцю, га? Кумедна ж ти, прощайся без ґольфів!', 'Літери: Ґ Є І Ї ґ є і ї.', '', 'З повагою,', 'Олександр'],
  },
  {
    cs: 'windows-1250',
    name: 'Jiří Dvořák',
    address: 'jiri.dvorak@example.cz',
    subject: 'Žádost o schůzku – příští úterý',
    body: ['Dobrý den, paní Nováková,', '', 'Příliš žluťoučký kůň úpěl ďábelské ódy. Zażółć gęślą jaźń. Árvíztűrő tükörfúrógép.', '„Cena“ … 100 € ‰ – hotovo.', '', 'S pozdravem', 'Jiří Dvořák'],
  },
  {
    cs: 'windows-1251',
    name: 'Мария Иванова',
    address: 'maria@example.ru',
    subject: 'Счёт №17 от «Ромашки»',
    body: ['Добрый день!', '', 'Съешь же ещё этих мягких французских булок, да выпей чаю.', 'Ђорђе Љубић из Ниша — €25 … «готово» ™', '', 'Мария'],
  },
  {
    cs: 'windows-1252',
    name: 'Jérôme Lefèvre',
    address: 'jerome.lefevre@example.fr',
    subject: 'Réunion – ordre du jour « final »',
    body: ['Bonjour Anaïs,', '', 'Voix ambiguë d’un cœur qui au zéphyr préfère les jattes de kiwis.', 'Œuvre “complète” — 5 € … ‰ Ÿ • Grüße ½', '', 'Jérôme'],
  },
  {
    cs: 'windows-1253',
    name: 'Γιώργος Παπαδόπουλος',
    address: 'giorgos@example.gr',
    subject: 'Συνάντηση την Τρίτη – ώρα 10:00',
    body: ['Γεια σου Ελένη,', '', 'Ξεσκεπάζω την ψυχοφθόρα βδελυγμία.', 'Άλλη μια γραμμή: Ώρα, Έτος, Ήλιος, ΐ ΰ — 5 € …', '', 'Γιώργος'],
  },
  {
    cs: 'windows-1254',
    name: 'Ayşe Yılmaz',
    address: 'ayse.yilmaz@example.com.tr',
    subject: 'Toplantı ertelendi – Çarşamba',
    body: ['Merhaba Mehmet,', '', 'Pijamalı hasta yağız şoföre çabucak güvendi.', 'İstanbul’da ĞŞİ ğşı — 5 € …', '', 'Ayşe'],
  },
  {
    cs: 'windows-1255',
    name: 'דוד כהן',
    address: 'david@example.co.il',
    subject: 'פגישה ביום שלישי',
    body: ['שלום רב,', '', 'עטלף אבק נס דרך מזגן שהתפוצץ כי חם.', 'מחיר: 50 ₪ – בְּרֵאשִׁית', '', 'דוד'],
  },
  {
    cs: 'windows-1256',
    name: 'محمد أحمد',
    address: 'mohammed@example.sa',
    subject: 'اجتماع يوم الثلاثاء',
    body: ['مرحبا،', '', 'صِف خَلقَ خَودِ كَمِثلِ الشَمسِ إِذ بَزَغَت', 'پ چ ژ گ – هل وصلك التقرير؟', '', 'محمد'],
  },
  {
    cs: 'windows-1257',
    name: 'Rūta Kazlauskienė',
    address: 'ruta@example.lt',
    subject: 'Susitikimas ketvirtadienį – „svarbu“',
    body: ['Laba diena,', '', 'Įlinkdama fechtuotojo špaga sublykčiojusi pragręžė apvalų arbūzą.', 'Glāžšķūņa rūķīši dzērumā čiepj Baha koncertflīģeļu vākus. 5 €', '', 'Rūta'],
  },
  {
    cs: 'windows-1258',
    name: cp1258('Nguyễn Văn An'),
    address: 'an.nguyen@example.vn',
    subject: cp1258('Cuộc họp ngày thứ Ba'),
    body: [cp1258('Xin chào chị Lan,'), '', cp1258('Tôi có thể ăn thủy tinh mà không hại gì.'), cp1258('Giá: 50.000 ₫ – Đà Nẵng'), '', 'An'],
  },
  {
    cs: 'iso-8859-2',
    name: 'Paweł Wójcik',
    address: 'pawel.wojcik@example.pl',
    subject: 'Zażółć gęślą jaźń',
    body: ['Dzień dobry,', '', 'Zażółć gęślą jaźń. Pchnąć w tę łódź jeża lub ośm skrzyń fig. Příliš žluťoučký kůň úpěl ďábelské ódy. Árvíztűrő tükörfúrógép.', 'ˇ˘˙˝ ¤ § ×÷', '', 'Paweł'],
  },
  {
    cs: 'iso-8859-3',
    name: 'Ġużeppi Borġ',
    address: 'guzeppi@example.mt',
    subject: 'Laqgħa nhar it-Tlieta',
    body: ['Għażiż Pawlu,', '', "Ħaġar Qim u l-Imnajdra f'Għawdex, żebbuġ u ċirasa.", 'Eĥoŝanĝo ĉiuĵaŭde. Ĉu vi ŝatas ĝin? Ĥ Ĵ Ŝ Ŭ', '', 'Ġużeppi'],
  },
  {
    cs: 'iso-8859-4',
    name: 'Jānis Bērziņš',
    address: 'janis@example.lv',
    subject: 'Sanāksme otrdienā',
    body: ['Labdien,', '', 'Glāžšķūņa rūķīši dzērumā čiepj Baha koncertflīģeļu vākus.', 'Lietuviškai: ąčęėįšųūž; ĸ ŧ ŗ ĩ ũ', '', 'Jānis'],
  },
  {
    cs: 'iso-8859-5',
    name: 'Јован Јовановић',
    address: 'jovan@example.rs',
    subject: 'Састанак у уторак',
    body: ['Поштовани,', '', 'Фијуче ветар у шибљу, леди пасаже и куће иза њих и гунђа у оџацима.', 'Съешь же ещё этих мягких французских булок. № 5 §', '', 'Јован'],
  },
  {
    cs: 'iso-8859-6',
    name: 'فاطمة علي',
    address: 'fatima@example.eg',
    subject: 'تقرير الشهر',
    body: ['مرحبا،', '', 'نص حكيم له سر قاطع وذو شأن عظيم مكتوب على ثوب أخضر ومغلف بجلد أزرق.', 'هل وصلك التقرير؟ شُكْرًا', '', 'فاطمة'],
  },
  {
    cs: 'iso-8859-7',
    name: 'Ελένη Παπαδάκη',
    address: 'eleni@example.gr',
    subject: 'Αναφορά Μαρτίου',
    body: ['Καλημέρα,', '', 'Ταχίστη αλώπηξ βαφής ψημένη γη, δρασκελίζει υπέρ νωθρού κυνός.', '‘Ξεσκεπάζω’ την ψυχοφθόρα βδελυγμία· ΐ ΰ ΅ ― «τέλος»', '', 'Ελένη'],
  },
  {
    cs: 'iso-8859-8',
    name: 'שרה לוי',
    address: 'sara@example.co.il',
    subject: 'דוח חודשי',
    body: ['שלום,', '', 'עטלף אבק נס דרך מזגן שהתפוצץ כי חם.', 'מחיר × 2 ÷ 4 ‗', '', 'שרה'],
  },
  {
    cs: 'iso-8859-9',
    name: 'Mehmet Öztürk',
    address: 'mehmet@example.com.tr',
    subject: 'Fatura ödemesi: Şubat',
    body: ['Merhaba Ayşe,', '', 'Pijamalı hasta yağız şoföre çabucak güvendi.', 'İĞŞ ığş ÇÖÜ çöü', '', 'Mehmet'],
  },
  {
    cs: 'iso-8859-10',
    name: 'Þórður Guðmundsson',
    address: 'thordur@example.is',
    subject: 'Fundur á þriðjudag',
    body: ['Góðan dag,', '', 'Kæmi ný öxi hér, ykist þjófum nú bæði víl og ádrepa.', 'Sámegiella: Ŋ ŋ Ŧ ŧ Đ đ Č č Š š Ž ž ĸ', '', 'Þórður'],
  },
  {
    cs: 'iso-8859-11',
    name: 'สมชาย ใจดี',
    address: 'somchai@example.co.th',
    subject: 'รายงานประจำเดือน',
    body: ['สวัสดีครับ', '', 'เป็นมนุษย์สุดประเสริฐเลิศคุณค่า กว่าบรรดาฝูงสัตว์เดรัจฉาน', 'ตัวเลข ๑๒๓ ฿', '', 'สมชาย'],
  },
  {
    cs: 'iso-8859-13',
    name: 'Rūta Kazlauskienė',
    address: 'ruta@example.lt',
    subject: 'Susitikimas ketvirtadienį',
    body: ['Laba diena,', '', 'Įlinkdama fechtuotojo špaga sublykčiojusi pragręžė apvalų arbūzą.', '„Glāžšķūņa rūķīši“ ’ ¢ Æ Ø', '', 'Rūta'],
  },
  {
    cs: 'iso-8859-14',
    name: 'Siôn Llŷr',
    address: 'sion@example.cymru',
    subject: 'Cyfarfod dydd Mawrth',
    body: ['Helo Gwen,', '', 'Parciais fy jac codi baw hud llawn dŵr ger tŷ Mabon.', 'Ŵŵ Ŷŷ ẁẃẅ ỳ ḃ ċ ḋ ḟ ġ ṁ ṗ ṡ ṫ', '', 'Siôn'],
  },
  {
    cs: 'iso-8859-15',
    name: 'Élodie Mäkinen',
    address: 'elodie@example.fi',
    subject: 'Facture n° 12 : 50 €',
    body: ['Bonjour,', '', 'Voix ambiguë d\'un cœur qui au zéphyr préfère les jattes de kiwis.', 'Š š Ž ž Œ œ Ÿ €, Hyvää päivää!', '', 'Élodie'],
  },
  {
    cs: 'iso-8859-16',
    name: 'Ștefan Popescu',
    address: 'stefan@example.ro',
    subject: 'Ședință marți',
    body: ['Bună ziua,', '', 'Fumegând hipnotic sașiul azvârle mreaja în bălți.', '„Înțelegi?” 5 € Șț', '', 'Ștefan'],
  },
];

const DATES = ['Mon, 4 Mar 2024 09:12:44 +0100', 'Tue, 5 Mar 2024 14:03:10 +0200', 'Wed, 6 Mar 2024 08:30:00 +0300', 'Thu, 7 Mar 2024 17:45:21 -0500'];
const MAILERS: [string, string][] = [
  ['X-Mailer', 'The Bat! (v9.1.18) Professional'],
  ['User-Agent', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:115.0) Gecko/20100101 Thunderbird/115.9.0'],
  ['X-Mailer', 'Microsoft Outlook 16.0'],
  ['User-Agent', 'Mutt/2.2.12 (2023-09-09)'],
];

function legacyMail(l: Legacy, i: number): Mail {
  const ctes = ['quoted-printable', '8bit', 'base64'];
  const cte = ctes[i % 3];
  const body = encode(l.cs, l.body.join(CRLF) + CRLF);
  const text = cte === 'base64' ? base64Body(body) : cte === 'quoted-printable' ? qpBody(body) : bin(body);
  const enc = i % 2 ? 'Q' : 'B';
  const raw =
    head([
      ...top({
        from: `${words(l.cs, l.name, enc)} <${l.address}>`,
        to: 'Anna Berg <anna.berg@example.org>',
        subject: words(l.cs, l.subject, i % 4 < 2 ? 'B' : 'Q'),
        date: DATES[i % 4],
        id: `legacy-${i}.${l.cs}@example.org`,
        mailer: MAILERS[i % 4],
      }),
      ['Content-Type', `text/plain; charset=${i % 5 === 0 ? `"${l.cs}"` : l.cs}`],
      ['Content-Transfer-Encoding', cte],
    ]) + text;
  return {
    file: `legacy-${l.cs}.eml`,
    kind: 'legacy',
    case: `1 legacy charset ${l.cs}`,
    checks: `text/plain in ${l.cs} (${cte}) with high-half characters; RFC 2047 ${enc === 'B' ? 'B' : 'Q'} display name and ${i % 4 < 2 ? 'B' : 'Q'} subject in ${l.cs}`,
    charset: l.cs,
    raw: Buffer.from(raw, 'latin1'),
    written: { subject: l.subject, name: l.name, text: l.body.join('\n') },
  };
}

function rfc2231Mail(): Mail {
  const koi = 'Отчёт о продажах за сентябрь 2023 года (итоговый).txt';
  const pl = 'Sprawozdanie, żółw i źdźbło.pdf';
  // filename*0*=koi8-r''..., filename*1*=... as long names are written (pieces of at most ~60 escaped bytes)
  const pct = (b: Buffer) => Array.from(b).map((c) => (c < 0x80 && /[A-Za-z0-9._-]/.test(String.fromCharCode(c)) ? String.fromCharCode(c) : '%' + c.toString(16).toUpperCase().padStart(2, '0'))).join('');
  const koiPct = pct(encode('koi8-r', koi));
  const pieces: string[] = [];
  for (let p = 0; p < koiPct.length; ) {
    let n = Math.min(60, koiPct.length - p);
    // never cut a %XX escape
    while (koiPct[p + n - 1] === '%' || koiPct[p + n - 2] === '%') n--;
    pieces.push(koiPct.slice(p, p + n));
    p += n;
  }
  const koiParams = pieces.map((v, k) => ` filename*${k}*=${k ? '' : "koi8-r''"}${v}`).join(';' + CRLF);
  const plPct = pct(encode('iso-8859-2', pl));
  const content = encode('koi8-r', 'Итого: 1 234 567 руб.\r\nПлан выполнен на 105%.\r\n');
  const pdf = Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n', 'latin1');
  const raw =
    head([
      ...top({
        from: `${words('koi8-r', 'Иван Петров', 'B')} <ivan.petrov@example.ru>`,
        to: 'Anna Berg <anna.berg@example.org>',
        subject: words('koi8-r', 'Отчёты во вложении', 'B'),
        date: 'Fri, 6 Oct 2023 11:20:05 +0300',
        id: 'rfc2231-names.1@example.ru',
        mailer: MAILERS[1],
      }),
      ['Content-Type', 'multipart/mixed;' + CRLF + ' boundary="------------q8Rz0XyLk3Wm2Vb7Tn4Pd1Fh"'],
    ]) +
    multipart('------------q8Rz0XyLk3Wm2Vb7Tn4Pd1Fh', [
      head([
        ['Content-Type', 'text/plain; charset=UTF-8; format=fixed'],
        ['Content-Transfer-Encoding', '7bit'],
      ]) + 'Two reports are attached: one with a KOI8-R name, one with an ISO-8859-2 name.' + CRLF,
      head([
        ['Content-Type', 'text/plain; charset=KOI8-R;' + CRLF + ` name="${words('koi8-r', koi, 'B').replace(/\r\n /g, ' ')}"`],
        ['Content-Disposition', 'attachment;' + CRLF + koiParams],
        ['Content-Transfer-Encoding', 'base64'],
      ]) + base64Body(content),
      head([
        ['Content-Type', `application/pdf; name*=iso-8859-2''${plPct}`],
        ['Content-Disposition', `attachment; filename*=iso-8859-2''${plPct}`],
        ['Content-Transfer-Encoding', 'base64'],
      ]) + base64Body(pdf),
    ]);
  return {
    file: 'legacy-rfc2231-names.eml',
    kind: 'legacy-2231',
    case: '1 legacy charset RFC 2231 file names',
    checks: 'attachment names in RFC 2231 form: koi8-r in continued pieces (filename*0*, filename*1*, ...) and iso-8859-2 in one piece; KOI8-R B subject and display name',
    charset: 'koi8-r',
    names: [koi, pl],
    raw: Buffer.from(raw, 'latin1'),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// 2. Multi-byte charsets

interface Multi {
  cs: string;
  file: string;
  name: string;
  address: string;
  subject: string;
  body: string[];
  cte: '8bit' | '7bit' | 'base64' | 'quoted-printable';
  mailer: [string, string];
  html?: boolean;
}

const MULTI: Multi[] = [
  {
    cs: 'gb2312',
    file: 'multibyte-gb2312.eml',
    name: '张伟',
    address: 'zhang.wei@example.cn',
    subject: '关于下周会议的安排',
    body: ['李经理：', '', '您好！关于下周三的项目会议，请各部门提前准备好季度报告。', '会议地点：三楼会议室。时间：上午十点。', '', '谢谢！', '张伟'],
    cte: 'base64',
    mailer: ['X-Mailer', 'Foxmail 7.2.25.228[cn]'],
  },
  {
    cs: 'GBK',
    file: 'multibyte-gbk.eml',
    name: '王喆',
    address: 'wang.zhe@example.cn',
    subject: '关于镕钢项目的报告（喆）',
    body: ['各位同事：', '', '镕钢项目的第一阶段已经完成，珺、玥和喆负责的部分都已提交。', '请在周五之前确认。', '', '王喆'],
    cte: '8bit',
    mailer: ['X-Mailer', 'Coremail Webmail Server Version XT5.0.13'],
  },
  {
    cs: 'big5',
    file: 'multibyte-big5.eml',
    name: '陳大文',
    address: 'chan.taiman@example.com.tw',
    subject: '下週會議通知：許功蓋',
    body: ['各位同仁：', '', '下週三上午十點在三樓會議室舉行季度檢討會議，請準時出席。', '許功蓋、餐廳、珮、髏 — 這些字在 Big5 裡有反斜線位元組。', '', '陳大文'],
    cte: 'quoted-printable',
    mailer: ['X-Mailer', 'Microsoft Outlook Express 6.00.2900.5931'],
  },
  {
    cs: 'Shift_JIS',
    file: 'multibyte-shift_jis.eml',
    name: '山田太郎',
    address: 'yamada@example.jp',
    subject: '表示ソフトの件について',
    body: ['鈴木様', '', 'いつもお世話になっております。', '表示ソフトの機能について、十月の予定表をお送りします。', '能力・申請・ソース・ポイント', '', '山田'],
    cte: '8bit',
    mailer: ['X-Mailer', 'Becky! ver. 2.75.01'],
  },
  {
    cs: 'euc-kr',
    file: 'multibyte-euc-kr.eml',
    name: '김민수',
    address: 'minsu.kim@example.kr',
    subject: '다음 주 회의 안내',
    body: ['안녕하세요,', '', '다음 주 화요일 오전 10시에 회의가 있습니다.', '키스의 고유조건은 입술끼리 만나야 하고 특별한 기술은 필요치 않다.', '', '김민수 드림'],
    cte: 'base64',
    mailer: ['X-Mailer', 'Daum Web Mailer 1.1'],
  },
  {
    cs: 'ks_c_5601-1987',
    file: 'multibyte-ks_c_5601-1987.eml',
    name: '이영희',
    address: 'younghee.lee@example.kr',
    subject: '견적서 송부의 건 (똠방각하)',
    body: ['안녕하십니까,', '', '요청하신 견적서를 보내 드립니다. 똠방각하 님께도 전달 부탁드립니다.', '감사합니다.', '', '이영희'],
    cte: 'base64',
    mailer: ['X-Mailer', 'Microsoft Outlook 16.0'],
    html: true,
  },
  {
    cs: 'ISO-2022-JP',
    file: 'multibyte-iso-2022-jp.eml',
    name: '鈴木花子',
    address: 'hanako.suzuki@example.jp',
    subject: '会議の議事録について（第３回）',
    body: ['山田様', '', 'お疲れ様です。鈴木です。', '第３回会議の議事録を添付せずに本文に記載します。', '・予算は承認されました。', '・次回は十一月五日です。', '', '鈴木花子'],
    cte: '7bit',
    mailer: ['X-Mailer', 'Sylpheed 3.7.0 (GTK+ 2.24.33; x86_64-pc-linux-gnu)'],
  },
];

function multiMail(m: Multi, i: number): Mail {
  const textBytes = encode(m.cs, m.body.join(CRLF) + CRLF);
  const bodyOf = (b: Buffer) => (m.cte === 'base64' ? base64Body(b) : m.cte === 'quoted-printable' ? qpBody(b) : bin(b));
  const fields = top({
    from: `${words(m.cs, m.name, 'B')} <${m.address}>`,
    to: `${words(m.cs, m.cs === 'ISO-2022-JP' ? '山田太郎' : m.name, 'B')} <recipient@example.org>`,
    subject: words(m.cs, m.subject, 'B'),
    date: DATES[i % 4],
    id: `multibyte-${i}.${m.cs.toLowerCase()}@example.org`,
    mailer: m.mailer,
  });
  let raw: string;
  if (m.html) {
    const html = encode(m.cs, `<html><head><meta http-equiv="Content-Type" content="text/html; charset=${m.cs}"></head><body><p>${m.body.filter(Boolean).join('<br>')}</p></body></html>` + CRLF);
    raw =
      head([...fields, ['Content-Type', 'multipart/alternative;' + CRLF + '\tboundary="----=_NextPart_000_0011_01DA7E3B.5C2E8F10"']]) +
      multipart('----=_NextPart_000_0011_01DA7E3B.5C2E8F10', [
        head([
          ['Content-Type', `text/plain;${CRLF}\tcharset="${m.cs}"`],
          ['Content-Transfer-Encoding', m.cte],
        ]) + bodyOf(textBytes),
        head([
          ['Content-Type', `text/html;${CRLF}\tcharset="${m.cs}"`],
          ['Content-Transfer-Encoding', m.cte],
        ]) + bodyOf(html),
      ]);
  } else raw = head([...fields, ['Content-Type', `text/plain; charset=${m.cs}`], ['Content-Transfer-Encoding', m.cte]]) + bodyOf(textBytes);
  return {
    file: m.file,
    kind: 'multibyte',
    case: `2 multi-byte charset ${m.cs}`,
    checks: `text/plain${m.html ? ' (and text/html in multipart/alternative)' : ''} in ${m.cs} (${m.cte}), RFC 2047 B subject and display name: flag charset-raw:${m.cs.toLowerCase()}, raw bytes that decode on the host to mailparser's text`,
    charset: m.cs,
    raw: Buffer.from(raw, 'latin1'),
    written: { subject: m.subject, name: m.name, text: m.body.join('\n') },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// 3. RFC 3676 format=flowed

function flowedMails(): Mail[] {
  const out: Mail[] = [];
  // Thunderbird: delsp=no, 8bit UTF-8. Soft breaks (a line ending in a space), hard breaks, space-stuffed lines
  // (" From", " >"), a quoted block with two depths, the signature separator "-- ".
  const tb = [
    'Hi Anna,',
    '',
    'Thanks for the notes from yesterday\'s meeting. I went through all of the ',
    'points and I think we agree on most of them, except the budget for the ',
    'second quarter, which still looks too small to me.',
    ' From what I remember, the numbers were different in the first draft.',
    ' >This line starts with a quote mark but is not a quote.',
    'A line that flows on into a stuffed one: the text goes on ',
    ' From here to the end of the paragraph.',
    'A paragraph whose last line ends in a space ',
    '',
    'and a new paragraph after the blank line.',
    'Here is a hard break after this line.',
    'And this line follows it directly.',
    '',
    'On 03.04.2024 10:15, Anna Berg wrote:',
    '> Could you send me the final figures before Friday? I need them for the ',
    '> board meeting on Monday morning.',
    '>> Older quoted text that was wrapped by the mail client at seventy-two ',
    '>> characters per line, and then quoted once more.',
    '>',
    '> Anna',
    '',
    '-- ',
    'Boris Müller',
    'Grüße aus Köln ',
    'und Umgebung',
  ];
  out.push({
    file: 'flowed-delsp-no.eml',
    kind: 'flowed',
    case: '3 format=flowed delsp=no',
    checks: 'soft breaks joined (space kept), hard breaks kept, space-stuffing removed (" From", " >"), quoted lines joined per depth, "-- " signature separator never joined',
    raw: Buffer.from(
      head([
        ...top({ from: 'Boris =?UTF-8?Q?M=C3=BCller?= <boris@example.de>', to: 'Anna Berg <anna.berg@example.org>', subject: 'Re: Budget Q2', date: 'Thu, 4 Apr 2024 08:02:17 +0200', id: 'flowed-1.tb@example.de', mailer: MAILERS[1], more: [['In-Reply-To', '<budget-q2@example.org>']] }),
        ['Content-Type', 'text/plain; charset=UTF-8; format=flowed'],
        ['Content-Transfer-Encoding', '8bit'],
      ]) + bin(Buffer.from(tb.join(CRLF) + CRLF, 'utf8')),
      'latin1',
    ),
  });
  // Apple Mail: delsp=yes; a soft break may fall inside a word (the space before it is deleted)
  const apple = [
    'Hello team,',
    '',
    'The new build is on the server: https://files.example.com/releases/2024/04/ ',
    'board-firmware-2v29-final.zip (please check the checksum first).',
    'This sentence was wrapped in the middle of a wo ',
    'rd by the sender, and delsp=yes puts it back together.',
    '日本語のテキストは単語の間に空白がないので、 ',
    '途中で折り返されます。',
    ' From the stuffed line on, a new paragraph.',
    '',
    // (a break at a space: the space stays, the one added for the soft break goes)
    '> Quoted text can be flowed as well, and is joined without the  ',
    '> space that was added at the break.',
    '',
    '-- ',
    'Clara',
  ];
  out.push({
    file: 'flowed-delsp-yes.eml',
    kind: 'flowed',
    case: '3 format=flowed delsp=yes',
    checks: 'delsp=yes: the space before a soft break is deleted when joining (words and CJK text broken mid-word), stuffing removed, quotes, signature separator',
    raw: Buffer.from(
      head([
        ...top({ from: 'Clara Schmidt <clara@example.com>', to: 'team@example.com', subject: 'New build', date: 'Fri, 5 Apr 2024 16:40:00 +0200', id: 'flowed-2.apple@example.com', mailer: ['X-Mailer', 'Apple Mail (2.3731.700.6)'] }),
        ['Content-Type', 'text/plain; charset=utf-8; format=flowed; delsp=yes'],
        ['Content-Transfer-Encoding', '8bit'],
      ]) + bin(Buffer.from(apple.join(CRLF) + CRLF, 'utf8')),
      'latin1',
    ),
  });
  // Thunderbird with quoted-printable: the space of a soft break is written "=20", long lines get QP soft breaks
  const qp = [
    'Hallo Jörg,',
    '',
    'die Übersicht für das nächste Quartal ist fertig. Die Zahlen für März ',
    'sind noch vorläufig, weil die Rechnungen der Lieferanten fehlen. Das ist eine sehr lange Zeile ohne weichen Umbruch, die der QP-Kodierer umbrechen muss, damit keine Zeile länger als 76 Zeichen ist.',
    ' From März an gilt der neue Tarif.',
    '',
    '> Kannst du mir die Übersicht schicken? Ich brauche sie für die ',
    '> Sitzung am Montag.',
    '',
    '-- ',
    'Grüße, Jürgen',
  ];
  out.push({
    file: 'flowed-qp.eml',
    kind: 'flowed',
    case: '3 format=flowed with quoted-printable',
    checks: 'flowed lines whose trailing space is QP-escaped (=20) and QP soft breaks (=CRLF) inside a flowed line: QP decoded first, then unflowed',
    raw: Buffer.from(
      head([
        ...top({ from: '=?UTF-8?Q?J=C3=BCrgen_Wei=C3=9F?= <juergen@example.de>', to: '=?UTF-8?Q?J=C3=B6rg?= <joerg@example.de>', subject: '=?UTF-8?Q?=C3=9Cbersicht_Q2?=', date: 'Mon, 8 Apr 2024 10:11:12 +0200', id: 'flowed-3.qp@example.de', mailer: MAILERS[1] }),
        ['Content-Type', 'text/plain; charset=UTF-8; format=flowed; delsp=no'],
        ['Content-Transfer-Encoding', 'quoted-printable'],
      ]) + qpBody(Buffer.from(qp.join(CRLF) + CRLF, 'utf8')) + CRLF,
      'latin1',
    ),
  });
  // Apple Mail with quoted-printable and delsp=yes
  const appleQp = ['Grüße aus Zürich! Das Wetter ist heute wunderschön und die Berge sind kla ', 'r zu sehen. Wir sehen uns am  ', 'Wochenende.', '', 'Liebe Grüße', 'Käthe'];
  out.push({
    file: 'flowed-delsp-yes-qp.eml',
    kind: 'flowed',
    case: '3 format=flowed delsp=yes with quoted-printable',
    checks: 'delsp=yes and quoted-printable together (=20 before the line end is the deleted space)',
    raw: Buffer.from(
      head([
        ...top({ from: '=?utf-8?Q?K=C3=A4the_Brunner?= <kaethe@example.ch>', to: 'Familie Brunner <familie@example.ch>', subject: '=?utf-8?Q?Gr=C3=BC=C3=9Fe_aus_Z=C3=BCrich?=', date: 'Sat, 6 Apr 2024 19:05:33 +0200', id: 'flowed-4.apple@example.ch', mailer: ['X-Mailer', 'iPhone Mail (21E236)'] }),
        ['Content-Type', 'text/plain;' + CRLF + '\tcharset=utf-8;' + CRLF + '\tdelsp=yes;' + CRLF + '\tformat=flowed'],
        ['Content-Transfer-Encoding', 'quoted-printable'],
      ]) + qpBody(Buffer.from(appleQp.join(CRLF) + CRLF, 'utf8')) + CRLF,
      'latin1',
    ),
  });
  // a flowed text/plain beside HTML in multipart/alternative (Thunderbird's HTML mail)
  const alt = ['This is the plain version of the message, which Thunderbird wraps at ', 'seventy-two characters with format=flowed.', '', '-- ', 'Dora'];
  const html = '<html><body><p>This is the plain version of the message, which Thunderbird wraps at seventy-two characters with format=flowed.</p><div class="moz-signature">-- <br>Dora</div></body></html>';
  out.push({
    file: 'flowed-alternative.eml',
    kind: 'flowed',
    case: '3 format=flowed in multipart/alternative',
    checks: 'a flowed text/plain part inside multipart/alternative (beside text/html) is unflowed too',
    raw: Buffer.from(
      head([
        ...top({ from: 'Dora Kim <dora@example.net>', to: 'Eve <eve@example.net>', subject: 'Plain and HTML', date: 'Tue, 9 Apr 2024 12:00:00 +0000', id: 'flowed-5.tb@example.net', mailer: MAILERS[1] }),
        ['Content-Type', 'multipart/alternative;' + CRLF + ' boundary="------------3hXbG0wH1kM5tYv8rQ2cN9Zd"'],
      ]) +
        multipart('------------3hXbG0wH1kM5tYv8rQ2cN9Zd', [
          head([
            ['Content-Type', 'text/plain; charset=UTF-8; format=flowed'],
            ['Content-Transfer-Encoding', '7bit'],
          ]) + alt.join(CRLF) + CRLF,
          head([
            ['Content-Type', 'text/html; charset=UTF-8'],
            ['Content-Transfer-Encoding', '7bit'],
          ]) + html + CRLF,
        ]),
      'latin1',
    ),
  });
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// 4. Repeated address fields

function addressMails(): Mail[] {
  const a =
    head([
      ['Return-Path', '<hans@example.de>'],
      ['From', '=?utf-8?Q?M=C3=BCller=2C_Hans?= <hans@example.de>'],
      ['To', 'Anna Schmidt <anna@example.de>, bob@example.com'],
      ['To', '"Carol (Sales)" <carol@example.com>'],
      ['Cc', 'Team: dora@example.org, "Eve E." <eve@example.org>;'],
      ['Cc', '=?utf-8?Q?J=C3=BCrgen_Wei=C3=9F?= <juergen@example.de>'],
      ['Cc', 'frank@example.net (Frank N.), "Grace, G." <grace@example.net>'],
      ['Reply-To', 'list@example.org'],
      ['Reply-To', '"Hans privat" <hans.privat@example.net>'],
      ['Subject', 'Repeated address fields'],
      ['Date', 'Wed, 10 Apr 2024 07:30:00 +0200'],
      ['Message-ID', '<addr-1@example.de>'],
      ['X-Mailer', 'PHPMailer 6.9.1 (https://github.com/PHPMailer/PHPMailer)'],
      ['MIME-Version', '1.0'],
      ['Content-Type', 'text/plain; charset=utf-8'],
      ['Content-Transfer-Encoding', '8bit'],
    ]) + bin(Buffer.from('A script that writes one To: line per recipient list.\r\n', 'utf8'));
  const b =
    head([
      ['From', 'Newsletter <news@example.com>'],
      ['From', 'Marketing <marketing@example.com>'],
      ['To', 'undisclosed-recipients:;'],
      ['To', 'Readers: "Ida I." <ida@example.com>, jack@example.com;, Kim <kim@example.com>'],
      ['Subject', 'Groups in repeated fields'],
      ['Date', 'Thu, 11 Apr 2024 18:00:00 +0000'],
      ['Message-ID', '<addr-2@example.com>'],
      ['Cc', 'Empty Group:;'],
      ['Cc', 'leo@example.com'],
      ['Cc', '"Mia M." <mia@example.com>, Noah <noah@example.com>'],
      ['Reply-To', 'Helpdesk: help@example.com;'],
      ['Reply-To', '"Owner" <owner@example.com>'],
      ['MIME-Version', '1.0'],
      ['Content-Type', 'text/plain; charset=us-ascii'],
      ['Content-Transfer-Encoding', '7bit'],
    ]) + 'Groups and an empty group in repeated To:, Cc: and Reply-To: lines.\r\n';
  return [
    {
      file: 'addresses-repeated.eml',
      kind: 'addresses',
      case: '4 repeated address fields',
      checks: 'two To: lines, three Cc: lines (one a group), two Reply-To: lines; display names with commas, parentheses and RFC 2047: every address, in order',
      raw: Buffer.from(a, 'latin1'),
    },
    {
      file: 'addresses-repeated-groups.eml',
      kind: 'addresses',
      case: '4 repeated address fields with groups',
      checks: 'From: twice (mailparser keeps the first, as for Reply-To); To: an empty group then a group; Cc: an empty group, then two lines; Reply-To: a group, then a name: every address, in order',
      raw: Buffer.from(b, 'latin1'),
    },
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// 5. Raw 8-bit header bytes

function raw8bitMails(): Mail[] {
  const out: Mail[] = [];
  const build = (cs: string, encoded: boolean) => {
    const e = (s: string) => bin(cs === 'utf-8' ? Buffer.from(s, 'utf8') : encode(cs, s));
    // the well-formed form: RFC 2047 words for the names and the subject, RFC 2231 for the file name
    const w = (s: string) => (encoded ? words(cs, s, 'Q') : e(s));
    const name = (p: string) => (encoded ? `${p}*=${cs}''` + Array.from(encode(cs, 'Frösche.txt')).map((c) => (c < 0x80 ? String.fromCharCode(c) : '%' + c.toString(16).toUpperCase())).join('') : `${p}="${e('Frösche.txt')}"`);
    const body = 'Hallo Björn,\r\n\r\nanbei die Liste der Frösche – mit Grüßen aus Köln.\r\n';
    const att = 'Grasfrosch\r\nLaubfrosch\r\nWasserfrosch\r\n';
    const raw =
      head([
        ['From', `${w('Jürgen Groß')} <juergen@example.de>`.replace(/^(?!=\?)(.*) </, '"$1" <')],
        ['To', `${w('Björn Äström')} <bjoern@example.se>`],
        ['Subject', w('Grüße aus Köln – Frösche & Co.')],
        ['Date', 'Fri, 12 Apr 2024 13:14:15 +0200'],
        ['Message-ID', `<raw8bit-${cs}@example.de>`],
        ['X-Mailer', cs === 'utf-8' ? 'Python smtplib' : 'Pegasus Mail for Windows (4.73)'],
        ['MIME-Version', '1.0'],
        ['Content-Type', 'multipart/mixed; boundary="=_raw8bit_' + cs + '"'],
      ]) +
      multipart('=_raw8bit_' + cs, [
        head([
          ['Content-Type', `text/plain; charset=${cs}`],
          ['Content-Transfer-Encoding', '8bit'],
        ]) + e(body),
        head([
          ['Content-Type', `text/plain; charset=${cs}; ${name('name')}`],
          ['Content-Disposition', `attachment; ${name('filename')}`],
          ['Content-Transfer-Encoding', '8bit'],
        ]) + att,
      ]);
    return Buffer.from(raw, 'latin1');
  };
  for (const cs of ['windows-1252', 'utf-8']) {
    out.push({
      file: `raw8bit-${cs}.eml`,
      kind: 'raw8bit',
      case: cs === 'utf-8' ? '5 raw 8-bit headers, valid UTF-8 (contrast)' : '5 raw 8-bit headers, windows-1252 (not UTF-8)',
      checks: `${cs} bytes written raw (no RFC 2047) in Subject, From and To display names and the attachment file name Frösche.txt (Content-Type name and Content-Disposition filename)`,
      charset: cs,
      names: ['Frösche.txt'],
      raw: build(cs, false),
      wellFormed: cs === 'utf-8' ? undefined : build(cs, true),
      wellFormedWhy: cs === 'utf-8' ? undefined : 'mailparser reads raw windows-1252 header bytes as UTF-8 and gives U+FFFD; the reference is the same mail with RFC 2047 words and an RFC 2231 file name',
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// 6. multipart/digest

function digestMails(): Mail[] {
  const message = (n: number, from: string, subject: string, text: string, extra: [string, string][] = []) =>
    head([['From', from], ['Subject', subject], ['Date', `Mon, 15 Apr 2024 0${n}:00:00 +0000`], ['Message-ID', `<digest-msg-${n}@lists.example.org>`], ['To', 'board-users@lists.example.org'], ...extra]) + text + CRLF;
  // a part of the default type: no part header (the blank line after the delimiter), then the message
  const msg = (...a: Parameters<typeof message>) => CRLF + message(...a);
  // Mailman's MIME digest: multipart/mixed (masthead, table of contents, the digest, footer)
  const digest = multipart(
    '===============1234567890==',
    [
      msg(1, 'Anna Berg <anna@example.org>', 'Flashing the board', 'How do I flash the board from Linux?', [['Content-Type', 'text/plain; charset=us-ascii'], ['MIME-Version', '1.0']]),
      msg(2, 'Boris <boris@example.de>', 'Re: Flashing the board', 'Use espruino-cli with the --board option.'),
      // an explicit type, as some digests write
      head([['Content-Type', 'message/rfc822']]) + message(3, '=?utf-8?Q?J=C3=BCrgen?= <juergen@example.de>', '=?utf-8?Q?Gr=C3=B6=C3=9Fe_Dateien?=', 'Large files need the Storage module.', [['Content-Type', 'text/plain; charset=utf-8'], ['Content-Transfer-Encoding', '8bit']]),
    ],
    '',
  );
  const top1 =
    head([
      ['From', 'board-users-request@lists.example.org'],
      ['Subject', 'board-users Digest, Vol 12, Issue 3'],
      ['To', 'board-users@lists.example.org'],
      ['Reply-To', 'board-users@lists.example.org'],
      ['Date', 'Mon, 15 Apr 2024 12:00:00 +0000'],
      ['Message-ID', '<mailman.3.1713182400.digest@lists.example.org>'],
      ['X-Mailman-Version', '2.1.39'],
      ['MIME-Version', '1.0'],
      ['Content-Type', 'multipart/mixed; boundary="===============0987654321=="'],
    ]) +
    multipart(
      '===============0987654321==',
      [
        head([
          ['Content-Type', 'text/plain; charset="us-ascii"'],
          ['MIME-Version', '1.0'],
          ['Content-Transfer-Encoding', '7bit'],
          ['Content-Description', 'board-users Digest, Vol 12, Issue 3'],
        ]) + 'Send board-users mailing list submissions to\r\n\tboard-users@lists.example.org\r\n\r\nToday\'s Topics:\r\n\r\n   1. Flashing the board (Anna Berg)\r\n   2. Re: Flashing the board (Boris)\r\n   3. Large files\r\n',
        head([
          ['Content-Type', 'multipart/digest; boundary="===============1234567890=="'],
          ['MIME-Version', '1.0'],
        ]) + digest,
        head([
          ['Content-Type', 'text/plain; charset="us-ascii"'],
          ['MIME-Version', '1.0'],
          ['Content-Transfer-Encoding', '7bit'],
          ['Content-Disposition', 'inline'],
        ]) + '_______________________________________________\r\nboard-users mailing list\r\n',
      ],
      '',
    );
  // a digest at the top whose parts are messages with their own multiparts, one of them a digest again
  const inner = multipart(
    'inner-digest',
    [msg(4, 'Carol <carol@example.com>', 'First of the inner digest', 'Inner message one.'), msg(5, 'Dora <dora@example.org>', 'Second of the inner digest', 'Inner message two.')],
    '',
  );
  const nested =
    head([
      ['From', 'Digest Robot <robot@example.org>'],
      ['To', 'reader@example.org'],
      ['Subject', 'Nested digest'],
      ['Date', 'Tue, 16 Apr 2024 06:00:00 +0000'],
      ['Message-ID', '<nested-digest@example.org>'],
      ['MIME-Version', '1.0'],
      ['Content-Type', 'multipart/digest; boundary="outer-digest"'],
    ]) +
    multipart(
      'outer-digest',
      [
        msg(6, 'Eve <eve@example.org>', 'A plain message', 'Plain text in the outer digest.'),
        msg(
          7,
          'Frank <frank@example.net>',
          'A message with an attachment',
          multipart('mixed-in-digest', [
            head([['Content-Type', 'text/plain; charset=utf-8']]) + 'See the attached file.',
            head([
              ['Content-Type', 'application/octet-stream; name="data.bin"'],
              ['Content-Disposition', 'attachment; filename="data.bin"'],
              ['Content-Transfer-Encoding', 'base64'],
            ]) + base64Body(Buffer.from([0, 1, 2, 3, 250, 251, 252, 253, 254, 255])),
          ]),
          [['MIME-Version', '1.0'], ['Content-Type', 'multipart/mixed; boundary="mixed-in-digest"']],
        ),
        msg(8, 'Grace <grace@example.net>', 'A forwarded digest', inner, [['MIME-Version', '1.0'], ['Content-Type', 'multipart/digest; boundary="inner-digest"']]),
      ],
      'This digest holds three messages.',
    );
  // the reference: every part of the default type of a digest (by its boundary) given its type explicitly (not in
  // the digest inside an attached message: that would change the attachment's bytes)
  const typed = (raw: string, b: string) => Buffer.from(raw.split(`${CRLF}--${b}${CRLF}${CRLF}`).join(`${CRLF}--${b}${CRLF}Content-Type: message/rfc822${CRLF}${CRLF}`), 'latin1');
  const why = 'mailsplit gives a part without Content-Type the type text/plain, also in a multipart/digest (RFC 2046 5.1.5: message/rfc822); the reference is the same mail with "Content-Type: message/rfc822" written in those parts';
  return [
    {
      file: 'digest-mailman.eml',
      kind: 'digest',
      case: '6 multipart/digest (Mailman MIME digest)',
      checks: 'multipart/digest inside multipart/mixed; parts without Content-Type are message/rfc822 (RFC 2046 5.1.5), one written explicitly: texts and attachments as mailparser reports them',
      raw: Buffer.from(top1, 'latin1'),
      wellFormed: typed(top1, '===============1234567890=='),
      wellFormedWhy: why,
    },
    {
      file: 'digest-nested.eml',
      kind: 'digest',
      case: '6 multipart/digest, nested',
      checks: 'a top-level multipart/digest whose messages hold a multipart/mixed with an attachment and another multipart/digest: texts and attachments as mailparser reports them',
      raw: Buffer.from(nested, 'latin1'),
      wellFormed: typed(nested, 'outer-digest'),
      wellFormedWhy: why,
    },
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// 7. Broken boundaries

function boundaryMails(): Mail[] {
  const out: Mail[] = [];
  const fields = (n: number, subject: string, ct: string): [string, string][] => [
    ...top({ from: 'Sender <sender@example.com>', to: 'Receiver <receiver@example.org>', subject, date: `Wed, 17 Apr 2024 1${n}:00:00 +0000`, id: `boundary-${n}@example.com`, mailer: ['X-Mailer', 'homegrown-mailer 0.3'] }),
    ['Content-Type', ct],
  ];
  const textPart = (t: string) => head([['Content-Type', 'text/plain; charset=utf-8'], ['Content-Transfer-Encoding', '7bit']]) + t + CRLF;
  const attPart = (name: string, data: Buffer) =>
    head([
      ['Content-Type', `application/octet-stream; name="${name}"`],
      ['Content-Disposition', `attachment; filename="${name}"`],
      ['Content-Transfer-Encoding', 'base64'],
    ]) + base64Body(data);
  const data = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37) & 255));
  // longer than the reader's header cap (maxHeader 2048)
  let long = '=_long_';
  while (long.length < 2100) long += (long.length * 7919).toString(36);
  long = long.slice(0, 2100);
  out.push({
    file: 'boundary-too-long.eml',
    kind: 'boundary',
    case: '7 boundary longer than 2048 characters',
    checks: 'a 2100-character boundary (RFC 2046 allows 70; longer than the reader\'s 2048-byte header cap): the parts as mailparser finds them',
    raw: Buffer.from(head(fields(0, 'A very long boundary', `multipart/mixed; boundary="${long}"`)) + multipart(long, [textPart('Text under a very long boundary.'), attPart('long.bin', data)]), 'latin1'),
  });
  // longer than the longest line the reader waits for as a delimiter (200) but under the header cap
  const mid = '=_mid_' + 'x7Q2'.repeat(74);
  out.push({
    file: 'boundary-300.eml',
    kind: 'boundary',
    case: '7 boundary of 302 characters (under the header cap)',
    checks: 'a 302-character boundary: delimiter lines longer than the 200 bytes the reader waits for: the parts as mailparser finds them, whatever the piece size',
    raw: Buffer.from(head(fields(1, 'A long boundary', `multipart/mixed;${CRLF} boundary="${mid}"`)) + multipart(mid, [textPart('Text under a 302-character boundary.'), attPart('mid.bin', data)]), 'latin1'),
  });
  out.push({
    file: 'boundary-missing-param.eml',
    kind: 'boundary',
    case: '7 multipart without boundary parameter',
    checks: 'Content-Type multipart/mixed with no boundary parameter (the body has delimiter lines): text and attachments as mailparser reports them',
    raw: Buffer.from(head(fields(2, 'No boundary parameter', 'multipart/mixed')) + multipart('b1_4f1a2c', [textPart('The header forgot the boundary.'), attPart('lost.bin', data)]), 'latin1'),
    wellFormed: Buffer.from(head(fields(2, 'No boundary parameter', 'text/plain')) + multipart('b1_4f1a2c', [textPart('The header forgot the boundary.'), attPart('lost.bin', data)]), 'latin1'),
    wellFormedWhy: 'mailparser gives neither text nor attachments for a multipart without boundary; RFC 2045 5.2 reads an invalid Content-Type as text/plain, and the reference is the same mail with Content-Type: text/plain',
  });
  out.push({
    file: 'boundary-never-appears.eml',
    kind: 'boundary',
    case: '7 boundary that never appears in the body',
    checks: 'boundary="expected-boundary" while the body is cut by other delimiters: text and attachments as mailparser reports them',
    raw: Buffer.from(head(fields(3, 'Boundary never appears', 'multipart/mixed; boundary="expected-boundary"')) + multipart('actual-boundary', [textPart('The delimiters do not match the header.'), attPart('never.bin', data)]), 'latin1'),
  });
  const ws = multipart('ws-boundary', [textPart('Delimiter lines end in white space.'), attPart('ws.bin', data)]).split('--ws-boundary' + CRLF).join('--ws-boundary \t ' + CRLF).split('--ws-boundary--' + CRLF).join('--ws-boundary--\t' + CRLF);
  out.push({
    file: 'boundary-trailing-space.eml',
    kind: 'boundary',
    case: '7 delimiter lines with trailing white space',
    checks: 'delimiter lines "--ws-boundary \\t " and close "--ws-boundary--\\t" (transport padding, RFC 2046 5.1.1): the parts are found',
    raw: Buffer.from(head(fields(4, 'Trailing white space on delimiters', 'multipart/mixed; boundary=ws-boundary')) + ws, 'latin1'),
  });
  out.push({
    file: 'boundary-param-trailing-space.eml',
    kind: 'boundary',
    case: '7 boundary parameter with trailing white space',
    checks: 'boundary="pad-boundary  " (white space inside the quotes) with delimiter lines "--pad-boundary": the parts are found',
    raw: Buffer.from(head(fields(5, 'Boundary parameter ends in spaces', 'multipart/mixed; boundary="pad-boundary  "')) + multipart('pad-boundary', [textPart('The boundary parameter ends in two spaces.'), attPart('pad.bin', data)]), 'latin1'),
  });
  out.push({
    file: 'boundary-missing-close.eml',
    kind: 'boundary',
    case: '7 missing close delimiter',
    checks: 'no "--boundary--" at the end: the last part (a 7bit text attachment) ends with the message; its size and content as mailparser reports them',
    raw: Buffer.from(
      head(fields(6, 'Missing close delimiter', 'multipart/mixed; boundary="no-close"')) +
        multipart(
          'no-close',
          [
            textPart('The close delimiter is missing.'),
            head([
              ['Content-Type', 'text/plain; charset=us-ascii; name="notes.txt"'],
              ['Content-Disposition', 'attachment; filename="notes.txt"'],
              ['Content-Transfer-Encoding', '7bit'],
            ]) + 'line one\r\nline two\r\n',
          ],
          undefined,
          false,
        ),
      'latin1',
    ),
  });
  out.push({
    file: 'boundary-missing-close-nested.eml',
    kind: 'boundary',
    case: '7 missing close delimiter, nested',
    checks: 'an inner multipart/alternative never closed, the outer multipart/mixed closed: the inner parts end at the outer delimiter',
    raw: Buffer.from(
      head(fields(7, 'Inner multipart not closed', 'multipart/mixed; boundary="outer"')) +
        multipart('outer', [
          head([['Content-Type', 'multipart/alternative; boundary="inner"']]) +
            multipart('inner', [textPart('Plain version.'), head([['Content-Type', 'text/html; charset=utf-8']]) + '<p>HTML version.</p>' + CRLF], '', false),
          attPart('after.bin', data),
        ]),
      'latin1',
    ),
  });
  return out;
}

/** Every mail, in INDEX.tsv order. */
export function makeMails(): Mail[] {
  return [...LEGACY.map(legacyMail), rfc2231Mail(), ...MULTI.map(multiMail), ...flowedMails(), ...addressMails(), ...raw8bitMails(), ...digestMails(), ...boundaryMails()];
}

/** INDEX.tsv: file, case, what it checks. */
export function indexTsv(mails: Mail[]): string {
  const clean = (s: string) => s.replace(/[\t\r\n]+/g, ' ');
  return ['file\tcase\tchecks', ...mails.map((m) => `${m.file}\t${clean(m.case)}\t${clean(m.checks)}`)].join('\n') + '\n';
}

/** Writes the folder: every mail, INDEX.tsv; removes files it did not write. */
export function writeMails(dir = MAILS_DIR): Mail[] {
  const mails = makeMails();
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  const keep = new Set(['INDEX.tsv', ...mails.map((m) => m.file)]);
  for (const f of readdirSync(dir)) if (!keep.has(f)) unlinkSync(join(dir, f));
  for (const m of mails) {
    const p = join(dir, m.file);
    if (!existsSync(p) || !readFileSync(p).equals(m.raw)) writeFileSync(p, m.raw);
  }
  writeFileSync(join(dir, 'INDEX.tsv'), indexTsv(mails));
  return mails;
}

if (/make-mails\.ts$/.test(process.argv[1] || '')) {
  const mails = writeMails();
  console.log(`${mails.length} mails written to ${MAILS_DIR}`);
}
