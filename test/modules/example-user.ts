// @ts-nocheck (Espruino board code: types.test.ts checks it against the modules' declarations, not the project's tsconfig)
// A user's board script in TypeScript, written as docs/modules/s9mail.md shows: it sends one mail, then counts the
// mailbox. A script, not an ES module: compiled to JavaScript, it is what the Espruino tools upload.
type Mailbox = import("s9mail").Mailbox;
type MailError = import("s9mail").MailError;

Serial1.setup(57600, { tx: A9, rx: A10 });
require("s9mail").connect(Serial1, {
  apn: "internet",
  smtp: { host: "mail.example.org", port: 587, user: "pump4", password: "secret", ssl: "starttls" },
  pop3: { host: "mail.example.org", port: 995, user: "pump4", password: "secret", ssl: "implicit" },
  from: { address: "pump4@example.org", name: "Pump 4" },
}, function (err, mail) {
  if (err || !mail) return console.log("modem: " + (err ? err.code : "no client"));
  mail.sendMail({ to: "ops@example.org", subject: "Tank 3 low", body: "Level 12 %" }, function (err, res) {
    console.log(err ? "not sent: " + err.code + " " + err.message : "sent with " + res.commands + " AT commands");
    mail.pop3Login(function (err: MailError | null, box: Mailbox) {
      if (err || !box) return mail.close();
      box.count().then(function (n: { count: number }) {
        console.log(n.count + " mails");
        return box.logout();
      });
    });
  });
  mail.on("reset", function (line) { console.log("module restarted: " + line); });
  mail.bearer("status", function (err, s) { if (!err) console.log(s.state); });
  console.log(require("s9mail").quote("internet", 64, "apn") + ", " + mail.commands + " commands");
});

// must fail: apn is a string
require("s9mail").connect(Serial1, { apn: 5 });
