import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { labDir, ports } from '../topology.js';

/** Where the lab's clouds keep their state: everything under `.lab/clouds`, mail under `.lab/mail`. */
export const cloudsDir = path.join(labDir, 'clouds');
export const runDir = path.join(cloudsDir, 'run');
export const logDir = path.join(cloudsDir, 'logs');
/** Marker files of one-time steps (database migrations, bootstrap); removed with the database. */
export const doneDir = path.join(cloudsDir, 'done');

export const postgresDataDir = path.join(cloudsDir, 'postgres');
export const keystoneDir = path.join(cloudsDir, 'keystone');
export const neutronDir = path.join(cloudsDir, 'neutron');
export const smtpDir = path.join(cloudsDir, 'smtp');
export const mailDir = path.join(labDir, 'mail');

/** This directory in the repository: the WSGI module and the SMTP sink script live here. */
export const cloudsSourceDir = path.dirname(fileURLToPath(import.meta.url));

export const loopback = '127.0.0.1';
export const keystoneUrl = `http://${loopback}:${ports.keystone}`;
export const authUrl = `${keystoneUrl}/v3`;
export const neutronUrl = `http://${loopback}:${ports.neutron}`;
export const postgresUrl = (database: string): string =>
  `postgresql://postgres@${loopback}:${ports.postgres}/${database}`;
