/**
 * The lab's own error: what failed, where and what to do. The lab (and the Trilio emulator in it) is a
 * witness for the product, so it keeps its own types instead of importing the product's `AppFailure`;
 * the shape matches so a failure reads the same in a test log.
 */
export interface LabError {
  code: string;
  message: string;
  hint?: string;
  host?: string;
  command?: string;
  output?: string;
  exitCode?: number;
  request?: string;
  httpStatus?: number;
}

export class LabFailure extends Error {
  constructor(readonly error: LabError) {
    super(error.message);
    this.name = 'LabFailure';
  }
}
