// 1. Legacy single-byte charsets: text/plain in each charset with RFC 2047 subject and display name, and one mail with
// RFC 2231 file names.
import * as iconv from 'iconv-lite';
import { encode } from './charsets';
import { base64Body, bin, CRLF, qpBody, words } from './encodings';
import type { Mail } from './mail';
import { DATES, head, MAILERS, multipart, top } from './message';

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

/** The legacy mails, in INDEX.tsv order: one per charset, then the RFC 2231 names. */
export function legacyMails(): Mail[] {
  return [...LEGACY.map(legacyMail), rfc2231Mail()];
}
