import { Etcd3 } from "etcd3";
import { sleep } from "./clock.ts";

interface MemberStatus {
  memberId: string;
  leader: string;
}

/** What one member says of itself and of the leader; undefined when it does not answer. */
async function statusOf(endpoint: string): Promise<MemberStatus | undefined> {
  const client = new Etcd3({ hosts: endpoint, dialTimeout: 1000 });
  try {
    const status = await client.maintenance.status({ deadline: Date.now() + 1000 });
    return { memberId: status.header.member_id, leader: status.leader };
  } catch {
    return undefined;
  } finally {
    client.close();
  }
}

/** The index of the leading member among `endpoints`, and every member's id, by index. */
export async function findLeader(
  endpoints: string[],
): Promise<{ leader: number; memberIds: (string | undefined)[] } | undefined> {
  const statuses = await Promise.all(endpoints.map(statusOf));
  const memberIds = statuses.map((status) => status?.memberId);
  const leader = statuses.findIndex(
    (status) => status !== undefined && status.leader !== "0" && status.memberId === status.leader,
  );
  return leader === -1 ? undefined : { leader, memberIds };
}

/** Waits until some member leads, for up to `deadlineMs`; false when none did. */
export async function waitForLeader(endpoints: string[], deadlineMs = 60_000): Promise<boolean> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    if (await findLeader(endpoints)) return true;
    await sleep(200);
  }
  return false;
}

/** Asks the leader to hand over to `target` (etcdctl move-leader). */
export async function moveLeader(leaderEndpoint: string, targetId: string): Promise<void> {
  const client = new Etcd3({ hosts: leaderEndpoint, dialTimeout: 1000 });
  try {
    await client.maintenance.moveLeader({ targetID: targetId }, { deadline: Date.now() + 5000 });
  } finally {
    client.close();
  }
}
