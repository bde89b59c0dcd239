import type { CloudConfig, Profile, SecretState } from '../profile/profile.js';
import { trilioFactsOf, type TrilioFacts } from '../trilio/trilio-facts.js';
import type { ReportProfile } from './report-schema.js';

/**
 * The profile as exports show it. Fields are copied one by one from an allow-list, so a secret field
 * added to the profile later never reaches a report by accident; secret fields appear only as the
 * names of those that are stored.
 */
export function reportProfileOf(profile: Profile): ReportProfile {
  const target = trilioFactsOf(profile.trilio, 'target');
  return {
    id: profile.id,
    name: profile.name,
    description: profile.description,
    clouds: { source: cloudOf(profile.clouds.source), target: cloudOf(profile.clouds.target) },
    hosts: profile.hosts.map((h) => ({
      id: h.id,
      name: h.name,
      role: h.role,
      address: h.address,
      port: h.port,
      user: h.user,
      auth: h.auth,
      keyFile: h.keyFile,
      via: h.via,
      sudo: h.sudo,
      storedSecrets: stored({
        password: h.password,
        privateKey: h.privateKey,
        keyPassphrase: h.keyPassphrase,
      }),
    })),
    nfs: {
      source: profile.nfs.source,
      target: profile.nfs.target,
      syncedCopy: profile.nfs.syncedCopy,
      mountRoot: target.mountRoot,
    },
    trilio: {
      flavor: target.installer,
      trusteeRole: profile.trilio.trusteeRole,
      adminRole: profile.trilio.adminRole,
      purgeCommand: profile.trilio.purgeCommand,
      dbCleanup: {
        scriptDir: profile.trilio.dbCleanup.scriptDir,
        host: profile.trilio.dbCleanup.host,
        port: profile.trilio.dbCleanup.port,
        user: profile.trilio.dbCleanup.user,
        database: profile.trilio.dbCleanup.database,
        storedSecrets: stored({ password: profile.trilio.dbCleanup.password }),
      },
      wlmConfPath: target.applianceConfigs.join(', '),
      contegoConfPath: target.datamoverConfigs.join(', '),
      source: factsOf(trilioFactsOf(profile.trilio, 'source')),
      target: factsOf(target),
    },
    projectMapping: profile.projectMapping.map((m) => ({
      sourceProjectId: m.sourceProjectId,
      sourceProjectName: m.sourceProjectName,
      targetProject: m.targetProject,
      trusteeUser: m.trusteeUser,
    })),
    smtp: {
      host: profile.smtp.host,
      port: profile.smtp.port,
      starttls: profile.smtp.starttls,
      username: profile.smtp.username,
      from: profile.smtp.from,
      storedSecrets: stored({ password: profile.smtp.password }),
    },
    reporting: {
      rtoTargetMinutes: profile.reporting.rtoTargetMinutes,
      perProject: profile.reporting.perProject.map((p) => ({
        project: p.project,
        rtoTargetMinutes: p.rtoTargetMinutes,
      })),
    },
  };
}

function factsOf(f: TrilioFacts): NonNullable<ReportProfile['trilio']['target']> {
  return {
    release: f.release,
    installer: f.installer,
    mountRoot: f.mountRoot,
    folderForm: f.folderForm,
    configModel: f.configModel,
    applianceConfigs: f.applianceConfigs,
    datamoverConfigs: f.datamoverConfigs,
    restartAppliance: f.restartAppliance,
    restartDatamover: f.restartDatamover,
    owner: f.owner,
  };
}

function cloudOf(c: CloudConfig): ReportProfile['clouds']['source'] {
  return {
    authUrl: c.authUrl,
    region: c.region,
    interface: c.interface,
    authKind: c.authKind,
    username: c.username,
    userDomain: c.userDomain,
    project: c.project,
    projectDomain: c.projectDomain,
    domain: c.domain,
    applicationCredentialId: c.applicationCredentialId,
    caBundlePath: c.caBundlePath,
    insecure: c.insecure,
    trilioUrl: c.trilioUrl,
    storedSecrets: stored({
      password: c.password,
      applicationCredentialSecret: c.applicationCredentialSecret,
    }),
  };
}

/** Only the literal state 'set' counts; anything else (a value that slipped in) is never copied. */
function stored(fields: Record<string, SecretState>): string[] {
  return Object.entries(fields)
    .filter(([, state]) => state === 'set')
    .map(([name]) => name);
}
