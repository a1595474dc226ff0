// Every command of the SIM900 Email AT Command Manual V1.02 (plus AT+SAPBR, which e-mail needs), described once, and
// every result code the manual gives. The build writes TABLE to Storage as "s9cmd"; the board reads it with
// require("Storage").read, which keeps it in flash (about one JsVar, whatever its length) and looks rows up with
// indexOf. Nothing here is code.
//
// A command row:  <NAME> <flags> <param>...
//   flags (or "-"): r  has a read form AT+X? answering "+X: <the params, in order>"
//                   m  ... several such lines (one per item)      x  ... one free-text field (quotes removed)
//                   f  AT+X answers OK and then its result as a final line "+X: ..."
//                   o  a POP3 session command: "+POP3OUT: <code>" may come instead (the module ended the session)
//                   p  the execution form opens a "> " prompt for text (SIM900 body entry)
//                   q  its test form is asked once before the first write (the module's own maxima)
//                   /ALIAS  the final may also be spelt "+ALIAS:" (the manual's "+POP3REST: 0")
//   param: <name>:<type><default limit>, in the order of the write form; trailing ones may be left out
//     i<min>-<max>  an integer                 s<max>  a quoted string of at most max characters
//   The test form AT+X=? answers one field per param in the same order: a (min-max) range for an integer, a maximum
//   length for a string (AT+SAPBR=? answers tag and value names there: no limit). Those replace the defaults.
//
// A result-code row:  <kind><code> <CODE> <text>   kind S: +SMTPSEND (AT+SMTPSEND, +SMTPFT failures),
//   P: +POP3IN and +POP3OUT, "*" both ("%" in the text is "SMTP" or "POP3"). The error's code is E_SMTP_<CODE> or
//   E_POP3_<CODE>; result 1 is success.
export const TABLE =
  '\n' +
  'EMAILCID rq cid:i1-3\n' +
  'EMAILTO rq timeout:i10-120\n' +
  'EMAILSSL r type:i0-2\n' +
  'SMTPSRV rq host:s50 port:i1-65535\n' +
  'SMTPAUTH rq auth:i0-1 user:s32 password:s32\n' +
  'SMTPFROM rq address:s48 name:s48\n' +
  'SMTPRCPT rmq type:i0-2 index:i0-4 address:s48 name:s48\n' +
  'SMTPSUB rxq subject:s100\n' +
  'SMTPBODY pq body:s4096\n' +
  'SMTPFILE rq type:i0-2 name:s48 encoding:i0-1\n' +
  'SMTPSEND f\n' +
  'SMTPFT - length:i0-1460\n' +
  'SMTPCS rq charset:s10\n' +
  'POP3SRV rq host:s50 user:s32 password:s32 port:i1-65535\n' +
  'POP3IN f\n' +
  'POP3NUM fo\n' +
  'POP3LIST fo n:i1-65535\n' +
  'POP3UIDL fo n:i1-65535\n' +
  'POP3CMD fo type:i1-4 n:i1-65535 lines:i0-65535\n' +
  'POP3READ o length:i1-1460\n' +
  'POP3DEL fo n:i1-65535\n' +
  'POP3RSET fo/POP3REST\n' +
  'POP3OUT f\n' +
  'SAPBR - cmd:i0-5 cid:i1-3 tag:s16 value:s64\n' +
  '*61 NETWORK network error (is the GPRS bearer open?)\n' +
  '*62 DNS DNS could not resolve the % server\n' +
  '*63 CONNECT TCP connection to the % server failed\n' +
  '*64 TIMEOUT the % server did not answer within AT+EMAILTO\n' +
  '*65 SERVER the % server answered with an error\n' +
  'S66 NOT_AUTHENTICATED the SMTP server requires authentication\n' +
  'S67 AUTH_FAILED SMTP authentication failed: user name or password may be wrong\n' +
  'S68 BAD_RECIPIENT the SMTP server refused a recipient\n' +
  'P66 LOGIN_REJECTED the POP3 server rejects the log-in\n' +
  'P67 USER incorrect POP3 user name\n' +
  'P68 PASSWORD incorrect POP3 user name or password\n' +
  'P69 READ_TIMEOUT reading the POP3 data timed out\n';
