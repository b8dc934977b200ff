import type { Etcd3 } from "etcd3";

export class KeyNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`Key not found (${key})`);
  }
}

export class KeyExistsError extends Error {
  constructor(readonly key: string) {
    super(`Key already exists (${key})`);
  }
}

/**
 * Keys that unit files name themselves (announcements, etcdctl command lines), with
 * etcd v2's semantics on etcd v3: a TTL is a lease, a directory is a key prefix.
 */
export class UserKeys {
  constructor(private readonly client: Etcd3) {}

  async set(key: string, value: string, ttlSeconds?: number): Promise<void> {
    const put = this.client.put(key).value(value);
    if (ttlSeconds !== undefined) put.lease(await this.grant(ttlSeconds));
    await put.exec();
  }

  /** Creates the key only if it does not exist (v2's `mk`). */
  async create(key: string, value: string, ttlSeconds?: number): Promise<void> {
    const put = this.client.put(key).value(value);
    if (ttlSeconds !== undefined) put.lease(await this.grant(ttlSeconds));
    const result = await this.client.if(key, "Create", "==", 0).then(put).commit();
    if (!result.succeeded) throw new KeyExistsError(key);
  }

  /** Changes the key only if it exists (v2's `update`). */
  async update(key: string, value: string, ttlSeconds?: number): Promise<void> {
    const put = this.client.put(key).value(value);
    if (ttlSeconds !== undefined) put.lease(await this.grant(ttlSeconds));
    const result = await this.client.if(key, "Create", ">", 0).then(put).commit();
    if (!result.succeeded) throw new KeyNotFoundError(key);
  }

  async get(key: string): Promise<string> {
    const value = await this.client.get(key).string();
    if (value === null) throw new KeyNotFoundError(key);
    return value;
  }

  async remove(key: string, recursive: boolean): Promise<void> {
    const deleted = await this.client.delete().key(key).exec();
    let count = Number(deleted.deleted);
    if (recursive)
      count += Number((await this.client.delete().prefix(directory(key)).exec()).deleted);
    if (count === 0) throw new KeyNotFoundError(key);
  }

  /** The keys directly under a directory, or all below it; sub-directories shown once. */
  async list(key: string, recursive: boolean): Promise<string[]> {
    const base = directory(key);
    const keys = await this.client.getAll().prefix(base).keys();
    if (keys.length === 0 && key !== "/" && key !== "") {
      if ((await this.client.get(key).string()) !== null) return [key];
      throw new KeyNotFoundError(key);
    }
    if (recursive) return keys.sort();
    const entries = new Set<string>();
    for (const found of keys) {
      const rest = found.slice(base.length);
      const slash = rest.indexOf("/");
      entries.add(slash < 0 ? found : base + rest.slice(0, slash));
    }
    return [...entries].sort();
  }

  private async grant(ttlSeconds: number): Promise<string> {
    const lease = this.client.lease(ttlSeconds, { autoKeepAlive: false });
    const id = await lease.grant();
    lease.release();
    return id;
  }
}

function directory(key: string): string {
  return key.endsWith("/") ? key : `${key}/`;
}
