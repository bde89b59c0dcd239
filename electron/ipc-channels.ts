import type { CallName, EventName } from '../shared/contract.js';

/**
 * IPC channel names, one per contract call and one per event, shared by the preload and the main
 * process. There is deliberately no generic channel: a call name that is not in the contract has no
 * handler to reach.
 *
 * The names are listed here rather than read from `calls` so the preload bundle does not carry zod and
 * the schemas; `satisfies Record<CallName, true>` makes a new contract call a compile error until it
 * is added here.
 */
const callNameSet = {
  'app.info': true,
  'store.unlock': true,
  'store.setPassphrase': true,
  'profiles.list': true,
  'profiles.get': true,
  'profiles.save': true,
  'profiles.duplicate': true,
  'profiles.delete': true,
  'profiles.export': true,
  'profiles.import': true,
  'profiles.runbook': true,
  'onboarding.sources': true,
  'onboarding.discover': true,
  'onboarding.apply': true,
  'profiles.check': true,
  'hosts.trustKey': true,
  'runs.create': true,
  'runs.preview': true,
  'runs.list': true,
  'runs.get': true,
  'runs.updateParams': true,
  'runs.plan': true,
  'runs.execute': true,
  'runs.cancel': true,
  'runs.close': true,
  'runs.suggestMapping': true,
  'runs.targetProjects': true,
  'runs.reprotect': true,
  'runs.report': true,
  'names.lookup': true,
  'runs.logs': true,
  'drills.start': true,
  'drills.resume': true,
  'drills.get': true,
  'drills.list': true,
  'drills.report': true,
} as const satisfies Record<CallName, true>;

const eventNameSet = { log: true, step: true, run: true, drill: true } as const satisfies Record<EventName, true>;

export const ipcCallNames = Object.keys(callNameSet) as CallName[];
export const ipcEventNames = Object.keys(eventNameSet) as EventName[];

export function isIpcCallName(name: unknown): name is CallName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(callNameSet, name);
}

export function isIpcEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(eventNameSet, name);
}

export const callChannel = (name: CallName): `call:${CallName}` => `call:${name}`;
export const eventChannel = (name: EventName): `event:${EventName}` => `event:${name}`;
