/**
 * Gets coins from a miner node into a new wallet, then sends some of them on with a transfer signed here.
 * Start a node (`npm start`), then: npx tsx examples/sendCoins.ts [http://127.0.0.1:4000/graphql]
 * (set NODE_ADMIN_TOKEN when the node has an admin token: `mine` and `send` are admin operations).
 */
import { assertOk, createNodeClient, generateWallet } from '../src/client/index.js';

const client = createNodeClient(process.argv[2] ?? 'http://127.0.0.1:4000/graphql', {
  adminToken: process.env['NODE_ADMIN_TOKEN'],
});
const alice = generateWallet();
const bob = generateWallet();
const balance = async (address: string) => (await client.account(address)).balance;

// The node mines until its own wallet can pay 3 coins (the reward of each block goes to it).
const node = await client.node();
while ((await client.account(node.address)).pendingBalance < 3) assertOk(await client.mine());

// The node sends 3 coins to Alice from its wallet, and mines a block to confirm them.
const gift = await client.send(alice.address, 3);
assertOk(gift);
const confirmed = await client.mine();
assertOk(confirmed);
console.log(`node ${node.address} sent 3 coins to Alice ${alice.address} in block ${confirmed.block.index}`);
console.log(`Alice has ${await balance(alice.address)}`);

// Alice signs a transfer of 2 coins to Bob (nonce from her account), and the node mines it.
const transfer = await client.sendSigned(alice, bob.address, 2);
assertOk(transfer);
const mined = await client.mine();
assertOk(mined);
console.log(
  `Alice sent 2 coins to Bob ${bob.address} (transaction ${transfer.transaction.id}) in block ${mined.block.index}`,
);
console.log(`balances: Alice ${await balance(alice.address)}, Bob ${await balance(bob.address)}`);
