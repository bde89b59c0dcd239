export interface ElectronSqlitePaths {
  dir: string;
  module: string;
  addon: string;
}

export function electronSqlitePaths(
  root: string,
  electronVersion: string,
  platform?: string,
  arch?: string,
): ElectronSqlitePaths;

export interface RebuildRequest {
  buildPath: string;
  electronVersion: string;
  onlyModules: string[];
  force: boolean;
}

export function sqliteForElectron(
  root: string,
  electronVersion: string,
  options?: { log?: (line: string) => void; rebuild?: (request: RebuildRequest) => Promise<void> },
): Promise<string>;
