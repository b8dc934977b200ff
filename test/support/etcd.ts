import { randomUUID } from "node:crypto";
import { Etcd3 } from "etcd3";

/** The etcd the test command started (see scripts/test.sh). */
export function testEtcdEndpoint(): string {
  const endpoint = process.env.FLOTILLA_TEST_ETCD;
  if (!endpoint) {
    throw new Error(
      "FLOTILLA_TEST_ETCD is not set: run the tests with `npm test`, which starts etcd",
    );
  }
  return endpoint;
}

/** A key prefix no other test uses, so tests share one etcd without seeing each other. */
export function freshPrefix(): string {
  return `/flotilla-test/${randomUUID()}/`;
}

/** A raw etcd client, for looking at what Flotilla wrote. */
export function rawEtcd(): Etcd3 {
  return new Etcd3({ hosts: testEtcdEndpoint() });
}
