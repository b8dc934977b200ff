import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestPki {
  dir: string;
  caFile: string;
  ca: Buffer;
  serverCertFile: string;
  serverKeyFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  read(file: string): Buffer;
}

/** A throw-away certificate authority with a server certificate for loopback and a client certificate. */
export function makePki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), "flotilla-pki-"));
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });
  openssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "2",
    "-subj",
    "/CN=flotilla-test-ca",
    "-keyout",
    file("ca.key"),
    "-out",
    file("ca.pem"),
  );
  const issue = (name: string, subject: string, extensions: string) => {
    writeFileSync(file(`${name}.ext`), extensions);
    openssl(
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-subj",
      subject,
      "-keyout",
      file(`${name}.key`),
      "-out",
      file(`${name}.csr`),
    );
    openssl(
      "x509",
      "-req",
      "-in",
      file(`${name}.csr`),
      "-CA",
      file("ca.pem"),
      "-CAkey",
      file("ca.key"),
      "-CAcreateserial",
      "-days",
      "2",
      "-extfile",
      file(`${name}.ext`),
      "-out",
      file(`${name}.pem`),
    );
  };
  issue(
    "server",
    "/CN=flotilla-server",
    "subjectAltName=IP:127.0.0.1,DNS:localhost,IP:127.0.1.71,IP:127.0.1.72,IP:127.0.1.81\nextendedKeyUsage=serverAuth,clientAuth\n",
  );
  issue("client", "/CN=root", "extendedKeyUsage=clientAuth\n");
  return {
    dir,
    caFile: file("ca.pem"),
    ca: readFileSync(file("ca.pem")),
    serverCertFile: file("server.pem"),
    serverKeyFile: file("server.key"),
    clientCertFile: file("client.pem"),
    clientKeyFile: file("client.key"),
    read: (name) => readFileSync(name),
  };
}
