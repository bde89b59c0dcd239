import { z } from 'zod';
import { ownRecord } from '../json/own-record.js';
import { stepKeys } from './plan-types.js';

/**
 * Runtime schemas of a run's parameters, for the contract door (renderer, CLI). They mirror the types in
 * run-types.ts and restore-json.ts; `satisfies` checks below keep both in step.
 */
const name = z.string().max(255);
const count = z.number().int().min(0).max(10_000_000);
const networkTarget = z.object({ networkId: name, networkName: name, subnetId: name });

export const restoreChoicesSchema = z.object({
  name,
  description: z.string().max(2000),
  restoreTopology: z.boolean(),
  instances: z
    .array(
      z.object({
        id: name,
        include: z.boolean(),
        newName: name,
        availabilityZone: name,
        volumeTypes: ownRecord(name, name),
        flavor: z
          .object({
            id: name,
            name,
            vcpus: count,
            ram: count,
            disk: count,
            ephemeral: count,
            swap: count,
          })
          .optional(),
        // Key: the NIC's MAC (how Trilio matches restore.json's `nics`).
        nics: ownRecord(
          z.string().max(64),
          z.object({ target: networkTarget.optional(), keepIp: z.boolean().optional() }),
        ).optional(),
      }),
    )
    .max(1000),
  // Key: `<snapshot network id>/<snapshot subnet id>`, or a network id alone (every subnet of it).
  networkMapping: ownRecord(z.string().max(511), networkTarget),
});

export const singleRunParamsSchema = z.object({
  kind: z.literal('single'),
  workloadId: name.default(''),
  targetProject: name.default(''),
  trusteeUser: name.default(''),
  snapshot: name.default('latest'),
  restore: restoreChoicesSchema.nullable().default(null),
  notifyOnly: z.boolean().default(false),
  removeMountsOnCleanup: z.boolean().default(false),
  /** CLI `--reenable-schedules`; the wizard's "Re-enable job schedules" in the Reassign step. */
  reenableSchedules: z.boolean().default(false),
  /** Set by the drill engine only (a workload of a DR drill). */
  drill: z.object({ drillId: name }).optional(),
});

export const fullRunParamsSchema = z.object({
  kind: z.literal('full'),
  mapping: z
    .array(
      z.object({
        sourceProjectId: name,
        sourceProjectName: name.default(''),
        targetProject: name,
        trusteeUser: name.default(''),
      }),
    )
    .default([]),
  notifyOnly: z.boolean().default(false),
  restoreConcurrency: z.number().int().min(1).max(50).default(4),
  removeMountsOnCleanup: z.boolean().default(false),
  reenableSchedules: z.boolean().default(false),
});

export const runParamsSchema = z.discriminatedUnion('kind', [singleRunParamsSchema, fullRunParamsSchema]);

export const stepKeySchema = z.enum(stepKeys);
