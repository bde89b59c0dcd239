import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { labDir, ports } from '../topology.js';

/** Where the lab's Trilio keeps its state: everything under `.lab/trilio`. */
export const trilioDir = path.join(labDir, 'trilio');
export const trilioRunDir = path.join(trilioDir, 'run');
export const trilioLogFile = path.join(trilioDir, 'emulator.log');
/** The appliance's "database": workloads, snapshots, restores it knows (written atomically). */
export const trilioStateFile = path.join(trilioDir, 'state.json');
/** What `ensureTrilio` tells the emulator process: hosts, endpoints, the generated world. */
export const trilioConfigFile = path.join(trilioDir, 'emulator-config.json');
/** The generated workloads (ids, shares, snapshots), written by the generator. */
export const trilioWorldFile = path.join(trilioDir, 'world.json');

/** This folder in the repository (emulator sources, the purge script). */
export const trilioSourceDir = path.dirname(fileURLToPath(import.meta.url));

export const trilioHost = '127.0.0.1';
export const trilioPort = ports.trilio;
export const trilioBaseUrl = `http://${trilioHost}:${trilioPort}`;

/** Where the purge script lives inside the TVM (root's home is the host's own). */
export const purgeScriptPath = '/root/bin/trilio-lab-purge-workloads';
