import type Database from 'better-sqlite3';
import type { DrillView } from '../../../shared/drill/drill-types.js';
import type { StoreDb } from './database.js';

/**
 * DR drills in SQLite: the whole record as JSON, written after every change (a drill is a handful of
 * writes per workload), so a stopped drill is found as it was and its tear-down can be resumed.
 */
export class DrillRepo {
  private readonly db: Database.Database;

  constructor(store: StoreDb) {
    this.db = store.db;
  }

  save(drill: DrillView): void {
    this.db
      .prepare(
        `INSERT INTO drills (id, profile_id, status, created_at, record) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, record = excluded.record`,
      )
      .run(drill.id, drill.profileId, drill.status, drill.createdAt, JSON.stringify(drill));
  }

  get(id: string): DrillView | undefined {
    const row = this.db
      .prepare<[string], { record: string }>('SELECT record FROM drills WHERE id = ?')
      .get(id);
    return row ? (JSON.parse(row.record) as DrillView) : undefined;
  }

  /** Newest first. */
  list(profileId?: string): DrillView[] {
    const rows = this.db
      .prepare<[string | null, string | null], { record: string }>(
        'SELECT record FROM drills WHERE ? IS NULL OR profile_id = ? ORDER BY created_at DESC, rowid DESC',
      )
      .all(profileId ?? null, profileId ?? null);
    return rows.map((r) => JSON.parse(r.record) as DrillView);
  }
}
