/**
 * Throw-away TLS certificates for tests, made with the `openssl` binary: EC P-256 keys,
 * valid two days, for the loopback names (`127.0.0.1`, `::1`, `localhost`).
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";

/** The PEM files of a certificate and its key. */
export interface CertificateFiles {
  /** The certificate. */
  certificate: string;
  /** Its private key (unencrypted). */
  key: string;
}

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

/** A self-signed server certificate for the loopback names, written as `NAME.crt`/`NAME.key` in `dir`. */
export function selfSignedCertificate(dir: string, name = "server"): CertificateFiles {
  const files = { certificate: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
  openssl([
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-days",
    "2",
    "-subj",
    "/CN=stevedore test server",
    "-addext",
    "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost",
    "-keyout",
    files.key,
    "-out",
    files.certificate,
  ]);
  return files;
}
