import type { LogRecord } from '../../shared/contract.js';

/** Where every log line goes: the store (batched transactions) and the UI (batched per tick). */
export type LogSink = (record: LogRecord) => void;
