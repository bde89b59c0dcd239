import {
  configModelOf,
  folderFormOf,
  type ConfigModel,
  type ContainerEngine,
  type FolderForm,
  type LabFlavor,
  type LabInstaller,
} from './flavor.js';
import { installerLayout, type Account, type InstallerLayout } from './installers.js';

/**
 * Everything that follows from a flavor, as the lab builds it and records it in lab.json: the live
 * appliance's (cloud B's) layout and the backups writer's (cloud A's) mount root and folder form.
 */
export interface FlavorFacts {
  release: string;
  installer: LabInstaller;
  containerEngine: ContainerEngine | null;
  mountRoot: string;
  folderForm: FolderForm;
  configModel: ConfigModel;
  apiPort: number;
  /** Every appliance (WLM) config file on the TVM, and the one wlm-workloads reads. */
  applianceConfigs: string[];
  applianceConfig: string;
  datamoverConfig: string;
  restartAppliance: string[];
  restartDatamover: string[];
  nova: Account;
  charmManaged: boolean;
  layout: InstallerLayout;
  /** The Trilio that wrote cloud A's backups: its folders are in the incrementals' backing paths. */
  backups: {
    release: string;
    installer: LabInstaller;
    mountRoot: string;
    folderForm: FolderForm;
    nova: Account;
  };
}

export function flavorFacts(flavor: LabFlavor): FlavorFacts {
  const layout = installerLayout(flavor.installer, flavor.containerEngine);
  const backupsLayout = installerLayout(flavor.backups.installer, null);
  const workloads = layout.appliance.find((s) => s.service === 'wlm-workloads')!;
  return {
    release: flavor.release,
    installer: flavor.installer,
    containerEngine: flavor.containerEngine,
    mountRoot: layout.mountRoot,
    folderForm: folderFormOf(flavor.release),
    configModel: configModelOf(flavor.release),
    apiPort: layout.apiPort,
    applianceConfigs: [...new Set(layout.appliance.map((s) => s.config))],
    applianceConfig: workloads.config,
    datamoverConfig: layout.datamover[0]!.config,
    restartAppliance: layout.restartAppliance,
    restartDatamover: layout.restartDatamover,
    nova: layout.nova,
    charmManaged: layout.charmManaged,
    layout,
    backups: {
      release: flavor.backups.release,
      installer: flavor.backups.installer,
      mountRoot: backupsLayout.mountRoot,
      folderForm: folderFormOf(flavor.backups.release),
      nova: backupsLayout.nova,
    },
  };
}
