import { parseArgs } from 'node:util';
import { labInstallers } from './flavor/flavor.js';
import { LabFailure } from './lab-failure.js';
import { downLab, readLabJson, upLab } from './lab.js';
import { labJsonPath } from './topology.js';

const usage = `usage: npm run lab -- up [--computes N] [--reset] [--trilio-release R --installer I]
                         [--container-engine docker|podman] [--backups-release R0] [--backups-installer I0]
       npm run lab -- down [--purge]
       npm run lab -- status

  --trilio-release R     cloud B's Trilio: 4.0 to 6.1 (default 4.1)
  --installer I          ${labInstallers.join(', ')} (default packages)
  --container-engine E   Kolla's engine (default docker)
  --backups-release R0   the release that wrote cloud A's backups (default R)
  --backups-installer I0 cloud A's installer, whose mount root is in the backing paths (default I)
Without Trilio flags the lab is the default one (4.1 from packages); switching flavor resets it.`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      computes: { type: 'string' },
      reset: { type: 'boolean' },
      purge: { type: 'boolean' },
      'trilio-release': { type: 'string' },
      installer: { type: 'string' },
      'container-engine': { type: 'string' },
      'backups-release': { type: 'string' },
      'backups-installer': { type: 'string' },
    },
  });
  const [command] = positionals;
  switch (command) {
    case 'up': {
      const started = Date.now();
      const flavor = {
        ...(values['trilio-release'] ? { release: values['trilio-release'] } : {}),
        ...(values.installer ? { installer: values.installer } : {}),
        ...(values['container-engine'] ? { containerEngine: values['container-engine'] } : {}),
        ...(values['backups-release'] ? { backupsRelease: values['backups-release'] } : {}),
        ...(values['backups-installer'] ? { backupsInstaller: values['backups-installer'] } : {}),
      };
      const lab = await upLab({
        ...(values.computes ? { computeCount: Number(values.computes) } : {}),
        ...(values.reset ? { reset: true } : {}),
        flavor,
        onNote: (line) => console.log(line),
      });
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const t = lab.trilio;
      console.log(`lab up in ${seconds} s — ${labJsonPath}`);
      console.log(
        `  Keystone  ${lab.clouds.B.authUrl} (cloud A: ${lab.clouds.A.region}/${lab.clouds.A.domain}, cloud B: ${lab.clouds.B.region}/${lab.clouds.B.domain})`,
      );
      console.log(
        `  Trilio    ${t.release} from ${t.installer}${t.containerEngine ? ` (${t.containerEngine})` : ''}, catalog ${t.catalogUrl}`,
      );
      console.log(
        `            mounts under ${t.mountRoot} (${t.folderForm === 'path' ? 'path-only' : 'whole-export'} folders, ${t.configModel}); backups written by ${t.backups.release} (${t.backups.folderForm} folders under ${t.backups.mountRoot})`,
      );
      for (const h of lab.hosts)
        console.log(
          `  ${h.name.padEnd(10)} ${h.role.padEnd(8)} ${h.user}@${h.address}${h.via ? ` via ${h.via}` : ''}`,
        );
      console.log(`  NFS       A1 ${lab.nfs.A1}  B1 ${lab.nfs.B1}  B2 ${lab.nfs.B2}`);
      console.log(`  SMTP      ${lab.smtp.host}:${lab.smtp.port} → ${lab.smtp.maildir}`);
      console.log(`  profile   ${lab.profileFile}  (trilio-dr profile import ${lab.profileFile})`);
      return 0;
    }
    case 'down':
      await downLab({ purge: values.purge === true });
      console.log('lab down');
      return 0;
    case 'status': {
      const lab = await readLabJson().catch(() => null);
      console.log(lab ? JSON.stringify(lab, null, 2) : 'lab is not up (no lab.json)');
      return lab ? 0 : 1;
    }
    default:
      console.error(usage);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`lab: ${error instanceof Error ? error.message : String(error)}`);
    if (error instanceof LabFailure && error.error.hint) console.error(`  ${error.error.hint}`);
    process.exit(1);
  },
);
