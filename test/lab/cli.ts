import { downLab, readLabJson, upLab } from './lab.js';
import { labJsonPath } from './topology.js';

/** `npm run lab -- up [--computes N] [--reset] | down [--purge] | status` */
const usage = 'usage: npm run lab -- up [--computes N] [--reset] | down [--purge] | status';

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const flag = (name: string) => rest.includes(name);
  const value = (name: string) => {
    const i = rest.indexOf(name);
    return i >= 0 ? rest[i + 1] : undefined;
  };
  switch (command) {
    case 'up': {
      const computes = value('--computes');
      const started = Date.now();
      const lab = await upLab({
        ...(computes ? { computeCount: Number(computes) } : {}),
        ...(flag('--reset') ? { reset: true } : {}),
      });
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      console.log(`lab up in ${seconds} s — ${labJsonPath}`);
      console.log(
        `  Keystone  ${lab.clouds.B.authUrl} (cloud A: ${lab.clouds.A.region}/${lab.clouds.A.domain}, cloud B: ${lab.clouds.B.region}/${lab.clouds.B.domain})`,
      );
      console.log(`  Trilio    ${lab.trilio.url}`);
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
      await downLab({ purge: flag('--purge') });
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
    process.exit(1);
  },
);
