import { describe, expect, it } from 'vitest';
import { calls, eventNames } from '../../../shared/contract.js';
import {
  callChannel,
  ipcCallNames,
  ipcEventNames,
  isIpcCallName,
  isIpcEventName,
} from '../../../electron/ipc-channels.js';

describe('IPC channel names', () => {
  it('list exactly the contract calls and events', () => {
    expect([...ipcCallNames].sort()).toEqual(Object.keys(calls).sort());
    expect([...ipcEventNames].sort()).toEqual([...eventNames].sort());
  });

  it('recognise contract names only, not inherited properties', () => {
    expect(isIpcCallName('profiles.save')).toBe(true);
    for (const name of ['toString', '__proto__', 'constructor', 'profiles.*', '', 42, null])
      expect(isIpcCallName(name), String(name)).toBe(false);
    expect(isIpcEventName('log')).toBe(true);
    expect(isIpcEventName('hasOwnProperty')).toBe(false);
  });

  it('prefix call channels so they cannot collide with event channels', () => {
    expect(callChannel('app.info')).toBe('call:app.info');
  });
});
