import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { bytesToHex, hexToBytes, isHex } from './hex.js';

// DER prefixes that wrap a raw 32-byte Ed25519 key (RFC 8410): SubjectPublicKeyInfo and PKCS#8.
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

// Building a KeyObject from DER costs more than the signature itself (measured: createPrivateKey dominated a profile
// of `send` under load), so recently used keys are kept. A bounded map keeps memory flat; it is a pure memo.
const KEY_CACHE_SIZE = 4_096;
const publicKeys = new Map<string, KeyObject>();
const privateKeys = new Map<string, KeyObject>();

function remember(cache: Map<string, KeyObject>, hex: string, key: KeyObject): KeyObject {
  if (cache.size >= KEY_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(hex, key);
  return key;
}

/** Turns a 64-hex-character Ed25519 public key (an address) into a KeyObject. @throws {TypeError} when malformed. */
export function publicKeyFromAddress(address: string): KeyObject {
  const cached = publicKeys.get(address);
  if (cached !== undefined) return cached;
  if (!isHex(address, 32)) throw new TypeError('address must be 64 lowercase hex characters');
  const key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, hexToBytes(address)]), format: 'der', type: 'spki' });
  return remember(publicKeys, address, key);
}

/** Turns a 64-hex-character Ed25519 private key (seed) into a KeyObject. @throws {TypeError} when malformed. */
export function privateKeyFromHex(privateKey: string): KeyObject {
  const cached = privateKeys.get(privateKey);
  if (cached !== undefined) return cached;
  if (!isHex(privateKey, 32)) throw new TypeError('private key must be 64 lowercase hex characters');
  const key = createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, hexToBytes(privateKey)]),
    format: 'der',
    type: 'pkcs8',
  });
  return remember(privateKeys, privateKey, key);
}

/** The address (hex public key) belonging to a hex private key. */
export function addressFromPrivateKey(privateKey: string): string {
  const spki = createPublicKey(privateKeyFromHex(privateKey)).export({ format: 'der', type: 'spki' });
  return bytesToHex(spki.subarray(SPKI_PREFIX.length));
}

/** Ed25519 signature of `message` with a hex private key, as 128 hex characters. */
export function signMessage(privateKey: string, message: Uint8Array): string {
  return bytesToHex(sign(null, message, privateKeyFromHex(privateKey)));
}

/** True when `signature` is a valid Ed25519 signature of `message` by `address`; false for any malformed input. */
export function isValidSignature(address: string, message: Uint8Array, signature: string): boolean {
  if (!isHex(signature, 64)) return false;
  let key: KeyObject;
  try {
    key = publicKeyFromAddress(address);
  } catch {
    return false;
  }
  try {
    return verify(null, message, key, hexToBytes(signature));
  } catch {
    return false;
  }
}
