// The TLS certificate of the test servers: made once per process with the openssl command-line tool, a
// self-signed EC P-256 certificate for localhost, 127.0.0.1 and 127.0.0.2 (Dovecot's STARTTLS_HOST), valid a
// few days, in a fresh temporary folder removed when the process exits. Clients trust it by passing `cert` as
// their `ca`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, chmodSync, rmSync, existsSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** implicit: TLS from the first byte (POP3S 995, SMTPS 465); starttls: a plaintext greeting, then STLS / STARTTLS. */
export type TlsMode = 'implicit' | 'starttls';

export interface TestCertificate {
  /** PEM */
  cert: string;
  /** PEM, unencrypted */
  key: string;
  certFile: string;
  keyFile: string;
  /** SHA-256 fingerprint as Node prints it, "AB:CD:..." */
  fingerprint256: string;
}

const REQ_CONFIG = `[req]
distinguished_name = dn
x509_extensions = ext
prompt = no
[dn]
CN = localhost
[ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:127.0.0.2
subjectKeyIdentifier = hash
`;

function findOpenssl(): string {
  if (existsSync('/usr/bin/openssl')) return '/usr/bin/openssl';
  try {
    const p = execFileSync('sh', ['-c', 'command -v openssl'], { encoding: 'utf8' }).trim();
    if (p) return p;
  } catch {
    /* not on PATH */
  }
  throw new Error('openssl is not installed: install the Debian package openssl (`bash host/servers/install-deps.sh` as root)');
}

let memo: TestCertificate | null = null;

/** The certificate shared by every server of this process (made on the first call). */
export function testCertificate(): TestCertificate {
  if (memo) return memo;
  const openssl = findOpenssl();
  const dir = mkdtempSync(join(tmpdir(), 'sim900-tls-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  // Dovecot reads the files as root when it starts; the folder is opened up anyway so that a server running
  // as another user could read the certificate (the key stays the owner's)
  chmodSync(dir, 0o755);
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  // our own request configuration, not the system's openssl.cnf, so the extensions are the same everywhere
  writeFileSync(join(dir, 'req.cnf'), REQ_CONFIG);
  try {
    execFileSync(
      openssl,
      ['req', '-x509', '-config', join(dir, 'req.cnf'), '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-sha256', '-days', '3', '-keyout', keyFile, '-out', certFile],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
  } catch (e) {
    const err = e as Error & { stderr?: Buffer };
    throw new Error(`openssl could not make the test certificate: ${(err.stderr ? err.stderr.toString() : err.message).trim()}`);
  }
  chmodSync(certFile, 0o644);
  chmodSync(keyFile, 0o600);
  const cert = readFileSync(certFile, 'utf8');
  memo = { cert, key: readFileSync(keyFile, 'utf8'), certFile, keyFile, fingerprint256: new X509Certificate(cert).fingerprint256 };
  return memo;
}
