/**
 * Throw-away TLS certificates for tests, made with the `openssl` binary: EC P-256 keys,
 * valid two days; server certificates are for the loopback names (`127.0.0.1`, `::1`,
 * `localhost`), self-signed or signed by a test CA.
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

/** The PEM files of a certificate and its key. */
export interface CertificateFiles {
  /** The certificate. */
  certificate: string;
  /** Its private key (unencrypted). */
  key: string;
}

/** The loopback names a server certificate is for. */
const LOOPBACK = "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost";

/** The arguments that make a new EC P-256 key. */
const NEW_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

function openssl(args: string[]): void {
  try {
    execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
  } catch (error) {
    throw new Error(
      `openssl ${args[0]} failed (install the Debian package "openssl" to run these tests)`,
      { cause: error },
    );
  }
}

/** A self-signed certificate for `subject` (with `extra` arguments), as `NAME.crt`/`NAME.key` in `dir`. */
function selfSigned(dir: string, name: string, subject: string, extra: string[]): CertificateFiles {
  const files = { certificate: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
  const output = ["-keyout", files.key, "-out", files.certificate];
  openssl(["req", "-x509", ...NEW_KEY, "-days", "2", "-subj", subject, ...extra, ...output]);
  return files;
}

/** A self-signed server certificate for the loopback names, written as `NAME.crt`/`NAME.key` in `dir`. */
export function selfSignedCertificate(dir: string, name = "server"): CertificateFiles {
  return selfSigned(dir, name, "/CN=stevedore test server", ["-addext", LOOPBACK]);
}

/** A test certificate authority, written as `NAME.crt`/`NAME.key` in `dir`. */
export function certificateAuthority(dir: string, name: string): CertificateFiles {
  return selfSigned(dir, name, `/CN=stevedore test CA ${name}`, []);
}

/**
 * A certificate signed by `authority`: a server's (for the loopback names) or a client's,
 * written as `NAME.pem`/`NAME.key.pem` in `dir` (copy them where they are needed under the
 * names certs.d wants).
 */
export function signedCertificate(
  dir: string,
  name: string,
  authority: CertificateFiles,
  use: "server" | "client",
): CertificateFiles {
  const files = { certificate: join(dir, `${name}.pem`), key: join(dir, `${name}.key.pem`) };
  const request = join(dir, `${name}.csr`);
  const extensions = join(dir, `${name}.ext`);
  openssl([
    "req",
    ...NEW_KEY,
    "-subj",
    `/CN=stevedore test ${use} ${name}`,
    "-keyout",
    files.key,
    "-out",
    request,
  ]);
  writeFileSync(
    extensions,
    use === "server"
      ? `${LOOPBACK}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`
      : "basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n",
  );
  openssl([
    "x509",
    "-req",
    "-in",
    request,
    "-CA",
    authority.certificate,
    "-CAkey",
    authority.key,
    "-set_serial",
    String(Date.now()),
    "-days",
    "2",
    "-extfile",
    extensions,
    "-out",
    files.certificate,
  ]);
  return files;
}
