/** What the "Start from my environment" page shows before anything is read in full. */
export interface OnboardingSources {
  home: string;
  cloudsFile: string | null;
  secureFile: string | null;
  /** Cloud names of clouds.yaml (empty when there is none or it cannot be parsed). */
  clouds: string[];
  cloudsError?: string;
  sshConfig: string | null;
  sshAliases: string[];
  knownHosts: string[];
  openrcFiles: string[];
  inventories: string[];
}
