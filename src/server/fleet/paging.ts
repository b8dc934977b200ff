/**
 * fleet's page tokens: two little-endian 16-bit numbers, the page size and the 1-based page,
 * in padded URL-safe base64. The page size is the server's, never the client's.
 */
export const FLEET_PAGE_SIZE = 100;

export class PageTokenError extends Error {}

export interface PageToken {
  limit: number;
  page: number;
}

export function encodePageToken(token: PageToken): string {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt16LE(token.limit, 0);
  bytes.writeUInt16LE(token.page, 2);
  return bytes.toString("base64").replace(/\+/g, "-").replace(/\//g, "_");
}

/** The token a request asks for; the messages are fleet's. */
export function decodePageToken(values: string | string[] | undefined): PageToken {
  if (values === undefined) return { limit: FLEET_PAGE_SIZE, page: 1 };
  if (Array.isArray(values)) {
    if (values.length > 1) throw new PageTokenError("too many values for page token");
    return decodePageToken(values[0]);
  }
  const invalidAt = findInvalidBase64(values);
  if (invalidAt !== undefined)
    throw new PageTokenError(`illegal base64 data at input byte ${invalidAt}`);
  const bytes = Buffer.from(values.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  if (bytes.length === 0) throw new PageTokenError("EOF");
  if (bytes.length < 4) throw new PageTokenError("unexpected EOF");
  const token = { limit: bytes.readUInt16LE(0), page: bytes.readUInt16LE(2) };
  if (token.limit !== FLEET_PAGE_SIZE)
    throw new PageTokenError(`token limit must be ${FLEET_PAGE_SIZE}`);
  if (token.page === 0) throw new PageTokenError("token page must be greater than zero");
  return token;
}

/** Where strict padded base64url decoding would fail, as Go reports it; undefined if valid. */
function findInvalidBase64(text: string): number | undefined {
  const alphabet = /^[A-Za-z0-9_-]$/;
  let index = 0;
  for (; index < text.length; index++) {
    if (!alphabet.test(text[index] as string)) break;
  }
  const padding = text.slice(index);
  if (padding === "") return text.length % 4 === 0 ? undefined : text.length - (text.length % 4);
  if (!/^={1,2}$/.test(padding) || text.length % 4 !== 0 || index % 4 < 2) return index;
  return undefined;
}

/** One page of `items` and the token of the next, as fleet slices them. */
export function slicePage<T>(items: readonly T[], token: PageToken): { items: T[]; next?: string } {
  const start = (token.page - 1) * token.limit;
  const stop = token.page * token.limit;
  if (start >= items.length) return { items: [] };
  if (stop > items.length) return { items: items.slice(start) };
  return {
    items: items.slice(start, stop),
    next: encodePageToken({ limit: token.limit, page: token.page + 1 }),
  };
}
