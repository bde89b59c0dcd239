import { describe, expect, it } from 'vitest';
import { ConfirmService } from '../../../renderer/src/lib/app/confirm.svelte.js';

describe('ConfirmService', () => {
  it('resolves with the answer and closes', async () => {
    const confirm = new ConfirmService();
    const answer = confirm.ask({ message: 'Delete?', danger: true });
    expect(confirm.request).toMatchObject({ message: 'Delete?', danger: true, confirmLabel: 'OK' });
    confirm.answer(true);
    expect(await answer).toBe(true);
    expect(confirm.request).toBeNull();
  });

  it('answers no to a question that is replaced by another', async () => {
    const confirm = new ConfirmService();
    const first = confirm.ask({ message: 'one' });
    const second = confirm.ask({ message: 'two' });
    expect(await first).toBe(false);
    confirm.answer(true);
    expect(await second).toBe(true);
  });
});
