/**
 * A hint, not a rule: how hard a passphrase is to guess, estimated from its length and the kinds of
 * characters in it (a rough entropy). The store accepts any non-empty passphrase; the hint says when
 * a stolen data folder would fall quickly. Long phrases of plain words score well, as they should.
 */
export interface StrengthHint {
  level: 0 | 1 | 2 | 3;
  label: 'too short' | 'weak' | 'fair' | 'strong';
  /** What would make it stronger ('' when strong). */
  advice: string;
  bits: number;
}

export function passphraseStrength(passphrase: string): StrengthHint {
  const chars = [...passphrase];
  if (chars.length < 8)
    return {
      level: 0,
      label: 'too short',
      advice: 'Use at least 8 characters; a phrase of four or more words is best.',
      bits: 0,
    };
  let pool = 0;
  if (/[a-z]/.test(passphrase)) pool += 26;
  if (/[A-Z]/.test(passphrase)) pool += 26;
  if (/\d/.test(passphrase)) pool += 10;
  if (/[^A-Za-z0-9]/.test(passphrase)) pool += 33;
  // Repeats add little: count distinct characters beyond the first occurrence at half weight.
  const distinct = new Set(chars).size;
  const effective = distinct + (chars.length - distinct) / 2;
  const bits = Math.round(effective * Math.log2(Math.max(pool, 2)));
  if (bits < 45) return { level: 1, label: 'weak', advice: 'Make it longer: add a few words.', bits };
  if (bits < 70) return { level: 2, label: 'fair', advice: 'A few more words make it strong.', bits };
  return { level: 3, label: 'strong', advice: '', bits };
}
