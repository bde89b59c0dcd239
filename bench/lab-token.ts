import type { LabJson } from '../test/lab/lab-json.js';

/**
 * A token of cloud B's admin user, scoped to its own project (an admin sees every project's restores)
 * or to the project `projectId` (a restore runs in its target project), straight from Keystone: the
 * scale bench's references send Trilio's calls themselves, not through the product's clients.
 */
export async function labAdminToken(
  lab: LabJson,
  projectId?: string,
): Promise<{ token: string; projectId: string }> {
  const a = lab.clouds.B.admin;
  const scope = projectId
    ? { project: { id: projectId } }
    : { project: { name: a.project, domain: { name: a.projectDomain } } };
  const response = await fetch(`${lab.clouds.B.authUrl.replace(/\/+$/, '')}/auth/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: a.username, password: a.password, domain: { name: a.userDomain } } },
        },
        scope,
      },
    }),
  });
  const token = response.headers.get('x-subject-token');
  if (response.status !== 201 || !token)
    throw new Error(
      `no token of cloud B's admin for ${projectId ? `project ${projectId}` : 'its own project'}: HTTP ${response.status} ${await response.text()}`,
    );
  const body = (await response.json()) as { token: { project: { id: string } } };
  return { token, projectId: body.token.project.id };
}
