/** What `flotilla etcdctl --help` prints. */
export const ETCDCTL_USAGE = `Usage: flotilla etcdctl [--endpoints URL,...] COMMAND [ARGS]

fleet-era etcdctl v2 command lines, run against etcd v3 with the keys and TTLs a v2 etcd
kept. Units' scripts get an \`etcdctl\` on their PATH that runs this with their agent's
connection; run by hand it reaches etcd with the FLOTILLA_ETCD* variables, as the agent does
(default http://127.0.0.1:2379).

Commands:
  set KEY VALUE [--ttl N]       Set a key (a TTL of 0 means none)
  mk KEY VALUE [--ttl N]        Create a key that must not exist yet
  update KEY VALUE [--ttl N]    Change a key that must exist
  get KEY                       Print a key's value
  rm KEY [--recursive|-r] [--dir]
                                Remove a key, or a directory of keys
  ls [KEY] [--recursive|-r]     List the keys under a directory

Global options:
  --endpoints, --endpoint, --peers, -C URL,...
                                etcd's client URLs

Exit status: 0 success; 4 an error from etcd (a key not found or already there, etcd out of
reach), as etcdctl's; 2 a command line it does not take.
`;
