// 2. Multi-byte charsets
import { encode } from './charsets';
import { base64Body, bin, CRLF, qpBody, words } from './encodings';
import type { Mail } from './mail';
import { DATES, head, multipart, top } from './message';

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

/** The multi-byte mails, in INDEX.tsv order. */
export function multibyteMails(): Mail[] {
  return MULTI.map(multiMail);
}
