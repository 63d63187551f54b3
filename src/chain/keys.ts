import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { bytesToHex, hexToBytes, isHex } from './hex.js';

// DER prefixes that wrap a raw 32-byte Ed25519 key (RFC 8410): SubjectPublicKeyInfo and PKCS#8.
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** Turns a 64-hex-character Ed25519 public key (an address) into a KeyObject. @throws {TypeError} when malformed. */
export function publicKeyFromAddress(address: string): KeyObject {
  if (!isHex(address, 32)) throw new TypeError('address must be 64 lowercase hex characters');
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, hexToBytes(address)]), format: 'der', type: 'spki' });
}

/** Turns a 64-hex-character Ed25519 private key (seed) into a KeyObject. @throws {TypeError} when malformed. */
export function privateKeyFromHex(privateKey: string): KeyObject {
  if (!isHex(privateKey, 32)) throw new TypeError('private key must be 64 lowercase hex characters');
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, hexToBytes(privateKey)]), format: 'der', type: 'pkcs8' });
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
