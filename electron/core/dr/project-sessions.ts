import { formatApiCallLog } from '../../../shared/report/run-log.js';
import { fail, ok, type Result } from '../../../shared/result.js';
import { CinderClient } from '../clients/cinder-client.js';
import { openCloudSession } from '../clients/cloud-session.js';
import type { HttpRequestLog } from '../clients/http-client.js';
import type { CloudClients } from '../clients/index.js';
import { KeystoneClient } from '../clients/keystone-client.js';
import { NeutronClient } from '../clients/neutron-client.js';
import { NovaClient } from '../clients/nova-client.js';
import { TrilioClient } from '../clients/trilio-client.js';
import type { DrContext } from './remote-action.js';

/** A target project as the project-scoped login names it (`domainId`: ids are unambiguous). */
export interface ProjectRef {
  id: string;
  name: string;
  domainId: string;
}

/** The target cloud's clients per project, opened on first use and closed together. */
export interface ProjectSessions {
  get(project: ProjectRef): Promise<Result<CloudClients>>;
  close(): void;
}

/**
 * Logins of the admin user scoped to target projects (the Access step gave it a role there): restores
 * and workload reads act inside the project that owns the workload. Each project's session is opened
 * once and shared by every workload of that project. API requests go to the step's log as the report
 * reads them (`HTTP GET … -> 200 in 12 ms`), except the ones `quiet` filters (status polls).
 */
export function openProjectSessions(
  ctx: DrContext,
  quiet: (entry: HttpRequestLog) => boolean,
): ProjectSessions {
  const opened = new Map<string, Promise<Result<CloudClients>>>();
  const open = async (project: ProjectRef): Promise<Result<CloudClients>> => {
    const cloud = ctx.profile.clouds.target;
    if (cloud.authKind === 'application-credential')
      return fail({
        code: 'precondition',
        message: `The target cloud logs in with an application credential, which is bound to its own project; work in ${project.name} needs a token of that project.`,
        hint: 'Use a password login for the target cloud in the profile: the Access step gives that user a role on the project.',
      });
    const session = await openCloudSession(
      { ...cloud, project: project.name, projectDomain: project.domainId },
      'target',
      (key) => ctx.services.getSecret(key),
      {
        onRequest: (e) => {
          if (!quiet(e)) ctx.log(formatApiCallLog(e));
        },
      },
    );
    if (!session.ok) return session;
    const info = await session.value.tokenInfo(ctx.signal);
    if (!info.ok) {
      session.value.close();
      return fail({
        ...info.error,
        hint:
          info.error.httpStatus === 401
            ? `${cloud.username} cannot log in to project ${project.name}: run the Access step first (it grants the user a role there).`
            : info.error.hint,
      });
    }
    const s = session.value;
    return ok({
      side: 'target',
      session: s,
      keystone: new KeystoneClient(s),
      neutron: new NeutronClient(s),
      nova: new NovaClient(s),
      cinder: new CinderClient(s),
      trilio: new TrilioClient(s, { url: cloud.trilioUrl }),
    });
  };
  return {
    get(project) {
      let pending = opened.get(project.id);
      if (!pending) {
        pending = open(project);
        opened.set(project.id, pending);
      }
      return pending;
    },
    close() {
      for (const p of opened.values()) void p.then((r) => r.ok && r.value.session.close());
      opened.clear();
    },
  };
}
