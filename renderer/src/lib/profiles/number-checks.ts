import type { Profile } from '../../../../shared/profile/profile.js';
import type { FieldError } from '../../../../shared/result.js';

/**
 * Number inputs hold NaN while their text is not a whole number. The shared validator compares
 * ranges, which NaN slips through, so the editor adds this check before the value can be sent.
 */
export function wholeNumberErrors(profile: Profile): FieldError[] {
  const errors: FieldError[] = [];
  const check = (path: string, value: number) => {
    if (!Number.isSafeInteger(value)) errors.push({ path, message: 'Enter a whole number.' });
  };
  profile.hosts.forEach((h, i) => check(`hosts.${i}.port`, h.port));
  check('ssh.concurrency', profile.ssh.concurrency);
  check('ssh.connectTimeoutSec', profile.ssh.connectTimeoutSec);
  check('ssh.commandTimeoutSec', profile.ssh.commandTimeoutSec);
  check('ssh.keepaliveSec', profile.ssh.keepaliveSec);
  check('smtp.port', profile.smtp.port);
  return errors;
}
