// Reading the information lines of AT answers: '+SMTPSRV: "mail.sim.com",25', '+SMTPRCPT: (0-2),(0-4),48,48'.

/** A field: a number, a string (quotes removed) or, for "(a-b)" / "(a,b,c)", the list of numbers [a, b] / [a, b, c]. */
export type Field = number | string | number[];

/** The text after "<prefix>:" and one space (the whole line when it does not start with prefix). */
export function payload(line: string, prefix: string): string {
  if (line.indexOf(prefix)) return line;
  let s = line.substr(prefix.length);
  if (s.charAt(0) == ':') s = s.substr(1);
  return s.charAt(0) == ' ' ? s.substr(1) : s;
}

/** Splits at commas outside quotes and parentheses. */
export function fields(s: string): Field[] {
  const out: Field[] = [];
  let i = 0;
  for (;;) {
    while (s.charAt(i) == ' ') i++;
    const c = s.charAt(i);
    let end = s.indexOf(c == '"' ? '"' : c == '(' ? ')' : ',', i + 1);
    let v: Field;
    if (c == '"' || c == '(') {
      if (end < 0) end = s.length;
      v = s.substring(i + 1, end);
      if (c == '(') v = v.split(/[-,]/).map(Number);
      end = s.indexOf(',', end);
    } else {
      if (c == ',') end = i;
      v = s.substring(i, end < 0 ? s.length : end).trim();
      if (/^\d+$/.test(v.charAt(0) == '-' ? v.substr(1) : v)) v = +v;
    }
    out.push(v);
    if (end < 0) return out;
    i = end + 1;
  }
}
