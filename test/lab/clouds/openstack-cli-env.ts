import type { LabCloud } from '../lab-json.js';

/** Who the `openstack` CLI logs in as: a cloud's admin unless a user and their project are given. */
export interface CliIdentity {
  username: string;
  password: string;
  userDomain: string;
  project: string;
  projectDomain: string;
}

/**
 * The environment for Debian's `openstack` CLI against one lab cloud (region + auth URL), built from
 * scratch so no OS_* variable of the caller's shell leaks in.
 */
export function openstackCliEnv(cloud: LabCloud, as: CliIdentity = cloud.admin): NodeJS.ProcessEnv {
  return {
    PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: process.env.HOME ?? '/root',
    LANG: 'C.UTF-8',
    OS_AUTH_URL: cloud.authUrl,
    OS_IDENTITY_API_VERSION: '3',
    OS_REGION_NAME: cloud.region,
    OS_INTERFACE: 'public',
    OS_USERNAME: as.username,
    OS_PASSWORD: as.password,
    OS_USER_DOMAIN_NAME: as.userDomain,
    OS_PROJECT_NAME: as.project,
    OS_PROJECT_DOMAIN_NAME: as.projectDomain,
  };
}
