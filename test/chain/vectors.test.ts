import { describe, expect, it } from 'vitest';
import { blockHash } from '../../src/chain/block.js';
import { Chain } from '../../src/chain/chain.js';
import {
  decodeBlock,
  decodeHeader,
  encodeBlock,
  encodeHeader,
  encodeTransactionPayload,
} from '../../src/chain/encoding.js';
import { createGenesisBlock, encodeChainParams, genesisHash } from '../../src/chain/genesis.js';
import { sha256Hex } from '../../src/chain/hash.js';
import { bytesToHex, hexToBytes } from '../../src/chain/hex.js';
import { addressFromPrivateKey, isValidSignature, signMessage } from '../../src/chain/keys.js';
import { computeMerkleRoot } from '../../src/chain/merkle.js';
import { defaultChainParams } from '../../src/chain/params.js';
import { leadingZeroBits } from '../../src/chain/pow.js';
import {
  createRewardTransaction,
  hasValidSignature,
  signTransaction,
  transactionId,
} from '../../src/chain/transaction.js';
import { easyParams } from '../helpers/params.js';
import vectors from './vectors.json' with { type: 'json' };

// Known answers, computed once with this code and cross-checked independently with Python's hashlib (SHA-256,
// byte layouts, merkle rule) and the `cryptography` package (Ed25519); see docs/PROTOCOL.md. A change to any of
// them is a consensus change: every node of the network must change at once.

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('known-answer vectors', () => {
  it('derives the default network genesis from the text of its parameters', () => {
    expect(encodeChainParams(defaultChainParams)).toBe(vectors.genesis.encodedParams);
    expect(sha256Hex(utf8(vectors.genesis.encodedParams))).toBe(vectors.genesis.merkleRoot);
    const genesis = createGenesisBlock(defaultChainParams);
    expect(genesis.header).toEqual(vectors.genesis.header);
    expect(bytesToHex(encodeHeader(genesis.header))).toBe(vectors.genesis.headerHex);
    expect(genesisHash(defaultChainParams)).toBe(vectors.genesis.hash);
  });

  it('gives the test network its own genesis hash', () => {
    expect(genesisHash(easyParams)).toBe(vectors.testNetGenesisHash);
    expect(vectors.testNetGenesisHash).not.toBe(vectors.genesis.hash);
  });

  it('encodes a header to the published 85 bytes and hashes it with one SHA-256', () => {
    const { header, headerHex, hash } = vectors.block2;
    expect(bytesToHex(encodeHeader(header))).toBe(headerHex);
    expect(decodeHeader(hexToBytes(headerHex))).toEqual(header);
    expect(sha256Hex(hexToBytes(headerHex))).toBe(hash);
    expect(blockHash(header)).toBe(hash);
    expect(leadingZeroBits(hash)).toBeGreaterThanOrEqual(header.difficulty);
  });

  it('encodes the vector block and the default chain accepts it as block 2', () => {
    const block = decodeBlock(hexToBytes(vectors.block2.blockHex));
    expect(block.header).toEqual(vectors.block2.header);
    expect(block.transactions).toEqual([vectors.reward.transaction]);
    expect(bytesToHex(encodeBlock(block))).toBe(vectors.block2.blockHex);
    const chain = new Chain({ params: defaultChainParams, clock: () => vectors.block2.header.timestamp });
    const result = chain.addBlock(block, vectors.block2.hash);
    expect(result.status).toBe('extended');
    expect(chain.tip.hash).toBe(vectors.block2.hash);
  });

  it('encodes the reward payload with zero sender bytes and derives its id', () => {
    const reward = createRewardTransaction(2, vectors.ed25519.address, 1);
    expect(reward).toEqual(vectors.reward.transaction);
    expect(bytesToHex(encodeTransactionPayload(reward))).toBe(vectors.reward.payloadHex);
    expect(transactionId(reward)).toBe(vectors.reward.id);
  });

  it('encodes a transfer payload to the published 81 bytes, whose SHA-256 is the id', () => {
    const { transaction, payloadHex, id } = vectors.transfer;
    expect(bytesToHex(encodeTransactionPayload(transaction))).toBe(payloadHex);
    expect(sha256Hex(hexToBytes(payloadHex))).toBe(id);
    expect(transactionId(transaction)).toBe(id);
  });

  it('signs the transfer deterministically (Ed25519) with the fixed key', () => {
    const { privateKey, transaction } = vectors.transfer;
    const { signature, ...unsigned } = transaction;
    expect(signTransaction(unsigned, privateKey).signature).toBe(signature);
    expect(hasValidSignature(transaction)).toBe(true);
  });

  it('matches RFC 8032 test 1 (Ed25519 key and signature of the empty message)', () => {
    const { privateKey, address, messageHex, signature } = vectors.ed25519;
    expect(addressFromPrivateKey(privateKey)).toBe(address);
    expect(signMessage(privateKey, hexToBytes(messageHex))).toBe(signature);
    expect(isValidSignature(address, hexToBytes(messageHex), signature)).toBe(true);
  });

  it.each(['1', '2', '3', '5'] as const)('computes the merkle root of the first %s leaves', (count) => {
    const ids = [1, 2, 3, 4, 5].map((i) => sha256Hex(utf8(`merkle-leaf-${i}`)));
    expect(ids).toEqual(vectors.merkle.ids);
    expect(computeMerkleRoot(ids.slice(0, Number(count)))).toBe(vectors.merkle.roots[count]);
  });
});
