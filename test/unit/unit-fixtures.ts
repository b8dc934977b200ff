// The tutorial's two unit files, byte for byte as examples/ ships them
// (unit-spec-files.test.ts checks that the copies still match).
import { exampleTemplateText } from "../../src/schema/examples.ts";

// The API document's examples use the same template: this keeps them the tutorial's.
export const APACHE_TEMPLATE = exampleTemplateText;

export const DISCOVERY_TEMPLATE = `[Unit]
Description=Announce Apache@%i service
BindsTo=apache@%i.service

[Service]
EnvironmentFile=/etc/environment
ExecStart=/bin/sh -c "while true; do etcdctl set /announce/services/apache%i \${COREOS_PUBLIC_IPV4}:%i --ttl 60; sleep 45; done"
ExecStop=/usr/bin/etcdctl rm /announce/services/apache%i

[X-Fleet]
X-ConditionMachineOf=apache@%i.service
`;

export const SPEC_FILES: Readonly<Record<string, string>> = {
  "apache@.service": APACHE_TEMPLATE,
  "apache-discovery@.service": DISCOVERY_TEMPLATE,
};
