import { describe, expect, it } from 'vitest';
import { CLIENT_COMMANDS, type CommandLine, splitCommandLine } from '../../src/cli/splitCommandLine.js';

const split = (line: string): CommandLine => splitCommandLine(line === '' ? [] : line.split(' '));

/** The message of a usage error (fails the test if the command line was accepted). */
function usageMessage(line: string): string {
  const result = split(line);
  if (result.kind !== 'usage') throw new Error(`expected a usage error for "${line}", got ${JSON.stringify(result)}`);
  return result.message;
}

describe('splitCommandLine: starting a node and a devnet (unchanged contracts)', () => {
  it('starts a node when the command line is empty', () => {
    expect(split('')).toEqual({ kind: 'start', args: [] });
  });

  it('starts a node with the whole command line when it begins with a start flag', () => {
    expect(split('--port 4001 --data-dir x')).toEqual({ kind: 'start', args: ['--port', '4001', '--data-dir', 'x'] });
    expect(split('--mine --node x')).toEqual({ kind: 'start', args: ['--mine', '--node', 'x'] });
  });

  it('starts a node with the flags after start, and a devnet with the flags after devnet', () => {
    expect(split('start --port 4001')).toEqual({ kind: 'start', args: ['--port', '4001'] });
    expect(split('devnet --nodes 3')).toEqual({ kind: 'devnet', args: ['--nodes', '3'] });
  });

  it('leaves a bad start flag to the node, which names it', () => {
    expect(split('--port x')).toEqual({ kind: 'start', args: ['--port', 'x'] });
  });
});

describe('splitCommandLine: client commands', () => {
  it('passes the arguments after a command to it', () => {
    expect(split('send abc 2 --from-node --node x')).toEqual({
      kind: 'client',
      command: 'send',
      args: ['abc', '2', '--from-node', '--node', 'x'],
    });
  });

  it('accepts every common option before every client command', () => {
    for (const command of CLIENT_COMMANDS) {
      expect(split(`--node http://127.0.0.1:4001/graphql --token secret --json --timeout 500 ${command} x`)).toEqual({
        kind: 'client',
        command,
        args: ['--node', 'http://127.0.0.1:4001/graphql', '--token', 'secret', '--json', '--timeout', '500', 'x'],
      });
    }
  });

  it('accepts the --option=value form before the command', () => {
    expect(split('--node=127.0.0.1:4001 --timeout=500 chain')).toEqual({
      kind: 'client',
      command: 'chain',
      args: ['--node=127.0.0.1:4001', '--timeout=500'],
    });
  });

  it('puts the options given before the command first, so the same option after the command wins', () => {
    // parseArgs keeps the last value of a repeated flag: here --node b.
    expect(split('--node a chain --node b')).toEqual({
      kind: 'client',
      command: 'chain',
      args: ['--node', 'a', '--node', 'b'],
    });
  });

  it('keeps the arguments of the command in their order after the leading options', () => {
    expect(split('--json wallet balance --wallet w.json')).toEqual({
      kind: 'client',
      command: 'wallet',
      args: ['--json', 'balance', '--wallet', 'w.json'],
    });
  });
});

describe('splitCommandLine: help', () => {
  it('reads a leading --help or -h as the help command, with the common options before it', () => {
    expect(split('--help')).toEqual({ kind: 'client', command: 'help', args: [] });
    expect(split('-h')).toEqual({ kind: 'client', command: 'help', args: [] });
    expect(split('--json --help')).toEqual({ kind: 'client', command: 'help', args: ['--json'] });
  });

  it('reads --help followed by a word as the help of that command, and ignores start flags after it', () => {
    expect(split('--help chain')).toEqual({ kind: 'client', command: 'help', args: ['chain'] });
    expect(split('--help --port 4001')).toEqual({ kind: 'client', command: 'help', args: [] });
  });

  it('leaves --help after a start flag to the node (the start flags help)', () => {
    expect(split('--port 4001 --help')).toEqual({ kind: 'start', args: ['--port', '4001', '--help'] });
  });
});

describe('splitCommandLine: usage errors (exit 2, never a node start)', () => {
  it('refuses common options with no command after them, naming the option and the rule', () => {
    expect(usageMessage('--node http://127.0.0.1:4001/graphql')).toBe(
      '--node is an option of the client commands (wallet, send, mine, chain, peers, resolve, help); ' +
        'name a command after it, e.g. node-cli --node <url> chain',
    );
    expect(usageMessage('--json')).toContain('--json is an option of the client commands');
  });

  it('refuses common options before start or devnet', () => {
    expect(usageMessage('--node x start --port 4001')).toBe(
      '--node is an option of the client commands (wallet, send, mine, chain, peers, resolve, help), not of start; ' +
        'name a command after it, e.g. node-cli --node <url> chain, or write node-cli start [flags]',
    );
    expect(usageMessage('--token secret devnet')).toContain(
      '--token is an option of the client commands (wallet, send, mine, chain, peers, resolve, help), not of devnet',
    );
  });

  it('refuses an unknown word after common options, naming the word and the option', () => {
    expect(usageMessage('--timeout 5 frobnicate')).toBe(
      'unknown command "frobnicate": --timeout is an option of the client commands (wallet, send, mine, chain, peers, ' +
        'resolve, help); name a command after it, e.g. node-cli --timeout <ms> chain',
    );
  });

  it('refuses an unknown command word, listing the commands', () => {
    expect(usageMessage('frobnicate --node x')).toBe(
      'unknown command "frobnicate"; commands: start, devnet, wallet, send, mine, chain, peers, resolve, help',
    );
    expect(usageMessage('toString')).toContain('unknown command "toString"');
  });

  it('refuses a flag other than the common options between them and the command', () => {
    expect(usageMessage('--node x --port 4001 chain')).toBe(
      'only the common options (--node, --token, --json, --timeout) may come before the command, got --port after --node; ' +
        'name a command first, e.g. node-cli --node <url> <command> --port',
    );
    expect(usageMessage('--json --from-node send abc 1')).toContain('got --from-node after --json');
  });

  it('refuses a common option whose value is missing, naming the flag', () => {
    expect(usageMessage('--node')).toBe(
      '--node needs a value: --node <url> (a value that starts with "-" is written --node=<value>)',
    );
    expect(usageMessage('--timeout --json chain')).toMatch(/^--timeout needs a value: --timeout <ms>/);
    expect(usageMessage('--token= chain')).toMatch(/^--token needs a value/);
  });

  it('refuses a value given to --json', () => {
    expect(usageMessage('--json=yes chain')).toBe('--json takes no value, got "--json=yes"');
  });
});
