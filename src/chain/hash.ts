import { createHash } from 'node:crypto';

/** SHA-256 of `data`, as bytes. (node:crypto is pure computation here: no I/O.) */
export function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}

/** SHA-256 of `data`, as lowercase hex. */
export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
