import { sha256Hex } from '../../src/chain/hash.js';
import { addressFromPrivateKey } from '../../src/chain/keys.js';

/** A deterministic key pair for tests (structurally a `Wallet` of src/wallet). */
export interface TestWallet {
  /** The label the key was derived from, for readable test output. */
  readonly label: string;
  /** 64 hex characters: the Ed25519 private key (seed). */
  readonly privateKey: string;
  /** 64 hex characters: the Ed25519 public key, which is the address. */
  readonly address: string;
}

/** The wallet whose private key is SHA-256("test-wallet:" + label): same label, same keys, on every run. */
export function testWallet(label: string): TestWallet {
  const privateKey = sha256Hex(new TextEncoder().encode(`test-wallet:${label}`));
  return Object.freeze({ label, privateKey, address: addressFromPrivateKey(privateKey) });
}

/** A funded sender in most tests (she mines the first blocks). */
export const alice: TestWallet = testWallet('alice');
/** A second user. */
export const bob: TestWallet = testWallet('bob');
/** A third user. */
export const carol: TestWallet = testWallet('carol');
/** A miner that is nobody else (its rewards do not disturb the users' balances). */
export const minerWallet: TestWallet = testWallet('miner');
