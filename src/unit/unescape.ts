// systemd's unit-name unescaping (unit_name_unescape / unit_name_path_unescape), used by the
// %I %P %J %f specifiers. systemd fails the whole setting on a malformed escape; a specifier
// expansion here must always produce text, so a malformed "\" is kept literally instead.

const HEX_ESCAPE = /^\\x([0-9A-Fa-f]{2})/;
const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** "-" becomes "/", "\xNN" becomes byte NN; the bytes are read back as UTF-8. */
export function unescapeUnitName(escaped: string): string {
  const bytes: number[] = [];
  let i = 0;
  while (i < escaped.length) {
    const rest = escaped.slice(i);
    const hex = HEX_ESCAPE.exec(rest);
    if (hex?.[1] !== undefined) {
      bytes.push(Number.parseInt(hex[1], 16));
      i += 4;
      continue;
    }
    const char = String.fromCodePoint(rest.codePointAt(0) ?? 0);
    if (char === "-") bytes.push(0x2f);
    else bytes.push(...utf8Encoder.encode(char));
    i += char.length;
  }
  return utf8Decoder.decode(new Uint8Array(bytes));
}

/** The absolute path an escaped name stands for: "-" is the root, anything else gets a leading "/". */
export function unescapeUnitPath(escaped: string): string {
  if (escaped === "" || escaped === "-") return "/";
  const path = unescapeUnitName(escaped);
  return path.startsWith("/") ? path : `/${path}`;
}
