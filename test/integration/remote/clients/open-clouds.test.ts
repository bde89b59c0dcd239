import { beforeAll, describe, expect, it } from 'vitest';
import { openClouds } from '../../../../electron/core/clients/index.js';
import type { SecretKey } from '../../../../shared/profile/secret-keys.js';
import { labClouds, must, RequestLog, type LabClouds } from './support/lab-clouds.js';

/** Both clouds of the lab profile, opened lazily from profile settings and the secret store. */

let world: LabClouds;
beforeAll(async () => {
  world = await labClouds();
});

describe('openClouds', () => {
  it('opens each cloud on first use, once, in its own region and domain', async () => {
    const log = new RequestLog();
    const clouds = openClouds({ clouds: world.config }, world.getSecret, { onRequest: log.hook });
    try {
      const target = must(await clouds.target());
      expect(await clouds.target()).toEqual({ ok: true, value: target });
      expect(log.entries).toEqual([]);

      const targetProjects = must(await target.keystone.listProjects(world.config.target.domain));
      expect(targetProjects.map((p) => p.name)).toContain('finance-dr');
      expect(log.logins).toBe(1);

      const source = must(await clouds.source());
      const financeId = world.lab.clouds.A.projects.finance ?? '';
      const networks = must(await source.neutron.listNetworks(financeId));
      expect(networks.map((n) => n.name)).toEqual(['finance-backend', 'finance-net']);
      expect(must(await source.session.tokenInfo()).catalog.length).toBeGreaterThan(0);
      expect(log.logins).toBe(2);
    } finally {
      clouds.close();
    }
  });

  it('a missing secret fails before any request, and is not remembered once it is stored', async () => {
    const secrets = new Map<SecretKey, string>();
    const log = new RequestLog();
    const clouds = openClouds({ clouds: world.config }, (key) => secrets.get(key), { onRequest: log.hook });
    try {
      const missing = await clouds.target();
      expect(missing.ok).toBe(false);
      if (!missing.ok) expect(missing.error).toMatchObject({ code: 'secret-unavailable' });
      expect(log.entries).toEqual([]);
      secrets.set('clouds.target.password', world.lab.clouds.B.admin.password);
      const target = must(await clouds.target());
      expect(must(await target.session.tokenInfo()).projectName).toBe('admin');
    } finally {
      clouds.close();
    }
  });

  it('an unreadable CA bundle is reported with the profile field', async () => {
    const config = {
      ...world.config,
      target: { ...world.config.target, caBundlePath: '/nonexistent/ca.pem' },
    };
    const clouds = openClouds({ clouds: config }, world.getSecret);
    const result = await clouds.target();
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('not-found');
      expect(result.error.fields?.[0]?.path).toBe('clouds.target.caBundlePath');
    }
    clouds.close();
  });
});
