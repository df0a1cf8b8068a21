import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function opensslBin(): string {
  const found = [process.env.OPENSSL_BIN, '/usr/bin/openssl', '/usr/local/bin/openssl']
    .filter((p): p is string => !!p)
    .find((p) => existsSync(p));
  if (!found) throw new Error('openssl not found: run scripts/ensure-openssl.sh, or set OPENSSL_BIN');
  return found;
}

export interface CertPair {
  cert: string;
  key: string;
}

/**
 * A throw-away certificate authority for one test file, made with openssl: a CA, and certificates
 * it signs for a server (127.0.0.1 and localhost) or a client.
 */
export class TestCa {
  readonly dir = mkdtempSync(join(tmpdir(), 'gw-certs-'));
  readonly ca: CertPair;

  constructor(readonly name = 'gateway-test-ca') {
    this.ca = { cert: join(this.dir, `${name}.pem`), key: join(this.dir, `${name}.key`) };
    this.openssl([
      'req',
      '-x509',
      ...this.newKey(this.ca.key),
      '-out',
      this.ca.cert,
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
    ]);
  }

  server(name = 'nats-server'): CertPair {
    return this.issue(name, 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  }

  client(name = 'gateway'): CertPair {
    return this.issue(name, 'extendedKeyUsage=clientAuth\n');
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private issue(name: string, extensions: string): CertPair {
    const pair = { cert: join(this.dir, `${name}.pem`), key: join(this.dir, `${name}.key`) };
    const csr = join(this.dir, `${name}.csr`);
    const ext = join(this.dir, `${name}.ext`);
    writeFileSync(ext, extensions);
    this.openssl(['req', ...this.newKey(pair.key), '-out', csr, '-subj', `/CN=${name}`]);
    this.openssl([
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      this.ca.cert,
      '-CAkey',
      this.ca.key,
      '-CAcreateserial',
      '-out',
      pair.cert,
      '-days',
      '2',
      '-extfile',
      ext,
    ]);
    return pair;
  }

  private newKey(keyFile: string): string[] {
    return ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile];
  }

  private openssl(args: string[]): void {
    execFileSync(opensslBin(), args, { stdio: 'ignore' });
  }
}
