import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { migrate } from "./migrate.ts";

export interface SqliteDatabase {
  db: Database.Database;
  /** The file, or undefined for ":memory:". */
  file: string | undefined;
  /** Runs `work` in commits with synchronous=FULL: for what GitHub is answered on. */
  durably<T>(work: () => T): T;
}

/**
 * Opens (or creates) `openwebui-github.db` in `dataDir` in WAL mode and moves
 * its schema on. Commits are synchronous=NORMAL unless made `durably`: the
 * worker's bookkeeping (claims, outcomes, runs, locks, the comment budget)
 * survives a crash of the process, and a power loss can undo its last moments,
 * which at worst runs a delivery again (the comment marker keeps that to one
 * comment). The next FULL commit syncs the whole log, NORMAL ones included.
 */
export function openSqliteDatabase(dataDir: string): SqliteDatabase {
  let file: string | undefined;
  if (dataDir !== ":memory:") {
    mkdirSync(dataDir, { recursive: true });
    file = join(dataDir, "openwebui-github.db");
  }
  const db = new Database(file ?? ":memory:");
  try {
    // The relay and the tool server may open the same file from two processes: wait for each
    // other's locks, from the first statement on.
    db.pragma("busy_timeout = 5000");
    // A new file gets 16 KB pages: a 20 KB delivery then spans two pages instead of six, which makes
    // its commit cheaper. SQLite applies this only before a file's first write; an existing file
    // keeps its page size.
    db.pragma("page_size = 16384");
    db.pragma("journal_mode = WAL");
    // Without this, each worker write waits for the disk on the thread that answers GitHub.
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }
  const syncFull = db.prepare("PRAGMA synchronous = FULL");
  const syncNormal = db.prepare("PRAGMA synchronous = NORMAL");
  return {
    db,
    file,
    durably(work) {
      syncFull.run();
      try {
        return work();
      } finally {
        syncNormal.run();
      }
    },
  };
}
