/**
 * The names of the core's events, as a value without the contract's schemas: the renderer's transport
 * subscribes to each on the event stream, and loading it must not build every call's zod schema
 * before the first screen (shared/contract.ts checks that the list matches its `Events`).
 */
export const eventNames = ['log', 'step', 'run', 'drill'] as const;
export type EventNameOfList = (typeof eventNames)[number];
