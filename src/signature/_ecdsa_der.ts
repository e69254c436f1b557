/**
 * ECDSA signatures between ASN.1 DER (`SEQUENCE { r INTEGER, s INTEGER }`, what cosign
 * and Go write) and the fixed-size `r || s` form WebCrypto uses.
 *
 * @module
 */

/** Converts a DER signature to `r || s` of `size` bytes each; `undefined` if malformed. */
export function derToRaw(der: Uint8Array, size: number): Uint8Array | undefined {
  let pos = 0;
  const byte = () => (pos < der.length ? der[pos++] : -1);
  const length = (): number => {
    const first = byte();
    if (first < 0x80) return first;
    if (first !== 0x81) return -1;
    const value = byte();
    return value < 0x80 ? -1 : value;
  };
  if (byte() !== 0x30) return undefined;
  const total = length();
  if (total < 0 || total !== der.length - pos) return undefined;
  const out = new Uint8Array(size * 2);
  for (let part = 0; part < 2; part++) {
    if (byte() !== 0x02) return undefined;
    const len = length();
    if (len <= 0 || pos + len > der.length) return undefined;
    let int = der.subarray(pos, pos + len);
    pos += len;
    if (int[0] & 0x80) return undefined; // negative
    if (int.length > 1 && int[0] === 0 && !(int[1] & 0x80)) return undefined; // not minimal
    while (int.length > 0 && int[0] === 0) int = int.subarray(1);
    if (int.length > size) return undefined;
    out.set(int, part * size + size - int.length);
  }
  return pos === der.length ? out : undefined;
}

function derInteger(raw: Uint8Array): Uint8Array {
  let start = 0;
  while (start < raw.length - 1 && raw[start] === 0) start++;
  const value = raw.subarray(start);
  const pad = value[0] & 0x80 ? 1 : 0;
  const out = new Uint8Array(2 + pad + value.length);
  out[0] = 0x02;
  out[1] = pad + value.length;
  out.set(value, 2 + pad);
  return out;
}

/** Converts an `r || s` signature to DER. */
export function rawToDer(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2;
  const r = derInteger(raw.subarray(0, half));
  const s = derInteger(raw.subarray(half));
  const body = r.length + s.length;
  const header = body < 0x80 ? [0x30, body] : [0x30, 0x81, body];
  const out = new Uint8Array(header.length + body);
  out.set(header, 0);
  out.set(r, header.length);
  out.set(s, header.length + r.length);
  return out;
}
