import type { ApiAction } from '../../../shared/run/plan-types.js';
import { fail, type Result } from '../../../shared/result.js';
import type { CloudClients } from '../clients/index.js';
import type { HttpResponse } from '../clients/http-client.js';
import type { DrContext } from './remote-action.js';

/**
 * Sends a planned API action as the plan shows it (method, path below the service's endpoint, body),
 * logging the request line and its status. Used for undo actions recorded in the change log (role
 * revokes), where no typed client call is attached.
 */
export async function runApiAction(
  ctx: Pick<DrContext, 'log' | 'signal'>,
  clients: CloudClients,
  action: ApiAction,
): Promise<Result<HttpResponse<unknown>>> {
  const started = Date.now();
  ctx.log(`${action.method} ${action.path}`, { stream: 'command' });
  const body = action.body === undefined ? {} : { body: action.body };
  let answer: Result<HttpResponse<unknown>>;
  if (action.service === 'identity') {
    answer = await clients.session.identity({
      method: action.method,
      path: action.path,
      signal: ctx.signal,
      ...body,
    });
  } else if (action.service === 'workloads') {
    // Through the Trilio client: its URL and its X-Auth-Project-Id header, as every Trilio call.
    answer = await clients.trilio.request({
      method: action.method,
      path: action.path,
      signal: ctx.signal,
      ...body,
    });
  } else {
    const base = await clients.session.endpoint(action.service, { signal: ctx.signal });
    if (!base.ok) return base;
    answer = await clients.session.request({
      method: action.method,
      url: `${base.value.replace(/\/+$/, '')}${action.path}`,
      signal: ctx.signal,
      ...body,
    });
  }
  const status = answer.ok ? answer.value.status : (answer.error.httpStatus ?? 'failed');
  ctx.log(`${action.method} ${action.path} → ${status} (${Date.now() - started} ms)`, {
    stream: answer.ok ? 'info' : 'error',
  });
  return answer.ok ? answer : fail(answer.error);
}
